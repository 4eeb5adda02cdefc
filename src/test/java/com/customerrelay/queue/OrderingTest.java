package com.customerrelay.queue;

import com.customerrelay.delivery.DeliveryStatus;
import com.customerrelay.support.QueueProducer;
import com.customerrelay.support.RelayHarness;
import com.customerrelay.support.RelayTestCase;
import com.customerrelay.support.Requests;
import com.customerrelay.support.VendorStub;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Updates of one record reach the vendor in order while other records go out concurrently. */
class OrderingTest extends RelayTestCase {

    VendorStub vendor;
    RelayHarness relay;
    String brokerUrl;

    @BeforeEach
    void setUp() {
        vendor = closing.add(new VendorStub("CUST_CONTACT"));
        relay = newRelay(vendor)
                .set("relay.vendors.expandable.concurrency", "8");
        brokerUrl = relay.brokerOnFreePort();
        relay.start();
    }

    private List<String> titlesOf(String contact) {
        return vendor.received().stream().filter(r -> r.body().path("CUST_CONTACT").asText().equals(contact))
                .map(r -> r.body().path("TITLE").asText()).toList();
    }

    @Test
    void hundredUpdatesOfOneContactAmongFiveThousandOthersArriveInOrder() {
        List<String> messages = new ArrayList<>();
        int step = 0;
        for (int i = 0; i < 5_000; i++) {
            messages.add(Requests.expandableContact("other-" + i, "BULK", "C" + i, "{\"title\":\"t" + i + "\"}"));
            if (i % 50 == 49) {
                step++;
                messages.add(Requests.expandableContact("ordered-" + step, "ABCCORP", "ORDERED",
                        "{\"title\":\"step-" + step + "\"}"));
            }
        }
        assertThat(step).isEqualTo(100);

        try (QueueProducer producer = new QueueProducer(brokerUrl, "relay.updates")) {
            producer.send(messages);
        }

        await().atMost(Duration.ofSeconds(120)).until(() -> vendor.total() == 5_100);
        List<String> expected = new ArrayList<>();
        for (int k = 1; k <= 100; k++) {
            expected.add("step-" + k);
        }
        assertThat(titlesOf("ORDERED")).as("seen by the vendor, in arrival order").containsExactlyElementsOf(expected);
        assertThat(vendor.distinct()).isEqualTo(5_001);
        relay.awaitSettled(Duration.ofSeconds(10));
        assertThat(relay.store().count(DeliveryStatus.DELIVERED, "expandable")).isEqualTo(5_100);
    }

    @Test
    void withOccurredAtAnUpdateOlderThanOneDeliveredIsSkippedAndRecorded() {
        Instant base = Instant.parse("2026-11-22T10:00:00Z");
        List<Integer> order = new ArrayList<>();
        for (int k = 1; k <= 30; k++) {
            order.add(k);
        }
        Collections.shuffle(order, new Random(7));
        List<String> messages = new ArrayList<>();
        for (int k : order) {
            messages.add("{\"id\":\"late-" + k + "\",\"kind\":\"contact\",\"occurredAt\":\"" + base.plusSeconds(k)
                    + "\",\"targets\":{\"expandable\":{\"customerId\":\"ABCCORP\",\"contactId\":\"LATE\"}},"
                    + "\"data\":{\"title\":\"v" + k + "\"}}");
        }

        try (QueueProducer producer = new QueueProducer(brokerUrl, "relay.updates")) {
            producer.send(messages);
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> relay.store().count(DeliveryStatus.DELIVERED, "expandable")
                + relay.store().count(DeliveryStatus.SKIPPED, "expandable") == 30);
        List<Integer> seen = titlesOf("LATE").stream().map(t -> Integer.parseInt(t.substring(1))).toList();
        assertThat(seen).as("never an older one after a newer one").isSorted();
        assertThat(seen.get(seen.size() - 1)).as("the final state is the latest change").isEqualTo(30);
        assertThat(relay.store().count(DeliveryStatus.SKIPPED, "expandable")).isEqualTo(30 - seen.size()).isPositive();
        assertThat(seen.get(0)).as("the first to arrive was delivered").isEqualTo(order.get(0));
    }

    @Test
    void anUpdateWithoutOccurredAtIsDeliveredAfterOneWithIt() {
        try (QueueProducer producer = new QueueProducer(brokerUrl, "relay.updates")) {
            producer.send("{\"id\":\"with-time\",\"kind\":\"contact\",\"occurredAt\":\"2026-11-22T10:00:00Z\","
                    + "\"targets\":{\"expandable\":{\"customerId\":\"ABCCORP\",\"contactId\":\"MIXED\"}},"
                    + "\"data\":{\"title\":\"first\"}}");
            await().atMost(Duration.ofSeconds(10)).until(() -> relay.store().count(DeliveryStatus.DELIVERED, "expandable") == 1);
            producer.send(Requests.expandableContact("without-time", "ABCCORP", "MIXED", "{\"title\":\"second\"}"));
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> relay.store().count(DeliveryStatus.DELIVERED, "expandable") == 2);
        assertThat(titlesOf("MIXED")).containsExactly("first", "second");
        assertThat(relay.store().count(DeliveryStatus.SKIPPED, "expandable")).isZero();
    }
}
