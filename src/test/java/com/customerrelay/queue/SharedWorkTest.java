package com.customerrelay.queue;

import com.customerrelay.delivery.DeliveryAttempts;
import com.customerrelay.delivery.DeliveryStatus;
import com.customerrelay.support.Ports;
import com.customerrelay.support.PostgresSupport;
import com.customerrelay.support.QueueProducer;
import com.customerrelay.support.RelayHarness;
import com.customerrelay.support.RelayTestCase;
import com.customerrelay.support.VendorStub;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two relays on one external broker share the queue, with their idempotency and ordering state on a real PostgreSQL
 * server: every request is delivered exactly once between them, even when each request is queued twice.
 */
class SharedWorkTest extends RelayTestCase {

    EmbeddedBroker broker;
    VendorStub vendor;
    final List<RelayHarness> relays = new ArrayList<>();

    @Test
    void twoRelaysOnOneBrokerAndOneStoreDeliverEachRequestExactlyOnce() throws Exception {
        PostgresSupport pg = PostgresSupport.required();
        String brokerUrl = "tcp://localhost:" + Ports.free();
        broker = new EmbeddedBroker(dir.resolve("external-broker"), brokerUrl);
        closing.add(broker::stop);
        vendor = newVendor();
        vendor.delayMs(2);
        for (String name : List.of("a", "b")) {
            relays.add(newRelayOn(pg, name, vendor).set("relay.broker.url", brokerUrl)
                    .set("relay.vendors.expandable.concurrency", "4").start());
        }

        int requests = 1_000;
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            messages.add(request(i));
            if (i >= 10) {
                messages.add(request(i - 10));
            }
        }
        for (int i = requests - 10; i < requests; i++) {
            messages.add(request(i));
        }
        try (QueueProducer producer = new QueueProducer(brokerUrl, "relay.updates")) {
            producer.send(messages);
        }

        await().atMost(Duration.ofSeconds(120)).until(() -> vendor.distinct() == requests
                && relays.get(0).store().unfinished() == 0);
        // let any wrongly doubled delivery surface before counting
        await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> true);

        assertThat(vendor.total()).as("each request exactly once at the vendor").isEqualTo(requests);
        assertThat(vendor.perMarker().values()).extracting(AtomicInteger::get).containsOnly(1);
        assertThat(relays.get(0).store().count(DeliveryStatus.DELIVERED, "expandable")).isEqualTo(requests);
        long a = relays.get(0).bean("deliveryAttempts", DeliveryAttempts.class).deliveredTotal();
        long b = relays.get(1).bean("deliveryAttempts", DeliveryAttempts.class).deliveredTotal();
        assertThat(a + b).isEqualTo(requests);
        assertThat(a).as("relay a took a share").isPositive();
        assertThat(b).as("relay b took a share").isPositive();
    }

    private static String request(int i) {
        return "{\"id\":\"shared-" + i + "\",\"kind\":\"contact\",\"targets\":{\"expandable\":{\"customerId\":\"BULK\","
                + "\"contactId\":\"C" + i + "\"}},\"data\":{\"title\":\"t\"},\"vendorFields\":{\"expandable\":"
                + "{\"SOFCT_USER_1\":\"shared-" + i + "\"}}}";
    }
}
