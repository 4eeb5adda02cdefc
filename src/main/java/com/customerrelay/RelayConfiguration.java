package com.customerrelay;

import com.customerrelay.connector.Connector;
import com.customerrelay.connector.Connectors;
import com.customerrelay.core.FatalErrors;
import com.customerrelay.core.RelaySettings;
import com.customerrelay.core.RequestValidator;
import com.customerrelay.core.Secrets;
import com.customerrelay.core.VendorProfile;
import com.customerrelay.core.VendorSettings;
import com.customerrelay.delivery.CallLimits;
import com.customerrelay.delivery.CallPacing;
import com.customerrelay.deadletter.DeadLetterIndex;
import com.customerrelay.deadletter.DeadLetterWriter;
import com.customerrelay.delivery.DeliveryRunner;
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
import com.customerrelay.delivery.VendorUrls;
import com.customerrelay.http.ApiKeys;
import com.customerrelay.http.HttpApi;
import com.customerrelay.deadletter.DeadLetterReplay;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Wires the relay's beans from its settings and binds them under the names the YAML routes use. */
public final class RelayConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(RelayConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        FatalErrors.installForThreads();
        context.getExecutorServiceManager().setThreadPoolFactory(new FatalErrors.ThreadPools());
        RelaySettings settings = new RelaySettings(context);
        List<VendorProfile> profiles = Connectors.ALL.stream().map(Connector::profile).toList();
        long maxTargets = settings.number("relay.intake.max-targets", RequestValidator.DEFAULT_MAX_TARGETS);
        if (maxTargets < 1 || maxTargets > 1000) {
            throw new IllegalArgumentException("relay.intake.max-targets must be from 1 to 1000, not " + maxTargets);
        }
        RequestValidator validator = new RequestValidator(profiles, (int) maxTargets);

        // the data folder holds the store and the broker journal, personal data both: owner-only when made here
        com.customerrelay.core.PrivateFiles.createDirectories(settings.dataDir());
        StateStore store = StateStore.open(settings, profiles.stream().map(VendorProfile::name).toList());
        context.addService(store);
        DeliveryQueries queries = new DeliveryQueries(store);
        OutboxTable outbox = new OutboxTable(store);
        DeadLetterWriter deadLetters = new DeadLetterWriter(settings.deadLetterDir());
        // the store's index of the dead-letter folder: listing the newest few reads a few files, not the folder
        DeadLetterIndex deadLetterIndex = new DeadLetterIndex(store, settings.deadLetterDir());
        deadLetters.setIndex(deadLetterIndex);
        context.getRegistry().bind("deadLetterIndex", deadLetterIndex);
        RelayMetrics metrics = new RelayMetrics(metricsRegistry(context),
                profiles.stream().map(VendorProfile::name).toList());

        Map<String, VendorSettings> vendors = new LinkedHashMap<>();
        for (VendorProfile profile : profiles) {
            vendors.put(profile.name(), settings.vendor(profile.name()));
        }

        // one HTTP component for every vendor call, whatever the base-url's scheme: camel.component.http.* is then
        // the one place an operator sets a proxy, TLS trust (with camel.ssl.*) or pool settings
        context.addComponent("https", context.getComponent("http"));
        Map<String, Integer> callsPerAttempt = new LinkedHashMap<>();
        Map<String, String> displayNames = new LinkedHashMap<>();
        ProducerTemplate logins = context.createProducerTemplate();
        for (Connector connector : Connectors.ALL) {
            String name = connector.profile().name();
            VendorSettings vendor = vendors.get(name);
            if (vendor.sandboxed()) {
                SandboxServer sandbox = connector.sandbox(vendor, settings);
                context.addService(sandbox);
                context.getRegistry().bind(name + "Sandbox", sandbox);
                vendor = vendor.withBaseUrl(sandbox.baseUrl());
                vendors.put(name, vendor);
                LOG.info("Vendor {}: SANDBOXED — built-in simulator at {} (set relay.vendors.{}.base-url to deliver "
                        + "to the real {})", name, vendor.baseUrl(), name, name);
            } else {
                LOG.info("Vendor {}: delivering to {}", name, Secrets.maskUrl(vendor.baseUrl()));
            }
            callsPerAttempt.put(name, connector.callsPerAttempt());
            displayNames.put(name, connector.displayName());
            context.getRegistry().bind(name + "CallLimits", new CallLimits(vendor.timeoutMs(),
                    nanos -> metrics.call(name, nanos)));
            context.getRegistry().bind(name + "Pacing", new CallPacing(vendor.rateLimit()));
            connector.beans(vendor, logins).forEach(context.getRegistry()::bind);
        }
        // {{vendor-url:<name>}} in the delivery routes: the vendor's base-url, or its sandbox's
        context.getPropertiesComponent().addPropertiesFunction(new VendorUrls(vendors));

        ConnectionFactory jms = connectionFactory(context, settings);
        context.getRegistry().bind("jmsConnectionFactory", jms);
        String queue = settings.string("relay.queue.name", "relay.updates");
        long maxMessageBytes = settings.number("relay.queue.max-message-bytes", 10_485_760);
        if (maxMessageBytes < 1024) {
            throw new IllegalArgumentException("relay.queue.max-message-bytes must be at least 1024, not "
                    + maxMessageBytes);
        }
        RequestBodyReader messageReader = new RequestBodyReader(queue, maxRequestBytes(settings), maxMessageBytes);
        context.getRegistry().bind("requestBodyReader", messageReader);
        context.getRegistry().bind("kafkaRecords", new KafkaRecords(messageReader));

        DeliveryRunner runner = new DeliveryRunner(queries, deadLetters, vendors, displayNames);
        DispatchRounds rounds = new DispatchRounds(store);
        Dispatcher dispatcher = new Dispatcher(rounds, vendors, callsPerAttempt, context.createProducerTemplate());
        runner.setDispatcher(dispatcher);
        runner.setMetrics(metrics);
        // outcome messages (PRODUCT.md §8): written to the store's outbox with each outcome, published by
        // routes/outcomes.camel.yaml through a cached connection
        String outcomesQueue = settings.optional("relay.outcomes.queue").orElse("");
        OutcomeNotices notices = new OutcomeNotices(!outcomesQueue.isBlank()
                || settings.optional("relay.kafka.bootstrap-servers").isPresent());
        runner.setNotices(notices);
        context.getRegistry().bind("outcomeOutbox", new OutcomeOutbox(outbox, outcomesQueue,
                new org.springframework.jms.connection.CachingConnectionFactory(jms)));
        LOG.info("Outcome messages: {}", !notices.on() ? "off (relay.outcomes.queue is empty and Kafka is off)"
                : (outcomesQueue.isBlank() ? "" : "queue " + outcomesQueue)
                + (settings.optional("relay.kafka.bootstrap-servers").isPresent() ? (outcomesQueue.isBlank() ? ""
                : ", ") + "Kafka topic " + settings.string("relay.kafka.outcome-topic", "relay.outcomes") : "")
                + ", and each request's JMSReplyTo");
        // each vendor's circuit (this relay's own) and the pauses (shared through the store), PRODUCT.md §3a
        VendorCircuits circuits = new VendorCircuits(vendors, queries, new VendorPauses(store),
                metrics::circuitTransition);
        runner.setCircuits(circuits);
        dispatcher.setCircuits(circuits);
        List<String> states = java.util.Arrays.stream(VendorCircuit.State.values()).map(st -> st.label).toList();
        circuits.all().forEach(c -> metrics.circuit(c.vendor(), states, () -> c.state().label));
        context.getRegistry().bind("vendorCircuits", circuits);
        context.getRegistry().bind("vendorCircuitsHealthCheck", new VendorCircuitsHealthCheck(circuits));
        for (String vendor : vendors.keySet()) {
            metrics.gauge("relay.deliveries.pending", "deliveries waiting (new or for a retry)", vendor,
                    v -> queries.count(DeliveryStatus.PENDING, v));
            metrics.gauge("relay.deliveries.inflight", "deliveries being attempted now by this relay", vendor,
                    dispatcher::inFlight);
        }
        // readiness (/observe/health/ready): the store answers and the broker takes connections; Camel adds its
        // own checks of the routes and consumers
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

        context.getRegistry().bind("relaySettings", settings);
        context.getRegistry().bind("stateStore", store);
        context.getRegistry().bind("deliveryQueries", queries);
        context.getRegistry().bind("outboxTable", outbox);
        context.getRegistry().bind("deliveryPurge", new DeliveryPurge(store, settings.dedupeWindow()));
        context.getRegistry().bind("deadLetterWriter", deadLetters);
        context.getRegistry().bind("requestValidator", validator);
        int maxRequestBytes = maxRequestBytes(settings);
        context.getRegistry().bind("requestFileReader", new RequestFileReader(maxRequestBytes));
        RequestIntake intake = new RequestIntake(validator, new DeliveryAcceptance(store, settings.dedupeWindow()), outbox,
                deadLetters);
        intake.setMetrics(metrics);
        intake.setNotices(notices);
        context.getRegistry().bind("requestIntake", intake);
        SyncRunner sync = syncJobs(context, settings, profiles, store, intake, dispatcher, metrics);
        context.getRegistry().bind("httpApiKeys", new ApiKeys(settings.optional("relay.http.api-keys").orElse(null),
                settings.dataDir().resolve("http-api-key")));
        context.getRegistry().bind("httpApi", new HttpApi(intake, messageReader,
                queries, new DeadLetterReplay(deadLetterIndex, intake::resubmit, queries::inFlight), List.copyOf(vendors.keySet()),
                settings.number("relay.http.max-body-bytes", 10_485_760), sync, circuits));
        context.getRegistry().bind("failedFileNotes", new FailedFileNotes(settings.inboxDir()));
        context.getRegistry().bind("deliveryRunner", runner);
        context.getRegistry().bind("deliveryFailures", new DeliveryFailures(vendors, displayNames));
        context.getRegistry().bind("dispatcher", dispatcher);
        stopGracefully(context, dispatcher, vendors, callsPerAttempt);
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
     * The sync jobs of relay.sync.jobs: checked (settings, and the columns of each source that can be read now),
     * and one Quartz route each from the sync-job template of routes/sync.camel.yaml.
     */
    private static SyncRunner syncJobs(CamelContext context, RelaySettings settings, List<VendorProfile> profiles,
                                       StateStore store, RequestIntake intake, Dispatcher dispatcher,
                                       RelayMetrics metrics) throws Exception {
        Map<String, VendorProfile> byName = new LinkedHashMap<>();
        profiles.forEach(p -> byName.put(p.name(), p));
        List<SyncJob> jobs = SyncJob.fromSettings(settings, byName.keySet());
        long leaseMs = settings.number("relay.sync.lease-ms", 60_000);
        if (leaseMs < 3_000) {
            throw new IllegalArgumentException("relay.sync.lease-ms must be at least 3000, not " + leaseMs);
        }
        // a CSV export is read once unchanged for as long as a dropped file must be
        SyncRunner sync = new SyncRunner(jobs, byName, store, intake, dispatcher, metrics, leaseMs,
                settings.number("relay.inbox.read-lock-min-age-ms", 1000));
        sync.setExecutors(context.getExecutorServiceManager().newCachedThreadPool(sync, "relay-sync"),
                context.getExecutorServiceManager().newSingleThreadScheduledExecutor(sync, "relay-sync-lease"));
        sync.checkSources();
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
