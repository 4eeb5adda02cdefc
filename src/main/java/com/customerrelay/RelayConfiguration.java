package com.customerrelay;

import com.customerrelay.connector.Connector;
import com.customerrelay.connector.Connectors;
import com.customerrelay.core.FatalErrors;
import com.customerrelay.core.PrivateFiles;
import com.customerrelay.core.RelaySettings;
import com.customerrelay.core.RequestValidator;
import com.customerrelay.core.Secrets;
import com.customerrelay.core.VendorSettings;
import com.customerrelay.delivery.CallLimits;
import com.customerrelay.delivery.CallPacing;
import com.customerrelay.deadletter.DeadLetterIndex;
import com.customerrelay.deadletter.DeadLetterWriter;
import com.customerrelay.delivery.DeliveryAttempts;
import com.customerrelay.delivery.DeliveryAcceptance;
import com.customerrelay.delivery.DeliveryFailures;
import com.customerrelay.delivery.DeliveryPurge;
import com.customerrelay.delivery.DeliveryQueries;
import com.customerrelay.delivery.DeliveryStatus;
import com.customerrelay.delivery.DispatchRounds;
import com.customerrelay.delivery.Dispatcher;
import com.customerrelay.delivery.OutcomeNotices;
import com.customerrelay.delivery.OutboxTable;
import com.customerrelay.delivery.OutcomeOutbox;
import com.customerrelay.delivery.VendorCircuit;
import com.customerrelay.delivery.VendorCircuits;
import com.customerrelay.delivery.VendorPauses;
import com.customerrelay.delivery.VendorSettingFunction;
import com.customerrelay.http.ApiKeys;
import com.customerrelay.http.HttpApi;
import com.customerrelay.deadletter.DeadLetterReplay;
import com.customerrelay.intake.DryRun;
import com.customerrelay.intake.FailedFileNotes;
import com.customerrelay.intake.RequestFileReader;
import com.customerrelay.intake.RequestIntake;
import com.customerrelay.kafka.KafkaHealthCheck;
import com.customerrelay.kafka.KafkaRecords;
import com.customerrelay.observe.BrokerHealthCheck;
import com.customerrelay.observe.RelayMetrics;
import com.customerrelay.observe.StoreHealthCheck;
import com.customerrelay.observe.VendorCircuitsHealthCheck;
import com.customerrelay.queue.EmbeddedBroker;
import com.customerrelay.intake.RequestBodyReader;
import com.customerrelay.sandbox.SandboxServer;
import com.customerrelay.store.StateStore;
import com.customerrelay.sync.SyncJob;
import com.customerrelay.sync.SyncJobRoutes;
import com.customerrelay.sync.SyncRunner;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.jms.ConnectionFactory;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.spi.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jms.connection.CachingConnectionFactory;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Wires the relay's beans from its settings and binds them under the names the YAML routes use. */
public final class RelayConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(RelayConfiguration.class);

    /** The vendors as configured: settings (base-url made the sandbox's where none is set), calls, names. */
    private record Vendors(Map<String, VendorSettings> settings, Map<String, Integer> callsPerAttempt,
                           Map<String, String> displayNames) {
    }

    /** What the dispatch and delivery routes need, and the HTTP API reads. */
    private record Deliveries(Dispatcher dispatcher, VendorCircuits circuits, DeliveryQueries queries) {
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        FatalErrors.installForThreads();
        context.getExecutorServiceManager().setThreadPoolFactory(new FatalErrors.ThreadPools());
        // the checks of --check, keys given as files read among them, before any key is used
        ConfigurationCheck check = ConfigurationCheck.of(context);
        if (!check.problems().isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", check.problems()));
        }
        check.missingCredentials().forEach(problem -> LOG.warn("Configuration: {}", problem));
        check.notes().forEach(note -> LOG.warn("Configuration: {}", note));
        RelaySettings settings = new RelaySettings(context);
        Registry registry = context.getRegistry();
        registry.bind("relaySettings", settings);
        List<String> names = List.copyOf(Connectors.profiles().keySet());

        // the data folder holds the store and the broker journal, personal data both: owner-only when made here
        PrivateFiles.createDirectories(settings.dataDir());
        StateStore store = StateStore.open(settings, names);
        context.addService(store);
        registry.bind("stateStore", store);
        registry.bind("deliveryPurge", new DeliveryPurge(store, settings.dedupeWindow()));
        // the store's index of the dead-letter folder: listing the newest few reads a few files, not the folder
        DeadLetterIndex deadLetterIndex = new DeadLetterIndex(store, settings.deadLetterDir());
        registry.bind("deadLetterIndex", deadLetterIndex);
        DeadLetterWriter deadLetters = new DeadLetterWriter(settings.deadLetterDir(), deadLetterIndex);
        registry.bind("deadLetterWriter", deadLetters);
        RelayMetrics metrics = new RelayMetrics(metricsRegistry(context), names);

        Vendors vendors = vendors(context, settings, metrics);
        ConnectionFactory jms = connectionFactory(context, settings);
        registry.bind("jmsConnectionFactory", jms);
        OutboxTable outbox = new OutboxTable(store);
        registry.bind("outboxTable", outbox);
        OutcomeNotices notices = outcomes(registry, settings, outbox, jms);
        Deliveries deliveries = deliveries(context, store, vendors, metrics, deadLetters, notices);
        readiness(context, settings, store, jms);

        RequestIntake intake = intakes(registry, settings, store, outbox, deadLetters, metrics, notices);
        SyncRunner sync = syncJobs(context, settings, check.syncJobs(), store, intake, deliveries.dispatcher(),
                metrics);
        DryRun dryRun = new DryRun(registry.lookupByNameAndType("requestValidator", RequestValidator.class),
                context.createProducerTemplate(), vendors.displayNames());
        registry.bind("dryRun", dryRun);
        registry.bind("httpApiKeys", new ApiKeys(settings.optional("relay.http.api-keys").orElse(null),
                settings.dataDir().resolve("http-api-key")));
        registry.bind("httpApi", new HttpApi(intake, registry.lookupByNameAndType("requestBodyReader",
                RequestBodyReader.class), deliveries.queries(), new DeadLetterReplay(deadLetterIndex,
                intake::resubmit, deliveries.queries()::inFlight), List.copyOf(vendors.settings().keySet()),
                settings.number("relay.http.max-body-bytes", 10_485_760), sync, deliveries.circuits(),
                dryRun));
        stopGracefully(context, deliveries.dispatcher(), vendors.settings(), vendors.callsPerAttempt());
    }

    /**
     * Each connector's beans, under the names its route file uses, and what every vendor call is given: its
     * CallLimits, its pacing, and its sandbox when no base-url is set.
     */
    private static Vendors vendors(CamelContext context, RelaySettings settings, RelayMetrics metrics)
            throws Exception {
        // one HTTP component for every vendor call, whatever the base-url's scheme: camel.component.http.* is then
        // the one place an operator sets a proxy, TLS trust (with camel.ssl.*) or pool settings
        context.addComponent("https", context.getComponent("http"));
        Vendors vendors = new Vendors(new LinkedHashMap<>(), new LinkedHashMap<>(), new LinkedHashMap<>());
        ProducerTemplate logins = context.createProducerTemplate();
        for (Connector connector : Connectors.ALL) {
            String name = connector.profile().name();
            VendorSettings vendor = settings.vendor(name);
            if (vendor.sandboxed()) {
                SandboxServer sandbox = connector.sandbox(vendor, settings);
                context.addService(sandbox);
                context.getRegistry().bind(name + "Sandbox", sandbox);
                vendor = vendor.withBaseUrl(sandbox.baseUrl());
                LOG.info("Vendor {}: SANDBOXED — built-in simulator at {} (set relay.vendors.{}.base-url to deliver "
                        + "to the real {})", name, vendor.baseUrl(), name, name);
            } else {
                LOG.info("Vendor {}: delivering to {}", name, Secrets.maskUrl(vendor.baseUrl()));
            }
            vendors.settings().put(name, vendor);
            vendors.callsPerAttempt().put(name, connector.callsPerAttempt());
            vendors.displayNames().put(name, connector.displayName());
            context.getRegistry().bind(name + "CallLimits", new CallLimits(vendor.timeoutMs(),
                    nanos -> metrics.call(name, nanos)));
            context.getRegistry().bind(name + "Pacing", new CallPacing(vendor.rateLimit()));
            connector.beans(vendor, logins).forEach(context.getRegistry()::bind);
        }
        // {{vendor-setting:<name>.<key>[:<default>]}} in the delivery routes: a setting as the relay uses it (the
        // base-url: the configured one, or the sandbox's)
        context.getPropertiesComponent().addPropertiesFunction(new VendorSettingFunction(vendors.settings()));
        return vendors;
    }

    /**
     * Outcome messages (PRODUCT.md §8): written to the store's outbox with each outcome, published by
     * routes/outcomes.camel.yaml through a cached connection.
     */
    private static OutcomeNotices outcomes(Registry registry, RelaySettings settings, OutboxTable outbox,
                                           ConnectionFactory jms) {
        String queue = settings.optional("relay.outcomes.queue").orElse("");
        boolean kafka = settings.optional("relay.kafka.bootstrap-servers").isPresent();
        OutcomeNotices notices = new OutcomeNotices(!queue.isBlank() || kafka);
        registry.bind("outcomeOutbox", new OutcomeOutbox(outbox, queue, new CachingConnectionFactory(jms)));
        LOG.info("Outcome messages: {}", !notices.on() ? "off (relay.outcomes.queue is empty and Kafka is off)"
                : (queue.isBlank() ? "" : "queue " + queue) + (kafka ? (queue.isBlank() ? "" : ", ") + "Kafka topic "
                + settings.string("relay.kafka.outcome-topic", "relay.outcomes") : "")
                + ", and each request's JMSReplyTo");
        return notices;
    }

    /**
     * The dispatcher, the delivery routes' beans, and each vendor's circuit (this relay's own) with the pauses
     * (shared through the store), PRODUCT.md §3a; their gauges.
     */
    private static Deliveries deliveries(CamelContext context, StateStore store, Vendors vendors, RelayMetrics metrics,
                                         DeadLetterWriter deadLetters, OutcomeNotices notices) {
        Registry registry = context.getRegistry();
        DeliveryQueries queries = new DeliveryQueries(store);
        registry.bind("deliveryQueries", queries);
        VendorCircuits circuits = new VendorCircuits(vendors.settings(), queries, new VendorPauses(store),
                metrics::circuitTransition);
        // the pauses the store holds count from the start, not from the first dispatch round
        circuits.refreshPauses();
        registry.bind("vendorCircuits", circuits);
        registry.bind("vendorCircuitsHealthCheck", new VendorCircuitsHealthCheck(circuits));
        Dispatcher dispatcher = new Dispatcher(new DispatchRounds(store), vendors.settings(),
                vendors.callsPerAttempt(), circuits, context.createProducerTemplate());
        registry.bind("dispatcher", dispatcher);
        registry.bind("deliveryAttempts", new DeliveryAttempts(queries, deadLetters, vendors.settings(),
                vendors.displayNames(), dispatcher, circuits, metrics, notices));
        registry.bind("deliveryFailures", new DeliveryFailures(vendors.settings(), vendors.displayNames()));

        List<String> states = Arrays.stream(VendorCircuit.State.values()).map(st -> st.label).toList();
        circuits.all().forEach(c -> metrics.circuit(c.vendor(), states, () -> c.state().label));
        for (String vendor : vendors.settings().keySet()) {
            metrics.gauge("relay.deliveries.pending", "deliveries waiting (new or for a retry)", vendor,
                    v -> queries.count(DeliveryStatus.PENDING, v));
            metrics.gauge("relay.oldest.pending.seconds", "how long the oldest waiting delivery has waited", vendor,
                    queries::oldestPendingSeconds);
            metrics.gauge("relay.deliveries.inflight", "deliveries being attempted now by this relay", vendor,
                    dispatcher::inFlight);
        }
        return new Deliveries(dispatcher, circuits, queries);
    }

    /**
     * Readiness (/observe/health/ready): the store answers and the broker takes connections (and Kafka, when on);
     * Camel adds its own checks of the routes and consumers.
     */
    private static void readiness(CamelContext context, RelaySettings settings, StateStore store,
                                  ConnectionFactory jms) throws Exception {
        context.getRegistry().bind("stateStoreHealthCheck", new StoreHealthCheck(store));
        context.getRegistry().bind("brokerHealthCheck", new BrokerHealthCheck(jms));
        String kafkaServers = settings.optional("relay.kafka.bootstrap-servers").orElse(null);
        if (kafkaServers != null) {
            KafkaHealthCheck kafka = new KafkaHealthCheck(context, "kafka-intake");
            context.getRegistry().bind("kafkaHealthCheck", kafka);
            context.addService(kafka);
            LOG.info("Kafka intake: topic {} at {}, consumer group {}", settings.string("relay.kafka.topic",
                    "relay.updates"), kafkaServers, settings.string("relay.kafka.group-id", "customer-relay"));
        }
    }

    /** What the intakes share: the validator, the readers of files and message bodies, and the acceptance. */
    private static RequestIntake intakes(Registry registry, RelaySettings settings, StateStore store,
                                         OutboxTable outbox, DeadLetterWriter deadLetters, RelayMetrics metrics,
                                         OutcomeNotices notices) {
        long maxTargets = settings.number("relay.intake.max-targets", RequestValidator.DEFAULT_MAX_TARGETS);
        if (maxTargets < 1 || maxTargets > 1000) {
            throw new IllegalArgumentException("relay.intake.max-targets must be from 1 to 1000, not " + maxTargets);
        }
        RequestValidator validator = new RequestValidator(List.copyOf(Connectors.profiles().values()),
                (int) maxTargets);
        registry.bind("requestValidator", validator);
        long maxMessageBytes = settings.number("relay.queue.max-message-bytes", 10_485_760);
        if (maxMessageBytes < 1024) {
            throw new IllegalArgumentException("relay.queue.max-message-bytes must be at least 1024, not "
                    + maxMessageBytes);
        }
        RequestBodyReader bodies = new RequestBodyReader(settings.string("relay.queue.name", "relay.updates"),
                maxRequestBytes(settings), maxMessageBytes);
        registry.bind("requestBodyReader", bodies);
        registry.bind("kafkaRecords", new KafkaRecords(bodies));
        registry.bind("requestFileReader", new RequestFileReader(maxRequestBytes(settings)));
        registry.bind("failedFileNotes", new FailedFileNotes(settings.inboxDir()));
        RequestIntake intake = new RequestIntake(validator, new DeliveryAcceptance(store, settings.dedupeWindow()),
                outbox, deadLetters, metrics, notices);
        registry.bind("requestIntake", intake);
        return intake;
    }

    /**
     * A stop (SIGTERM, a deploy) sends nothing twice: once the context begins to stop the dispatcher claims nothing
     * more and claimed deliveries not yet begun go back to waiting; Camel's graceful shutdown lets the calls in
     * flight run to their end (the delivery routes drain their seda queues: shutdownRunningTask CompleteAllTasks);
     * then, before the store closes (services stop in the reverse order of their adding), the outcomes still in
     * memory are written. The shutdown timeout is raised to the longest attempt when set shorter: a call cut off by
     * the stop is one the vendor may have taken and the restart would send again.
     */
    private static void stopGracefully(CamelContext context, Dispatcher dispatcher, Map<String, VendorSettings> vendors,
                                       Map<String, Integer> callsPerAttempt) throws Exception {
        long longestAttemptMs = vendors.entrySet().stream()
                .mapToLong(v -> callsPerAttempt.getOrDefault(v.getKey(), 1) * (long) v.getValue().timeoutMs())
                .max().orElse(0);
        context.addLifecycleStrategy(new org.apache.camel.support.LifecycleStrategySupport() {
            @Override
            public void onContextStarting(CamelContext c) {
                org.apache.camel.spi.ShutdownStrategy shutdown = c.getShutdownStrategy();
                long seconds = shutdown.getTimeUnit().toSeconds(shutdown.getTimeout());
                long needed = (longestAttemptMs + 5_000 + 999) / 1000;
                if (seconds < needed) {
                    shutdown.setTimeUnit(java.util.concurrent.TimeUnit.SECONDS);
                    shutdown.setTimeout(needed);
                    LOG.info("Stopping waits up to {} s for deliveries in flight (camel.main.shutdown-timeout {} s is "
                            + "shorter than the longest attempt, {} ms)", needed, seconds, longestAttemptMs);
                }
            }

            @Override
            public void onContextStopping(CamelContext c) {
                dispatcher.stopClaiming();
            }
        });
        context.addService(new org.apache.camel.support.service.ServiceSupport() {
            @Override
            protected void doStop() {
                dispatcher.writeOutcomesOnStop();
            }
        });
    }

    /**
     * The sync jobs of relay.sync.jobs, as ConfigurationCheck read and checked them (settings, and the columns of
     * each source that can be read now), and one Quartz route each from the sync-job template of
     * routes/sync.camel.yaml.
     */
    private static SyncRunner syncJobs(CamelContext context, RelaySettings settings, List<SyncJob> jobs,
                                       StateStore store, RequestIntake intake, Dispatcher dispatcher,
                                       RelayMetrics metrics)
            throws Exception {
        long leaseMs = settings.number("relay.sync.lease-ms", 60_000);
        if (leaseMs < 3_000) {
            throw new IllegalArgumentException("relay.sync.lease-ms must be at least 3000, not " + leaseMs);
        }
        // a CSV export is read once unchanged for as long as a dropped file must be
        SyncRunner sync = new SyncRunner(jobs, Connectors.profiles(), store, intake, dispatcher, metrics, leaseMs,
                settings.number("relay.inbox.read-lock-min-age-ms", 1000));
        sync.setExecutors(context.getExecutorServiceManager().newCachedThreadPool(sync, "relay-sync"),
                context.getExecutorServiceManager().newSingleThreadScheduledExecutor(sync, "relay-sync-lease"));
        context.addService(sync);
        context.getRegistry().bind("syncRunner", sync);
        context.getRegistry().bind("syncJobRoutes", new SyncJobRoutes(jobs));
        for (SyncJob job : jobs) {
            LOG.info("Sync job {}: {} source, schedule '{}' ({})", job.name(), job.source(), job.schedule(),
                    job.timeZone().getId());
        }
        return sync;
    }

    /**
     * The Micrometer registry that camel-micrometer-prometheus serves at /observe/metrics: bound here, under the name
     * it looks for, so that the relay's own metrics and Camel's share it.
     */
    private static PrometheusMeterRegistry metricsRegistry(CamelContext context) {
        PrometheusMeterRegistry registry = context.getRegistry().lookupByNameAndType(
                MicrometerConstants.METRICS_REGISTRY_NAME, PrometheusMeterRegistry.class);
        if (registry == null) {
            registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            context.getRegistry().bind(MicrometerConstants.METRICS_REGISTRY_NAME, registry);
        }
        return registry;
    }

    /** relay.intake.max-request-bytes: the largest single request any intake takes. */
    private static int maxRequestBytes(RelaySettings settings) {
        long value = settings.number("relay.intake.max-request-bytes", 1_048_576);
        if (value < 1024 || value > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("relay.intake.max-request-bytes must be between 1024 and "
                    + (Integer.MAX_VALUE - 8) + ", not " + value);
        }
        return (int) value;
    }

    /** The JMS connection factory of the queue intake: the external broker, or the embedded one started here. */
    private static ConnectionFactory connectionFactory(CamelContext context, RelaySettings settings) throws Exception {
        String user = settings.optional("relay.broker.user").orElse(null);
        String password = settings.optional("relay.broker.password").orElse(null);
        Secrets.register(password);
        String external = settings.optional("relay.broker.url").orElse(null);
        Secrets.registerUrl(external);
        if (external != null) {
            LOG.info("Queue intake: external broker {}", Secrets.maskUrl(external));
            return new ActiveMQConnectionFactory(external, user, password);
        }
        String embeddedUser = settings.optional("relay.broker.embedded-user").orElse(null);
        String embeddedPassword = settings.optional("relay.broker.embedded-password").orElse(null);
        Secrets.register(embeddedPassword);
        if ((embeddedUser == null) != (embeddedPassword == null)) {
            throw new IllegalArgumentException("relay.broker.embedded-user and relay.broker.embedded-password are "
                    + "set together or not at all (only " + (embeddedUser == null ? "the password" : "the user")
                    + " is set)");
        }
        EmbeddedBroker broker = new EmbeddedBroker(settings.dataDir().resolve("broker"),
                settings.optional("relay.broker.embedded-url").orElse(null),
                settings.string("relay.queue.name", "relay.updates"), embeddedUser, embeddedPassword,
                settings.optional("relay.outcomes.queue").orElse(null));
        context.addService(broker);
        context.getRegistry().bind("embeddedBroker", broker);
        return new ActiveMQConnectionFactory(broker.clientUrl(), embeddedUser, embeddedPassword);
    }
}
