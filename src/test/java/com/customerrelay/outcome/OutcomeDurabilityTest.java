package com.customerrelay.outcome;

import com.customerrelay.queue.EmbeddedBroker;
import com.customerrelay.support.OutcomeConsumer;
import com.customerrelay.support.Ports;
import com.customerrelay.support.RelayProcess;
import com.customerrelay.support.VendorStub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Outcome messages are never lost (PRODUCT.md §8). The relay runs as its own process on an external broker: in a
 * healthy run 1,000 updates of 50 records give 1,000 outcomes, none twice, each record's in the order of its
 * updates. Then the broker is stopped for over 30 s while 200 more updates are delivered, and the relay is killed
 * with SIGKILL after their outcomes were committed and before any could be published; once the broker and the
 * relay are back, all 200 arrive, in order per record.
 */
class OutcomeDurabilityTest {

    private static final int RECORDS = 50;

    @TempDir
    Path dir;
    VendorStub vendor;
    EmbeddedBroker broker;
    OutcomeConsumer outcomes;
    final List<RelayProcess> runs = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        if (outcomes != null) {
            outcomes.close();
        }
        for (RelayProcess run : runs) {
            run.close();
        }
        if (broker != null) {
            broker.stop();
        }
        if (vendor != null) {
            vendor.close();
        }
    }

    private static String update(String batch, int record, int step) {
        String id = batch + "-" + record + "-" + step;
        return "{\"id\":\"" + id + "\",\"kind\":\"contact\",\"targets\":{\"expandable\":{\"customerId\":\"ORD\","
                + "\"contactId\":\"C" + record + "\"}},\"data\":{\"title\":\"" + step + "\"},\"vendorFields\":"
                + "{\"expandable\":{\"SOFCT_USER_1\":\"" + id + "\"}}}";
    }

    private void drop(String name, String batch, int steps) throws Exception {
        StringBuilder lines = new StringBuilder();
        for (int step = 0; step < steps; step++) {
            for (int record = 0; record < RECORDS; record++) {
                lines.append(update(batch, record, step)).append('\n');
            }
        }
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        Path part = inbox.resolve(name + ".part");
        Files.writeString(part, lines);
        Files.move(part, inbox.resolve(name));
    }

    private RelayProcess start(String brokerUrl) throws Exception {
        RelayProcess run = RelayProcess.start(dir, List.of(), Map.of(
                "relay.broker.url", brokerUrl,
                "relay.stats.log-interval-ms", "500",
                "relay.vendors.expandable.base-url", vendor.baseUrl(),
                "relay.vendors.expandable.concurrency", "8"));
        runs.add(run);
        return run;
    }

    @Test
    void outcomesKeepTheirOrderPerRecordAndSurviveABrokerOutageAndAKill() throws Exception {
        vendor = new VendorStub("SOFCT_USER_1");
        String brokerUrl = "tcp://localhost:" + Ports.free();
        broker = new EmbeddedBroker(dir.resolve("broker"), brokerUrl);
        RelayProcess relay = start(brokerUrl);
        outcomes = new OutcomeConsumer(brokerUrl, "relay.outcomes");

        drop("healthy.ndjson", "h", 20);
        List<OutcomeConsumer.Received> healthy = outcomes.await(1_000, Duration.ofSeconds(120));
        assertThat(healthy).as("one outcome per update, none twice").hasSize(1_000);
        assertThat(healthy).allSatisfy(r -> assertThat(r.body().path("outcome").asText()).isEqualTo("delivered"));
        assertInOrderPerRecord(healthy, "h", 20);

        // the broker goes away; the next 200 updates are delivered meanwhile and their outcomes wait in the store
        outcomes.close();
        outcomes = null;
        broker.stop();
        long down = System.nanoTime();
        drop("during-outage.ndjson", "o", 4);
        await().atMost(Duration.ofSeconds(60)).until(() -> vendor.distinct() == 1_200);
        // every outcome committed: a report after the file was read says nothing is left unfinished
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            String log = relay.log();
            int read = log.indexOf("during-outage.ndjson read");
            return read >= 0 && log.indexOf("; unfinished: 0", read) > read;
        });
        await().atMost(Duration.ofSeconds(40)).until(() -> System.nanoTime() - down > 30_000_000_000L);
        assertThat(relay.log()).contains("Outcome messages cannot be published");
        relay.kill();

        broker = new EmbeddedBroker(dir.resolve("broker"), brokerUrl);
        outcomes = new OutcomeConsumer(brokerUrl, "relay.outcomes");
        start(brokerUrl);
        List<OutcomeConsumer.Received> after = outcomes.await(200, Duration.ofSeconds(60));
        Set<String> ids = new HashSet<>();
        after.forEach(r -> ids.add(r.body().path("requestId").asText()));
        assertThat(ids).as("every outcome of the outage, none lost").hasSize(200)
                .allSatisfy(id -> assertThat(id).startsWith("o-"));
        assertInOrderPerRecord(after, "o", 4);
        assertThat(vendor.total()).as("nothing delivered twice").isEqualTo(1_200);
    }

    /** Each record's outcomes came in the order of its updates' steps (a repeat may follow, never precede). */
    private static void assertInOrderPerRecord(List<OutcomeConsumer.Received> received, String batch, int steps) {
        Map<String, List<Integer>> byRecord = new HashMap<>();
        for (OutcomeConsumer.Received r : received) {
            String[] parts = r.body().path("requestId").asText().split("-");
            assertThat(parts[0]).isEqualTo(batch);
            byRecord.computeIfAbsent(parts[1], k -> new ArrayList<>()).add(Integer.parseInt(parts[2]));
        }
        assertThat(byRecord).hasSize(RECORDS);
        byRecord.forEach((record, order) -> {
            List<Integer> distinct = order.stream().distinct().toList();
            assertThat(distinct).as("record " + record).isSorted().hasSize(steps);
        });
    }
}
