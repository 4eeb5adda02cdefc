package com.customerrelay.hardening;

import com.customerrelay.delivery.DeliveryStatus;
import com.customerrelay.support.Http;
import com.customerrelay.support.Ports;
import com.customerrelay.support.PostgresSupport;
import com.customerrelay.support.QueueProducer;
import com.customerrelay.support.RelayHarness;
import com.customerrelay.support.RelayTestCase;
import com.customerrelay.support.Requests;
import com.customerrelay.support.TcpProxy;
import com.customerrelay.support.VendorStub;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An external Artemis broker on stock address settings (10 delivery attempts, no redelivery delay, then the DLQ) and
 * the state store on PostgreSQL, which becomes unreachable for 40 s — longer than those 10 attempts would last. The
 * relay holds the message in hand and backs off instead of rolling it back, and leaves a file dropped meanwhile in
 * the inbox: once the store is back, every message queued before and during the outage and every line of the file
 * is delivered exactly once, and nothing is in the broker's DLQ. Meanwhile /observe/health/ready answers 503 naming
 * the state store, and 200 again once it is back.
 */
class StoreOutageTest extends RelayTestCase {

    EmbeddedActiveMQ broker;
    TcpProxy proxy;
    VendorStub vendor;
    RelayHarness relay;

    @Test
    void aStoreOutageLongerThanTheBrokersRedeliveryAttemptsLosesNothingAndFillsNoDlq() throws Exception {
        PostgresSupport pg = PostgresSupport.required();
        proxy = closing.add(pg.proxy());
        String brokerUrl = "tcp://localhost:" + Ports.free();
        broker = stockBroker(brokerUrl);
        closing.add(broker::stop);
        vendor = newVendor();
        relay = pg.configure(newRelay(), proxy)
                .set("relay.broker.url", brokerUrl)
                .set("relay.vendors.expandable.base-url", vendor.baseUrl())
                .start();

        await().atMost(Duration.ofSeconds(15)).until(() -> ready().statusCode() == 200);
        List<String> markers = new ArrayList<>();
        try (QueueProducer producer = new QueueProducer(brokerUrl, "relay.updates")) {
            producer.send(messages("warm-up", 5, markers));
            await().atMost(Duration.ofSeconds(20)).until(() -> relay.store().count(DeliveryStatus.DELIVERED, "expandable") == 5);

            // queued before the outage, not yet taken: the consumer is paused while they are sent
            relay.context().getRouteController().stopRoute("queue-intake");
            producer.send(messages("before", 10, markers));
            proxy.down();
            relay.context().getRouteController().startRoute("queue-intake");
            producer.send(messages("during", 10, markers));
        }
        List<String> lines = messages("file", 3, markers);
        // with one invalid line, whose dead letter is written once, not on every poll that finds the store away
        relay.drop("during-outage.ndjson", String.join("\n", lines)
                + "\n{\"id\":\"bad-during\",\"kind\":\"nosuch\",\"targets\":{}}\n");

        // 40 s without a store: the message in hand is not rolled back into the broker, the file stays put
        await().pollDelay(Duration.ofSeconds(1)).during(Duration.ofSeconds(40)).atMost(Duration.ofSeconds(45))
                .until(() -> Files.exists(relay.inbox().resolve("during-outage.ndjson"))
                        && !Files.exists(relay.failed("during-outage.ndjson")) && dlq().getMessageCount() == 0
                        && vendor.total() == 5);
        HttpResponse<String> down = ready();
        assertThat(down.statusCode()).as("not ready while PostgreSQL is away").isEqualTo(503);
        assertThat(down.body()).contains("\"DOWN\"").contains("state-store").doesNotContain(pg.password);
        proxy.up();
        await().atMost(Duration.ofSeconds(30)).until(() -> ready().statusCode() == 200);

        await().atMost(Duration.ofSeconds(90)).until(() -> vendor.distinct() == markers.size()
                && relay.store().unfinished() == 0);
        relay.awaitDone("during-outage.ndjson");
        assertThat(vendor.perMarker().keySet()).containsExactlyInAnyOrderElementsOf(markers);
        assertThat(vendor.perMarker().values()).extracting(AtomicInteger::get).as("each exactly once").containsOnly(1);
        assertThat(dlq().getMessageCount()).as("nothing in the broker's dead-letter queue").isZero();
        assertThat(broker.getActiveMQServer().locateQueue(SimpleString.of("relay.updates")).getMessageCount())
                .as("every message taken off the queue").isZero();
        assertThat(relay.deadLetters()).as("the invalid line's dead letter, once").hasSize(1)
                .allSatisfy(l -> assertThat(l.path("requestId").asText()).isEqualTo("bad-during"));
    }

    /** The relay's readiness, /observe/health/ready on the management port. */
    private HttpResponse<String> ready() throws Exception {
        return Http.get(relay.managementUrl() + "/observe/health/ready");
    }

    private static List<String> messages(String prefix, int count, List<String> markers) {
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String marker = prefix + "-" + i;
            markers.add(marker);
            bodies.add(Requests.marked(marker));
        }
        return bodies;
    }

    private Queue dlq() {
        return broker.getActiveMQServer().locateQueue(SimpleString.of("DLQ"));
    }

    /** A broker as `artemis create` sets one up: 10 delivery attempts without delay, then the DLQ. */
    private EmbeddedActiveMQ stockBroker(String url) throws Exception {
        Path data = dir.resolve("external-broker");
        Configuration config = new ConfigurationImpl()
                .setName("stock-broker")
                .setPersistenceEnabled(true)
                .setJournalDirectory(data.resolve("journal").toString())
                .setBindingsDirectory(data.resolve("bindings").toString())
                .setLargeMessagesDirectory(data.resolve("large-messages").toString())
                .setPagingDirectory(data.resolve("paging").toString())
                .setSecurityEnabled(false)
                .setJMXManagementEnabled(false)
                .addAcceptorConfiguration("tcp", url)
                .addQueueConfiguration(QueueConfiguration.of("DLQ").setRoutingType(RoutingType.ANYCAST))
                .addAddressSetting("#", new AddressSettings()
                        .setDeadLetterAddress(SimpleString.of("DLQ"))
                        .setExpiryAddress(SimpleString.of("ExpiryQueue"))
                        .setRedeliveryDelay(0)
                        .setMaxDeliveryAttempts(10)
                        .setAutoCreateQueues(true)
                        .setAutoCreateAddresses(true));
        EmbeddedActiveMQ server = new EmbeddedActiveMQ();
        server.setConfiguration(config);
        server.start();
        return server;
    }
}
