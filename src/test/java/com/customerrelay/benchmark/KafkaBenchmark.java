package com.customerrelay.benchmark;

import com.customerrelay.support.KafkaBroker;
import com.customerrelay.support.RelayHarness;
import com.customerrelay.support.VendorStub;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

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
class KafkaBenchmark extends BenchmarkCase {

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
        System.out.println("p50/p99: " + IntakeRun.PACED + " records sent one at a time (no linger) at "
                + IntakeRun.RATE + "/s; burst: " + IntakeRun.BURST + " records sent as fast as the producer batches "
                + "them (acks=all).");
        System.out.println();
    }

    private String run(KafkaBroker kafka, int concurrency) throws Exception {
        String topic = "bench-" + concurrency;
        kafka.createTopic(topic, 3);
        try (VendorStub vendor = new VendorStub("SOFCT_USER_1")) {
            vendor.keepBodies(false);
            RelayHarness relay = new RelayHarness(dir.resolve("c" + concurrency))
                    .set("relay.kafka.bootstrap-servers", kafka.bootstrapServers())
                    .set("relay.kafka.topic", topic)
                    .set("relay.vendors.expandable.base-url", vendor.baseUrl())
                    .set("relay.vendors.expandable.concurrency", String.valueOf(concurrency));
            relay.start();
            try (relay; KafkaProducer<String, byte[]> producer = kafka.producer()) {
                IntakeRun.Figures f = IntakeRun.measure(vendor, concurrency, new IntakeRun.Intake() {
                    @Override
                    public void sendAll(List<String> requests) {
                        requests.forEach(request -> send(producer, topic, request));
                        producer.flush();
                    }

                    @Override
                    public void sendOne(String request) {
                        send(producer, topic, request);
                        producer.flush();
                    }
                });
                System.out.printf("concurrency %d: the burst was produced in %.1f s%n", concurrency, f.sendSeconds());
                return String.format("%11d %14.0f %14d %10.1f %10.1f %18.0f", concurrency, f.burstPerSecond(),
                        IntakeRun.BURST, f.p50Ms(), f.p99Ms(), f.plainPerSecond());
            }
        }
    }

    private static void send(KafkaProducer<String, byte[]> producer, String topic, String request) {
        producer.send(new ProducerRecord<>(topic, IntakeRun.recordOf(request),
                request.getBytes(StandardCharsets.UTF_8)));
    }
}
