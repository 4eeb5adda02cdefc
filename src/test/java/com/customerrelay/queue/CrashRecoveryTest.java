package com.customerrelay.queue;

import com.customerrelay.support.Ports;
import com.customerrelay.support.QueueProducer;
import com.customerrelay.support.RelayRuns;
import com.customerrelay.support.RelayTestCase;
import com.customerrelay.support.StoreFile;
import com.customerrelay.support.VendorStub;
import org.junit.jupiter.api.Test;

import java.io.IOException;
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
class CrashRecoveryTest extends RelayTestCase {

    private static final int REQUESTS = 2_000;

    VendorStub vendor;
    int port;
    RelayRuns runs;

    @Test
    void killedTwiceMidWayTheRelayLosesNothingAndRecordsNothingTwice() throws Exception {
        vendor = newVendor();
        vendor.delayMs(3);
        runs = closing.add(new RelayRuns(dir, "crash-test-relay", List.of("-Xmx256m")));
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
                .until(() -> runs.last().latestReport().endsWith("unfinished: 0"));
        stopGracefully();

        assertThat(afterFirstKill).as("the first kill came mid-way").isLessThan(REQUESTS);
        for (int i = 0; i < REQUESTS; i++) {
            assertThat(vendor.perMarker()).containsKey("crash-" + i);
        }
        try (StoreFile store = StoreFile.of(dir)) {
            assertThat(store.count("select count(*) from relay_delivery where status = 'DELIVERED'"))
                    .isEqualTo(REQUESTS);
            assertThat(store.count("select count(*) from relay_delivery")).as("one row per request")
                    .isEqualTo(REQUESTS);
            assertThat(store.count("select count(*) from (select request_id from relay_delivery group by request_id "
                    + "having count(*) > 1) t")).isZero();
        }
        assertThat(dir.resolve("dead-letter")).as("no dead letters").satisfiesAnyOf(
                d -> assertThat(d).doesNotExist(), d -> assertThat(d).isDirectoryNotContaining("glob:**.json"));
        int repeats = vendor.total() - REQUESTS;
        System.out.printf("Crash test: %d requests, %d starts, 2 kills; %d HTTP calls repeated after a kill "
                + "(at most 2 x concurrency in flight per kill)%n", REQUESTS, runs.size(), repeats);
        assertThat(repeats).as("only calls in flight at a kill are repeated").isLessThanOrEqualTo(2 * 2 * 8);
    }

    private void start() throws IOException {
        runs.start(Map.of(
                "relay.broker.embedded-url", "tcp://localhost:" + port,
                "relay.stats.log-interval-ms", "500",
                "relay.vendors.expandable.base-url", vendor.baseUrl(),
                "relay.vendors.expandable.concurrency", "8",
                "relay.vendors.expandable.initial-delay-ms", "100"));
    }

    private void kill() throws InterruptedException {
        assertThat(runs.last().kill()).as("killed by SIGKILL").isEqualTo(137);
    }

    private void stopGracefully() throws InterruptedException {
        runs.last().stopGracefully();
    }
}
