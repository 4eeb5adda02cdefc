package com.customerrelay;

import com.customerrelay.core.FatalErrors;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Properties;

/**
 * Starts Customer Relay: camel-main with config/application.properties, the YAML routes of routes/ and the beans
 * wired by {@link RelayConfiguration}. Run from the project folder, or point {@code relay.config} elsewhere.
 */
public final class RelayMain {

    public static final String DEFAULT_CONFIG = "config/application.properties";
    /** Exit status of a relay that could not start (a setting, a route, a port): it says why in the log. */
    public static final int START_FAILED = 1;
    private static final Logger LOG = LoggerFactory.getLogger(RelayMain.class);

    private RelayMain() {
    }

    /**
     * Runs the relay until it is stopped. A relay that cannot start says why and exits with {@value #START_FAILED}:
     * the broker and sandboxes it may already have started would otherwise keep a process alive that does nothing.
     */
    public static void main(String[] args) {
        try {
            create(new Properties()).run(args);
        } catch (Exception e) {
            LOG.error("Customer Relay could not start: {}", FatalErrors.describe(e));
            System.exit(START_FAILED);
        }
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
