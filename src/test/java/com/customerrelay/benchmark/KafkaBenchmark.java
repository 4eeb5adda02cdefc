package com.customerrelay.benchmark;

import com.customerrelay.support.KafkaBroker;
import com.customerrelay.support.RelayHarness;
import com.customerrelay.support.VendorStub;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * Kafka → relay → vendor, measured as {@link QueueBenchmark} measures the queue: for vendor concurrency 1, 8 and 32,
 * the throughput of a burst of 5,000 records (from the first send to the last request received by a local
 * Expandable stub) after a warm-up of 5,000, the latency (send → received by the stub) of 2,000 records sent one by
 * one at a steady 200 per second, and a plain JDK HTTP client sending the same payloads to the same stub as the
 * ceiling. A one-node Kafka cluster (KRaft) and the relay in this JVM, a topic of 3 partitions, records keyed by
 * contact, embedded H2 store. Not part of the normal test run:
 *
 * <pre>mvn -B test -Dtest=KafkaBenchmark -Dsurefire.excludedGroups=none -Dsurefire.quiet=false</pre>
 */
@Tag("benchmark")
@Timeout(value = 3, unit = TimeUnit.HOURS) // longer than the tests' default (junit-platform.properties)
class KafkaBenchmark {

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
        int[] runs = only == null ? new int[] {1, 8, 32} : new int[] {Integer.parseInt(only)};
        try (KafkaBroker kafka = new KafkaBroker(dir.resolve("kafka"))) {
            for (int concurrency : runs) {
                rows.add(run(kafka, concurrency));
            }
        }
        System.out.println();
        System.out.println("Kafka benchmark: one-node KRaft cluster in-process, topic of 3 partitions + embedded H2, "
                + "relay in-process, Expandable stub on loopback answering at once; "
                + Runtime.getRuntime().availableProcessors() + " cores");
        System.out.println(String.format("%11s %14s %14s %10s %10s %18s", "concurrency", "burst req/s", "(requests)",
                "p50 ms", "p99 ms", "plain client req/s"));
        rows.forEach(System.out::println);
        System.out.println("p50/p99: " + PACED + " records sent one at a time (no linger) at " + RATE + "/s; burst: "
                + BURST + " records sent as fast as the producer batches them (acks=all).");
        System.out.println();
    }

    private String run(KafkaBroker kafka, int concurrency) throws Exception {
        String topic = "bench-" + concurrency;
        kafka.createTopic(topic, 3);
        try (VendorStub vendor = new VendorStub("SOFCT_USER_1")) {
            vendor.keepBodies(false);
            Latencies latencies = new Latencies(vendor);
            RelayHarness relay = new RelayHarness(dir.resolve("c" + concurrency))
                    .set("relay.kafka.bootstrap-servers", kafka.bootstrapServers())
                    .set("relay.kafka.topic", topic)
                    .set("relay.vendors.expandable.base-url", vendor.baseUrl())
                    .set("relay.vendors.expandable.concurrency", String.valueOf(concurrency));
            relay.start();
            try (relay; KafkaProducer<String, byte[]> producer = kafka.producer()) {
                // warm-up, not measured: a relay runs for days, and a JVM's first seconds go to compiling its code
                for (int i = 0; i < WARM_UP; i++) {
                    send(producer, topic, "w" + concurrency + "-" + i, 1_000_000 + i);
                }
                producer.flush();
                await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(20))
                        .until(() -> vendor.total() >= WARM_UP);
                long start = System.nanoTime();
                for (int i = 0; i < BURST; i++) {
                    send(producer, topic, "b" + concurrency + "-" + i, i);
                }
                producer.flush();
                double sendSeconds = (System.nanoTime() - start) / 1e9;
                await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(20))
                        .until(() -> vendor.total() >= WARM_UP + BURST);
                double burstRate = BURST / ((System.nanoTime() - start) / 1e9);
                System.out.printf("concurrency %d: the burst was produced in %.1f s%n", concurrency, sendSeconds);

                latencies.paced("p" + concurrency + "-", PACED, RATE, i -> {
                    send(producer, topic, "p" + concurrency + "-" + i, BURST + i);
                    producer.flush();
                });
                await().atMost(Duration.ofMinutes(5)).until(() -> latencies.received() >= PACED);
                double[] p = latencies.p50p99();
                double p50 = p[0];
                double p99 = p[1];
                double plain = PlainClient.expandable(vendor.baseUrl(), concurrency, BURST);
                return String.format("%11d %14.0f %14d %10.1f %10.1f %18.0f", concurrency, burstRate, BURST, p50, p99,
                        plain);
            }
        }
    }

    private static void send(KafkaProducer<String, byte[]> producer, String topic, String marker, int contact) {
        String value = "{\"id\":\"" + marker + "\",\"kind\":\"contact\",\"targets\":{\"expandable\":{\"customerId\":"
                + "\"BULK\",\"contactId\":\"C" + contact + "\"}},\"data\":{\"title\":\"t\",\"email\":\"c" + contact
                + "@bulk.example\"},\"vendorFields\":{\"expandable\":{\"SOFCT_USER_1\":\"" + marker + "\"}}}";
        producer.send(new ProducerRecord<>(topic, "BULK/C" + contact, value.getBytes(StandardCharsets.UTF_8)));
    }
}
