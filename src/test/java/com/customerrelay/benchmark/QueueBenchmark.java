package com.customerrelay.benchmark;

import com.customerrelay.support.QueueProducer;
import com.customerrelay.support.RelayHarness;
import com.customerrelay.support.VendorStub;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * Queue → relay → vendor: for vendor concurrency 1, 8 and 32, the throughput of a burst of 5,000 queued requests
 * (from the first send to the last request received by a local Expandable stub), and the end-to-end latency (send →
 * received by the stub) of 2,000 requests queued one by one at a steady 200 per second. As the ceiling, the
 * throughput of a plain Java HTTP client sending the same payloads to the same stub with as many threads. Embedded
 * broker and embedded H2 store, relay in-process. Not part of the normal test run:
 *
 * <pre>mvn -B test -Dtest=QueueBenchmark -Dsurefire.excludedGroups=none -Dsurefire.quiet=false</pre>
 */
@Tag("benchmark")
@Timeout(value = 3, unit = TimeUnit.HOURS) // longer than the tests' default (junit-platform.properties)
class QueueBenchmark {

    private static final int WARM_UP = 5_000;
    private static final int BURST = 5_000;
    private static final int PACED = 2_000;
    private static final int RATE = 200;

    @TempDir
    Path dir;

    @Test
    void throughputAndLatencyAtConcurrencyOneEightAndThirtyTwo() throws Exception {
        List<String> rows = new ArrayList<>();
        String only = System.getProperty("bench.concurrency");
        // (vendor concurrency, queue consumers); with several consumers the producer sends each record's updates
        // in one Artemis message group (JMSXGroupID), which keeps them in order
        int[][] runs = only == null ? new int[][] {{1, 1}, {8, 1}, {8, 8}, {32, 8}}
                : new int[][] {{Integer.parseInt(only), Integer.getInteger("bench.consumers", 1)}};
        for (int[] run : runs) {
            rows.add(run(run[0], run[1]));
        }
        System.out.println();
        System.out.println("Queue benchmark: embedded Artemis + embedded H2, relay in-process, Expandable stub on "
                + "loopback answering at once; " + Runtime.getRuntime().availableProcessors() + " cores");
        System.out.println(String.format("%11s %10s %14s %14s %10s %10s %18s", "concurrency", "consumers",
                "burst req/s", "(requests)", "p50 ms", "p99 ms", "plain client req/s"));
        rows.forEach(System.out::println);
        System.out.println("p50/p99: " + PACED + " requests sent one per transaction at " + RATE + "/s; burst: "
                + BURST + " requests sent in transactions of 200; with several consumers each message carries its "
                + "record's key as JMSXGroupID.");
        System.out.println();
    }

    private String run(int concurrency, int consumers) throws Exception {
        try (VendorStub vendor = new VendorStub("SOFCT_USER_1")) {
            Latencies latencies = new Latencies(vendor);
            RelayHarness relay = new RelayHarness(dir.resolve("c" + concurrency + "-" + consumers))
                    .set("relay.vendors.expandable.base-url", vendor.baseUrl())
                    .set("relay.vendors.expandable.concurrency", String.valueOf(concurrency))
                    .set("relay.queue.consumers", String.valueOf(consumers));
            String brokerUrl = relay.brokerOnFreePort();
            relay.start();
            try (relay; QueueProducer producer = new QueueProducer(brokerUrl, "relay.updates")) {
                if (consumers > 1) {
                    producer.grouped(QueueBenchmark::contactOf);
                }
                // warm-up, not measured: a relay runs for days, and a JVM's first seconds go to compiling its code
                List<String> warmUp = new ArrayList<>();
                for (int i = 0; i < WARM_UP; i++) {
                    warmUp.add(request("w" + concurrency + "-" + i, 1_000_000 + i));
                }
                producer.send(warmUp);
                await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(20))
                        .until(() -> vendor.total() >= WARM_UP);
                List<String> burst = new ArrayList<>();
                for (int i = 0; i < BURST; i++) {
                    burst.add(request("b" + concurrency + "-" + i, i));
                }
                long start = System.nanoTime();
                producer.send(burst);
                double sendSeconds = (System.nanoTime() - start) / 1e9;
                await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(20))
                        .until(() -> vendor.total() >= WARM_UP + BURST);
                double burstRate = BURST / ((System.nanoTime() - start) / 1e9);
                System.out.printf("concurrency %d, consumers %d: the burst was queued in %.1f s%n", concurrency,
                        consumers, sendSeconds);

                latencies.paced("p" + concurrency + "-", PACED, RATE,
                        i -> producer.send(request("p" + concurrency + "-" + i, BURST + i)));
                await().atMost(Duration.ofMinutes(5)).until(() -> latencies.received() >= PACED);
                double[] p = latencies.p50p99();
                double p50 = p[0];
                double p99 = p[1];
                double plain = PlainClient.expandable(vendor.baseUrl(), concurrency, BURST);
                return String.format("%11d %10d %14.0f %14d %10.1f %10.1f %18.0f", concurrency, consumers, burstRate,
                        BURST, p50, p99, plain);
            }
        }
    }

    private static final java.util.regex.Pattern CONTACT = java.util.regex.Pattern.compile("\"contactId\":\"([^\"]+)\"");

    /** The record a request updates, as its message group. */
    private static String contactOf(String body) {
        java.util.regex.Matcher m = CONTACT.matcher(body);
        return m.find() ? "BULK/" + m.group(1) : null;
    }

    private static String request(String marker, int contact) {
        return "{\"id\":\"" + marker + "\",\"kind\":\"contact\",\"targets\":{\"expandable\":{\"customerId\":\"BULK\","
                + "\"contactId\":\"C" + contact + "\"}},\"data\":{\"title\":\"t\",\"email\":\"c" + contact
                + "@bulk.example\"},\"vendorFields\":{\"expandable\":{\"SOFCT_USER_1\":\"" + marker + "\"}}}";
    }
}
