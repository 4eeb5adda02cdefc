package com.customerrelay;

import com.customerrelay.connector.Connectors;
import com.customerrelay.core.FatalErrors;
import com.customerrelay.core.RelaySettings;
import com.customerrelay.core.Secrets;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * Starts Customer Relay: camel-main with config/application.properties, the YAML routes of routes/ (both shipped in
 * the jar, so it starts from any folder) and the beans wired by {@link RelayConfiguration}.
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
        if (Arrays.asList(args).contains("--check")) {
            System.exit(check(System.out));
        }
        try {
            create(new Properties()).run(args);
        } catch (Exception e) {
            LOG.error("Customer Relay could not start: {}", FatalErrors.describe(e));
            System.exit(START_FAILED);
        }
    }

    /**
     * A relay ready to start; {@code overrides} win over the properties file (tests use them). The settings are
     * {@code relay.config} when given, else config/application.properties of the working folder when it has one,
     * else the copy shipped in the jar; the routes are those shipped in the jar (camel.main.routes-include-pattern
     * can point at others). A start that loaded no routes is refused: the relay would run and do nothing.
     */
    public static Main create(Properties overrides) {
        Main main = new Main(RelayMain.class);
        main.setDefaultPropertyPlaceholderLocation(configLocation());
        if (!overrides.isEmpty()) {
            main.setOverrideProperties(overrides);
        }
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterConfigure(BaseMainSupport configured) {
                CamelContext context = configured.getCamelContext();
                if (((ModelCamelContext) context).getRouteDefinitions().isEmpty()) {
                    throw new IllegalStateException("no routes were loaded from camel.main.routes-include-pattern ("
                            + context.getPropertiesComponent().resolveProperty("camel.main.routes-include-pattern")
                            .orElse("unset") + "): the relay would do nothing");
                }
                try {
                    context.addStartupListener(listening());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        return main;
    }

    /**
     * Logs the addresses the two HTTP servers listen on, as they were given to them: Camel's own start summary
     * prints 0.0.0.0 whatever camel.server.host and camel.management.host say.
     */
    private static StartupListener listening() {
        return new StartupListener() {
            @Override
            public void onCamelContextStarted(CamelContext started, boolean alreadyStarted) {
            }

            @Override
            public void onCamelContextFullyStarted(CamelContext started, boolean alreadyStarted) {
                PropertiesComponent properties = started.getPropertiesComponent();
                LOG.info("Customer Relay listening: HTTP API on {}, management (health, metrics) on {}",
                        address(properties, "camel.server"), address(properties, "camel.management"));
            }
        };
    }

    /** The settings the relay reads: relay.config, else config/ of the working folder, else the jar's copy. */
    private static String configLocation() {
        String config = System.getProperty("relay.config");
        return config != null ? "file:" + config
                : Files.isRegularFile(Path.of(DEFAULT_CONFIG)) ? "file:" + DEFAULT_CONFIG : "classpath:" + DEFAULT_CONFIG;
    }

    /**
     * {@code --check}: the configuration read as a start would read it (file, environment, -D), checked by
     * {@link ConfigurationCheck}, and what it names printed, without starting anything. 0: no problem found.
     */
    static int check(PrintStream out) {
        try {
            // built (for its type converter and properties) but never started, nor stopped
            String location = configLocation();
            DefaultCamelContext context = new DefaultCamelContext();
            context.getPropertiesComponent().setLocation(location);
            ConfigurationCheck check = ConfigurationCheck.of(context);
            RelaySettings settings = new RelaySettings(context);
            out.println("Customer Relay configuration: " + location);
            for (String vendor : Connectors.profiles().keySet()) {
                out.println("  vendor " + vendor + ": " + settings.optional("relay.vendors." + vendor + ".base-url")
                        .map(Secrets::maskUrl).orElse("built-in sandbox (no base-url)"));
            }
            out.println("  store: " + settings.optional("relay.store.url").map(Secrets::maskUrl)
                    .orElse("embedded, in " + settings.dataDir()));
            out.println("  broker: " + settings.optional("relay.broker.url").map(Secrets::maskUrl)
                    .orElse("embedded"));
            out.println("  sync jobs: " + settings.optional("relay.sync.jobs").orElse("none"));
            List<String> problems = check.all();
            check.notes().forEach(note -> out.println("note: " + note));
            problems.forEach(problem -> out.println("problem: " + problem));
            out.println(problems.isEmpty() ? "configuration OK" : "configuration: " + problems.size()
                    + (problems.size() == 1 ? " problem" : " problems"));
            return problems.isEmpty() ? 0 : START_FAILED;
        } catch (Exception e) {
            out.println("problem: " + FatalErrors.describe(e));
            return START_FAILED;
        }
    }

    private static String address(PropertiesComponent properties, String server) {
        if (!Boolean.parseBoolean(properties.resolveProperty(server + ".enabled").orElse("false"))) {
            return "none (" + server + ".enabled is false)";
        }
        return "http://" + properties.resolveProperty(server + ".host").orElse("0.0.0.0") + ":"
                + properties.resolveProperty(server + ".port").orElse("8080");
    }
}
