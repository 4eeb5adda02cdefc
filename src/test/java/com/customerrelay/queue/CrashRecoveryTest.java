package com.customerrelay.queue;

import com.customerrelay.support.Ports;
import com.customerrelay.support.QueueProducer;
import com.customerrelay.support.RelayProcess;
import com.customerrelay.support.VendorStub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The relay as its own process, killed with SIGKILL twice while 2,000 queued requests are being taken in and
 * delivered, and started again each time on the same data folder: in the end every request is delivered, none is
 * lost, and none is recorded as delivered twice.
 */
class CrashRecoveryTest {

    private static final int REQUESTS = 2_000;

    @TempDir
    Path dir;
    VendorStub vendor;
    int port;
    final List<RelayProcess> runs = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        if (!runs.isEmpty()) {
            runs.get(runs.size() - 1).close();
        }
        if (vendor != null) {
            vendor.close();
        }
        // the relay's logs outlive the temporary folder, for a look after a failure
        Files.createDirectories(Path.of("target"));
        for (int run = 0; run < runs.size(); run++) {
            Files.copy(runs.get(run).logFile(), Path.of("target", "crash-test-relay-" + (run + 1) + ".log"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Test
    void killedTwiceMidWayTheRelayLosesNothingAndRecordsNothingTwice() throws Exception {
        vendor = new VendorStub("SOFCT_USER_1");
        vendor.delayMs(3);
        port = Ports.free();
        start();

        List<String> messages = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            messages.add("{\"id\":\"crash-" + i + "\",\"kind\":\"contact\",\"targets\":{\"expandable\":{\"customerId\":"
                    + "\"BULK\",\"contactId\":\"C" + i + "\"}},\"data\":{\"title\":\"t" + i + "\"},\"vendorFields\":"
                    + "{\"expandable\":{\"SOFCT_USER_1\":\"crash-" + i + "\"}}}");
        }
        try (QueueProducer producer = new QueueProducer("tcp://localhost:" + port, "relay.updates")) {
            producer.send(messages);
        }

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> vendor.total() >= 300);
        kill();
        int afterFirstKill = vendor.distinct();
        start();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> vendor.distinct() >= afterFirstKill + 600);
        kill();
        start();

        await().atMost(Duration.ofSeconds(120)).until(() -> vendor.distinct() == REQUESTS);
        // every request reached the vendor; wait until the relay's latest report says nothing is left unfinished
        // and stays the latest (a report comes every 500 ms while deliveries finish; the last one may already have
        // been written when the vendor saw the last request)
        await().atMost(Duration.ofSeconds(30)).during(Duration.ofMillis(1500)).pollInterval(Duration.ofMillis(100))
                .until(() -> latestReport(log()).endsWith("unfinished: 0"));
        stopGracefully();

        assertThat(afterFirstKill).as("the first kill came mid-way").isLessThan(REQUESTS);
        for (int i = 0; i < REQUESTS; i++) {
            assertThat(vendor.perMarker()).containsKey("crash-" + i);
        }
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("data/store/relay"), "relay", "");
             Statement s = c.createStatement()) {
            assertThat(count(s, "select count(*) from relay_delivery where status = 'DELIVERED'")).isEqualTo(REQUESTS);
            assertThat(count(s, "select count(*) from relay_delivery")).as("one row per request").isEqualTo(REQUESTS);
            assertThat(count(s, "select count(*) from (select request_id from relay_delivery group by request_id "
                    + "having count(*) > 1) t")).isZero();
        }
        assertThat(dir.resolve("dead-letter")).as("no dead letters").satisfiesAnyOf(
                d -> assertThat(d).doesNotExist(), d -> assertThat(d).isDirectoryNotContaining("glob:**.json"));
        int repeats = vendor.total() - REQUESTS;
        System.out.printf("Crash test: %d requests, %d starts, 2 kills; %d HTTP calls repeated after a kill "
                + "(at most 2 x concurrency in flight per kill)%n", REQUESTS, runs.size(), repeats);
        assertThat(repeats).as("only calls in flight at a kill are repeated").isLessThanOrEqualTo(2 * 2 * 8);
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The relay's latest "Deliveries since last report" line, or "" before the first. */
    private static String latestReport(Path file) throws IOException {
        String report = "";
        for (String line : Files.readAllLines(file)) {
            if (line.contains("unfinished: ")) {
                report = line.trim();
            }
        }
        return report;
    }

    private Path log() {
        return runs.get(runs.size() - 1).logFile();
    }

    private void start() throws IOException {
        runs.add(RelayProcess.start(dir, List.of("-Xmx256m"), Map.of(
                "relay.broker.embedded-url", "tcp://localhost:" + port,
                "relay.stats.log-interval-ms", "500",
                "relay.vendors.expandable.base-url", vendor.baseUrl(),
                "relay.vendors.expandable.concurrency", "8",
                "relay.vendors.expandable.initial-delay-ms", "100")));
    }

    private void kill() throws InterruptedException {
        assertThat(runs.get(runs.size() - 1).kill()).as("killed by SIGKILL").isEqualTo(137);
    }

    private void stopGracefully() throws InterruptedException {
        runs.get(runs.size() - 1).stopGracefully();
    }
}
