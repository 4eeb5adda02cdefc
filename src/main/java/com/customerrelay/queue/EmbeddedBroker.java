package com.customerrelay.queue;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager;
import org.apache.camel.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The relay's own ActiveMQ Artemis broker, used when relay.broker.url is empty: persistent (journal under
 * {@code <data>/broker}, synced on commit, so an accepted message survives kill -9), reachable in-VM by the relay
 * and over TCP by producers at relay.broker.embedded-url. A message that the relay could not take (the state store
 * was down) is redelivered with growing delays, never dropped.
 */
public final class EmbeddedBroker implements Service {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);
    private static final AtomicInteger IN_VM_IDS = new AtomicInteger();

    private final EmbeddedActiveMQ server = new EmbeddedActiveMQ();
    private final String inVmUrl;

    public EmbeddedBroker(Path dir, String tcpUrl) throws Exception {
        this(dir, tcpUrl, null);
    }

    /**
     * @param intakeQueue the relay's intake queue: made at start as a durable anycast queue, so that a message sent
     *                    to that address over any protocol — an AMQP or STOMP producer names only the address — lands
     *                    in it, also before the relay's consumer has attached (an address such a producer made
     *                    would be multicast, Artemis's default, and keep no message without a subscriber)
     */
    public EmbeddedBroker(Path dir, String tcpUrl, String intakeQueue) throws Exception {
        this(dir, tcpUrl, intakeQueue, null, null);
    }

    /**
     * @param user     with {@code password}, the one credential every client must give (relay.broker.embedded-user
     *                 and -password), the relay's own in-VM connection included; null: any client that reaches the
     *                 port is let in
     */
    public EmbeddedBroker(Path dir, String tcpUrl, String intakeQueue, String user, String password)
            throws Exception {
        this(dir, tcpUrl, intakeQueue, user, password, null);
    }

    /**
     * @param outcomesQueue relay.outcomes.queue (null: none): made at start as a durable anycast queue like the
     *                      intake's, so outcomes published before any consumer attached are kept for it; paged to
     *                      disk beyond {@link #OUTCOMES_IN_MEMORY_BYTES}, so a consumer that is slow or absent
     *                      grows the journal, not the relay's memory
     */
    public EmbeddedBroker(Path dir, String tcpUrl, String intakeQueue, String user, String password,
                          String outcomesQueue) throws Exception {
        int id = IN_VM_IDS.incrementAndGet();
        this.inVmUrl = "vm://" + id;
        Configuration config = new ConfigurationImpl()
                .setName("customer-relay-" + id)
                .setPersistenceEnabled(true)
                .setJournalType(JournalType.NIO)
                // flush the journal buffer after 0.2 ms rather than the NIO default of 3.3 ms: the relay commits
                // one consumer transaction per message, and each commit waits for that flush
                .setJournalBufferTimeout_NIO(200_000)
                .setJournalDirectory(dir.resolve("journal").toString())
                .setBindingsDirectory(dir.resolve("bindings").toString())
                .setLargeMessagesDirectory(dir.resolve("large-messages").toString())
                .setPagingDirectory(dir.resolve("paging").toString())
                .setSecurityEnabled(user != null)
                .setJMXManagementEnabled(false)
                .addAcceptorConfiguration("in-vm", inVmUrl);
        if (tcpUrl != null && !tcpUrl.isBlank()) {
            config.addAcceptorConfiguration("tcp", tcpUrl);
        }
        config.addAddressSetting("#", addressSettings());
        if (intakeQueue != null) {
            config.addQueueConfiguration(QueueConfiguration.of(intakeQueue).setAddress(intakeQueue)
                    .setRoutingType(RoutingType.ANYCAST).setDurable(true));
            config.addAddressSetting(intakeQueue, addressSettings()
                    .setDefaultAddressRoutingType(RoutingType.ANYCAST)
                    .setDefaultQueueRoutingType(RoutingType.ANYCAST));
        }
        if (outcomesQueue != null && !outcomesQueue.isBlank()) {
            config.addQueueConfiguration(QueueConfiguration.of(outcomesQueue).setAddress(outcomesQueue)
                    .setRoutingType(RoutingType.ANYCAST).setDurable(true));
            config.addAddressSetting(outcomesQueue, addressSettings()
                    .setDefaultAddressRoutingType(RoutingType.ANYCAST)
                    .setDefaultQueueRoutingType(RoutingType.ANYCAST)
                    .setMaxSizeBytes(OUTCOMES_IN_MEMORY_BYTES)
                    .setAddressFullMessagePolicy(org.apache.activemq.artemis.core.settings.impl
                            .AddressFullMessagePolicy.PAGE));
        }
        server.setConfiguration(config);
        if (user != null) {
            server.setSecurityManager(new OneCredential(user, password));
        }
        server.start();
        // an acceptor without a protocols parameter takes every protocol on the class path: Artemis core (JMS),
        // AMQP 1.0 and STOMP, on the one port
        LOG.info("Embedded broker started: journal in {}, producers connect to {}{}", dir,
                tcpUrl == null || tcpUrl.isBlank() ? "(in-VM only)" : tcpUrl + " (Artemis core/JMS, AMQP 1.0, STOMP)",
                user == null ? ", without a credential (relay.broker.embedded-user and -password set one)"
                        : ", as user " + user);
    }

    /**
     * One user name and password, for every protocol (Artemis core, AMQP's SASL PLAIN, STOMP's login) and every
     * action: the embedded broker serves one relay, so there is no one else to tell apart. Artemis's own managers
     * (JAAS, or its basic manager) need login modules or user files on disk for what one pair of settings says.
     */
    private record OneCredential(String user, String password) implements ActiveMQSecurityManager {

        @Override
        public boolean validateUser(String givenUser, String givenPassword) {
            return same(user, givenUser) && same(password, givenPassword);
        }

        @Override
        public boolean validateUserAndRole(String givenUser, String givenPassword, Set<Role> roles,
                                           CheckType checkType) {
            return validateUser(givenUser, givenPassword);
        }

        private static boolean same(String expected, String given) {
            return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                    given.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return "OneCredential[" + user + "]";
        }
    }

    /** The most bytes of outcome messages the broker holds in memory; more are paged to disk. */
    static final long OUTCOMES_IN_MEMORY_BYTES = 10L * 1024 * 1024;

    /** Never drop a message: redelivered with growing delays, however often. */
    private static AddressSettings addressSettings() {
        return new AddressSettings()
                .setMaxDeliveryAttempts(-1)
                .setDeadLetterAddress(SimpleString.of("DLQ"))
                .setExpiryAddress(SimpleString.of("ExpiryQueue"))
                .setRedeliveryDelay(1000)
                .setRedeliveryMultiplier(2)
                .setMaxRedeliveryDelay(60_000)
                .setAutoCreateQueues(true)
                .setAutoCreateAddresses(true);
    }

    /** The URL the relay itself uses to reach this broker. */
    public String clientUrl() {
        return inVmUrl;
    }

    @Override
    public void start() {
        // started in the constructor, before the routes that consume from it
    }

    @Override
    public void stop() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("Embedded broker did not stop cleanly: {}", e.getMessage());
        }
    }
}
