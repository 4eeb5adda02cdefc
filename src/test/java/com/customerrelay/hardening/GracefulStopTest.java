package com.customerrelay.hardening;

import com.customerrelay.support.RelayProcess;
import com.customerrelay.support.RelayRuns;
import com.customerrelay.support.RelayTestCase;
import com.customerrelay.support.Requests;
import com.customerrelay.support.VendorStub;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A deploy stops the relay with SIGTERM while calls to a slow vendor are in flight: the stop lets those calls end,
 * writes what they came to, and hands back what was claimed but not begun, so the restart sends every request
 * exactly once. Before, the outcomes waiting in memory were lost at stop and the restart sent them all again.
 */
class GracefulStopTest extends RelayTestCase {

    private static final int REQUESTS = 50;

    VendorStub vendor;
    RelayRuns runs;

    @Test
    void sigtermMidFlightThenRestartCallsEachRequestExactlyOnce() throws Exception {
        vendor = newVendor();
        vendor.keepBodies(false);
        vendor.delayMs(5_000);
        runs = closing.add(new RelayRuns(dir, "graceful-stop-relay", List.of()));
        start();

        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < REQUESTS; i++) {
            lines.append(Requests.marked("stop-" + i)).append('\n');
        }
        Path inbox = Files.createDirectories(dir.resolve("inbox"));
        Path written = Files.writeString(dir.resolve("updates.ndjson"), lines);
        Files.move(written, inbox.resolve("updates.ndjson"), StandardCopyOption.ATOMIC_MOVE);

        // the first calls are being answered (each takes 5 s) when the stop comes
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> vendor.total() >= 4);
        RelayProcess first = runs.get(0);
        first.stopGracefully();
        int calledBeforeStop = vendor.total();
        assertThat(calledBeforeStop).as("the stop came mid-way").isLessThan(REQUESTS);

        start();
        await().atMost(Duration.ofSeconds(120)).until(() -> vendor.distinct() == REQUESTS);
        await().atMost(Duration.ofSeconds(30)).during(Duration.ofMillis(1500)).pollInterval(Duration.ofMillis(100))
                .until(() -> runs.get(1).latestReport().endsWith("unfinished: 0"));

        assertThat(runs.get(1).log()).as("nothing was left in flight by the stop")
                .doesNotContain("left in flight when the relay last stopped");
        assertThat(vendor.perMarker().values()).extracting(AtomicInteger::get).as("calls per request").containsOnly(1);
        assertThat(vendor.total()).isEqualTo(REQUESTS);
    }

    private void start() throws Exception {
        runs.start(Map.of(
                "relay.stats.log-interval-ms", "500",
                "relay.vendors.expandable.base-url", vendor.baseUrl(),
                "relay.vendors.expandable.concurrency", "4",
                "relay.vendors.expandable.timeout-ms", "10000"));
    }
}
