package com.customerrelay.benchmark;

import com.customerrelay.support.QueueProducer;
import com.customerrelay.support.RelayHarness;
import com.customerrelay.support.VendorStub;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

/**
 * Queue → relay → vendor: for vendor concurrency 1, 8 and 32, the throughput of a burst of 5,000 queued requests
 * (from the first send to the last request received by a local Expandable stub), and the end-to-end latency (send →
 * received by the stub) of 2,000 requests queued one by one at a steady 200 per second. As the ceiling, the
 * throughput of a plain Java HTTP client sending the same payloads to the same stub with as many threads. Embedded
 * broker and embedded H2 store, relay in-process. Not part of the normal test run:
 *
 * <pre>mvn -B test -Dtest=QueueBenchmark -Dsurefire.excludedGroups=none -Dsurefire.quiet=false</pre>
 */
class QueueBenchmark extends BenchmarkCase {

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
        System.out.println("p50/p99: " + IntakeRun.PACED + " requests sent one per transaction at " + IntakeRun.RATE
                + "/s; burst: " + IntakeRun.BURST + " requests sent in transactions of 200; with several consumers "
                + "each message carries its record's key as JMSXGroupID.");
        System.out.println();
    }

    private String run(int concurrency, int consumers) throws Exception {
        try (VendorStub vendor = new VendorStub("SOFCT_USER_1")) {
            RelayHarness relay = new RelayHarness(dir.resolve("c" + concurrency + "-" + consumers))
                    .set("relay.vendors.expandable.base-url", vendor.baseUrl())
                    .set("relay.vendors.expandable.concurrency", String.valueOf(concurrency))
                    .set("relay.queue.consumers", String.valueOf(consumers));
            String brokerUrl = relay.brokerOnFreePort();
            relay.start();
            try (relay; QueueProducer producer = new QueueProducer(brokerUrl, "relay.updates")) {
                if (consumers > 1) {
                    producer.grouped(IntakeRun::recordOf);
                }
                IntakeRun.Figures f = IntakeRun.measure(vendor, concurrency, new IntakeRun.Intake() {
                    @Override
                    public void sendAll(List<String> requests) {
                        producer.send(requests);
                    }

                    @Override
                    public void sendOne(String request) {
                        producer.send(request);
                    }
                });
                System.out.printf("concurrency %d, consumers %d: the burst was queued in %.1f s%n", concurrency,
                        consumers, f.sendSeconds());
                return String.format("%11d %10d %14.0f %14d %10.1f %10.1f %18.0f", concurrency, consumers,
                        f.burstPerSecond(), IntakeRun.BURST, f.p50Ms(), f.p99Ms(), f.plainPerSecond());
            }
        }
    }
}
