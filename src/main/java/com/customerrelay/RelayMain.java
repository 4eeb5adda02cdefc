package com.customerrelay;

import org.apache.camel.main.Main;

import java.util.Properties;

/**
 * Starts Customer Relay: camel-main with config/application.properties, the YAML routes of routes/ and the beans
 * wired by {@link RelayConfiguration}. Run from the project folder, or point {@code relay.config} elsewhere.
 */
public final class RelayMain {

    public static final String DEFAULT_CONFIG = "config/application.properties";

    private RelayMain() {
    }

    public static void main(String[] args) throws Exception {
        create(new Properties()).run(args);
    }

    /** A relay ready to start; {@code overrides} win over the properties file (tests use them). */
    public static Main create(Properties overrides) {
        Main main = new Main(RelayMain.class);
        String config = System.getProperty("relay.config", DEFAULT_CONFIG);
        main.setDefaultPropertyPlaceholderLocation("file:" + config);
        if (!overrides.isEmpty()) {
            main.setOverrideProperties(overrides);
        }
        return main;
    }
}
