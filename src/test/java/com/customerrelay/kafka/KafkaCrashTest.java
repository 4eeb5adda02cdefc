package com.customerrelay.kafka;

import com.customerrelay.support.KafkaBroker;
import com.customerrelay.support.RelayRuns;
import com.customerrelay.support.RelayTestCase;
import com.customerrelay.support.StoreFile;
import com.customerrelay.support.VendorStub;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The relay as its own process consuming a topic of three partitions, killed with SIGKILL mid-way and started again
 * on the same data folder: every record is delivered, each request has one row in the store, and only the calls in
 * flight at the kill are repeated. Records the store had accepted but whose offsets were not yet committed are read
 * again after the restart and ignored as duplicates.
 */
class KafkaCrashTest extends RelayTestCase {

    private static final int RECORDS = 10_000;

    KafkaBroker kafka;
    VendorStub vendor;
    RelayRuns runs;

    @Test
    void killedMidWayTheRelayLosesNothingAndRecordsNothingTwice() throws Exception {
        kafka = closing.add(new KafkaBroker(dir.resolve("kafka")));
        kafka.createTopic("relay.updates", 3);
        vendor = newVendor();
        vendor.delayMs(2);
        vendor.keepBodies(false);
        runs = closing.add(new RelayRuns(dir, "kafka-crash-relay", List.of("-Xmx256m")));
        start();
        // the producer goes on while the relay is killed and started again: about 1,000 records a second
        Thread producer = new Thread(() -> {
            try (KafkaProducer<String, byte[]> p = kafka.producer()) {
                List<String> keys = KafkaIntakeTest.keys(0, RECORDS);
                List<String> values = KafkaIntakeTest.values(0, RECORDS);
                for (int i = 0; i < RECORDS; i++) {
                    p.send(new ProducerRecord<>("relay.updates", keys.get(i),
                            values.get(i).getBytes(StandardCharsets.UTF_8)));
                    if (i % 10 == 9) {
                        Thread.sleep(10);
                    }
                }
                p.flush();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        producer.start();

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(20)).until(() -> vendor.total() >= 2_000);
        runs.get(0).kill();
        int atKill = vendor.distinct();
        long committedAtKill = kafka.committed("customer-relay", "relay.updates");
        start();
        producer.join();

        await().atMost(Duration.ofSeconds(180)).until(() -> vendor.distinct() == RECORDS);
        await().atMost(Duration.ofSeconds(30)).until(() -> kafka.committed("customer-relay", "relay.updates")
                == RECORDS);
        runs.get(1).stopGracefully();

        assertThat(atKill).as("the kill came mid-way through delivery").isLessThan(RECORDS);
        assertThat(committedAtKill).as("and mid-way through the topic").isLessThan(RECORDS);
        try (StoreFile store = StoreFile.of(dir)) {
            assertThat(store.count("select count(*) from relay_delivery where status = 'DELIVERED'"))
                    .isEqualTo(RECORDS);
            assertThat(store.count("select count(*) from relay_delivery")).as("one row per request; the others: "
                    + store.rows("select id, request_id, vendor, status, attempts, created_at, last_error from "
                    + "relay_delivery where status <> 'DELIVERED' or request_id in (select request_id from "
                    + "relay_delivery group by request_id having count(*) > 1) order by request_id, id"))
                    .isEqualTo(RECORDS);
        }
        // the folder holds only its hidden .index-id (the store's index of it), no dead letter
        assertThat(dir.resolve("dead-letter")).as("no dead letters").satisfiesAnyOf(
                d -> assertThat(d).doesNotExist(), d -> assertThat(d).isDirectoryNotContaining("glob:**.json"));
        int repeats = vendor.total() - RECORDS;
        System.out.printf("Kafka crash test: %d records, killed after %d delivered and %d committed; %d HTTP calls "
                + "repeated%n", RECORDS, atKill, committedAtKill, repeats);
        assertThat(repeats).as("only calls in flight at the kill are repeated").isLessThanOrEqualTo(2 * 8);
    }

    private void start() throws Exception {
        runs.start(Map.of(
                "relay.broker.embedded-url", "",
                "relay.kafka.bootstrap-servers", kafka.bootstrapServers(),
                "relay.vendors.expandable.base-url", vendor.baseUrl(),
                "relay.vendors.expandable.concurrency", "8",
                "relay.vendors.expandable.initial-delay-ms", "100",
                // the killed relay's place in the group is given up after this long, not Kafka's default 45 s
                "camel.component.kafka.session-timeout-ms", "10000"));
    }
}
