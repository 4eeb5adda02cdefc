package com.customerrelay.queue;

import com.customerrelay.support.QueueProducer;
import com.customerrelay.support.RelayHarness;
import com.customerrelay.support.Requests;
import com.customerrelay.support.VendorStub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Several queue consumers (relay.queue.consumers) take messages at once; a producer that sends each record's updates
 * in one Artemis message group (JMSXGroupID = the record) still has them applied in order, because the broker gives
 * one group to one consumer at a time.
 */
class MessageGroupOrderingTest {

    private static final Pattern CONTACT = Pattern.compile("\"contactId\":\"([^\"]+)\"");

    @TempDir
    Path dir;

    @Test
    void withFourConsumersAHundredUpdatesOfOneContactInOneGroupArriveInOrder() {
        try (VendorStub vendor = new VendorStub("CUST_CONTACT")) {
            RelayHarness relay = new RelayHarness(dir).set("relay.vendors.expandable.base-url", vendor.baseUrl())
                    .set("relay.vendors.expandable.concurrency", "8").set("relay.queue.consumers", "4");
            String brokerUrl = relay.brokerOnFreePort();
            relay.start();
            try (relay; QueueProducer producer = new QueueProducer(brokerUrl, "relay.updates")) {
                producer.grouped(body -> {
                    Matcher m = CONTACT.matcher(body);
                    return m.find() ? m.group(1) : null;
                });
                List<String> messages = new ArrayList<>();
                for (int i = 0; i < 2_000; i++) {
                    messages.add(Requests.expandableContact("other-" + i, "BULK", "C" + (i % 500),
                            "{\"title\":\"t" + i + "\"}"));
                    if (i % 20 == 19) {
                        messages.add(Requests.expandableContact("ordered-" + (i / 20 + 1), "ABCCORP", "ORDERED",
                                "{\"title\":\"step-" + (i / 20 + 1) + "\"}"));
                    }
                }
                producer.send(messages);

                await().atMost(Duration.ofSeconds(120)).until(() -> vendor.total() == 2_100);
                List<String> expected = new ArrayList<>();
                for (int k = 1; k <= 100; k++) {
                    expected.add("step-" + k);
                }
                assertThat(titlesOf(vendor, "ORDERED")).as("one group, in order").containsExactlyElementsOf(expected);
                for (int c = 0; c < 500; c++) {
                    List<Integer> seen = titlesOf(vendor, "C" + c).stream()
                            .map(t -> Integer.parseInt(t.substring(1))).toList();
                    assertThat(seen).as("the four updates of C" + c + ", in order").hasSize(4).isSorted();
                }
            }
        }
    }

    private static List<String> titlesOf(VendorStub vendor, String contact) {
        return vendor.received().stream().filter(r -> r.body().path("CUST_CONTACT").asText().equals(contact))
                .map(r -> r.body().path("TITLE").asText()).toList();
    }
}
