package com.customerrelay.benchmark;

import com.customerrelay.delivery.DeliveryAttempts;
import com.customerrelay.delivery.DeliveryStatus;
import com.customerrelay.support.RelayHarness;
import com.customerrelay.support.Requests;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Dropped-file throughput and memory: an .ndjson file of N lines, from drop to every request delivered to a local
 * Expandable stub (a {@link com.customerrelay.support.VendorStub} in its own JVM), for N and 10 × N. Prints
 * requests per second and the peak live heap (heap used right after a full GC, sampled every 2 s), so a heap that
 * grows with the input shows as a growing figure. Not part of the normal test run:
 *
 * <pre>mvn -B test -Dtest=FileIntakeBenchmark -Dsurefire.excludedGroups=none -Dsurefire.quiet=false</pre>
 *
 * ({@code -Dbench.lines=N} runs one size only.)
 */
class FileIntakeBenchmark extends BenchmarkCase {

    @Test
    void throughputAndPeakHeapForTenThousandAndOneHundredThousandLines() throws Exception {
        List<String> rows = new ArrayList<>();
        String only = System.getProperty("bench.lines");
        long vendorMs = Long.getLong("bench.vendor-ms", 0);
        // (lines, vendor latency ms): a stub answering at once, where the relay's own cost shows, and one answering
        // in 10 ms, closer to a real vendor
        long[][] runs = only == null ? new long[][] {{10_000, 0}, {100_000, 0}, {20_000, 10}}
                : new long[][] {{Integer.parseInt(only), vendorMs}};
        for (long[] run : runs) {
            try (StubProcess stub = new StubProcess(run[1])) {
                rows.add(run(stub, (int) run[0], run[1]));
            }
        }
        System.out.println();
        System.out.println("File intake benchmark (relay in-process, Expandable stub in its own JVM on loopback, "
                + "concurrency 8, embedded H2 store, " + Runtime.getRuntime().availableProcessors() + " cores)");
        System.out.println(String.format("%10s %10s %12s %14s %12s %18s %12s %16s %14s", "lines", "vendor ms", "seconds",
                "requests/s",
                "intake s", "peak live heap MB", "CPU ms/req", "plain req/s", "plain CPU ms/req"));
        rows.forEach(System.out::println);
        System.out.println("CPU: process CPU time of the test JVM (the relay; the stub runs in its own JVM) / requests;"
                + " plain: a JDK HttpClient on 8 threads posting the same Expandable payloads to the same stub; ratio"
                + " = requests/s of the relay / plain.");
        System.out.println();
    }

    private String run(StubProcess stub, int lines, long vendorMs) throws Exception {
        Path root = dir.resolve("run-" + lines + "-" + vendorMs);
        try (RelayHarness relay = new RelayHarness(root)
                .set("relay.vendors.expandable.base-url", stub.baseUrl())
                .set("relay.vendors.expandable.concurrency", "8")
                .start()) {
            Path file = write(root.resolve("bulk-" + lines + ".ndjson"), lines);
            AtomicLong peak = new AtomicLong();
            AtomicBoolean sampling = new AtomicBoolean(true);
            Thread sampler = new Thread(() -> {
                while (sampling.get()) {
                    System.gc();
                    long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                    peak.accumulateAndGet(used, Math::max);
                    try {
                        Thread.sleep(2000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "heap-sampler");
            int before = stub.total();
            long cpu = PlainClient.processCpuNanos();
            long start = System.nanoTime();
            sampler.start();
            Files.move(file, relay.inbox().resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE);
            relay.awaitDone(file.getFileName().toString(), Duration.ofMinutes(20));
            double intakeSeconds = (System.nanoTime() - start) / 1e9;
            // the relay's own count of delivered requests, not a count query on the store: polling the store
            // would add CPU that is the harness's, not the relay's
            DeliveryAttempts runner = relay.bean("deliveryAttempts", DeliveryAttempts.class);
            await().atMost(Duration.ofMinutes(60)).pollInterval(Duration.ofMillis(50))
                    .until(() -> runner.deliveredTotal() >= lines);
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpuMs = (PlainClient.processCpuNanos() - cpu) / 1e6;
            // the outcome messages (PRODUCT.md §8) go out behind the deliveries: until the outbox is empty, and the
            // CPU that took too
            await().atMost(Duration.ofMinutes(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> relay.outbox().size() == 0);
            System.out.printf("[bench] %d lines: outcome messages all published %.1f s after the start (deliveries: "
                    + "%.1f s); CPU per request with them %.2f ms%n", lines, (System.nanoTime() - start) / 1e9,
                    seconds, (PlainClient.processCpuNanos() - cpu) / 1e6 / lines);
            sampling.set(false);
            sampler.interrupt();
            sampler.join();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> relay.store().count(DeliveryStatus.DELIVERED, "expandable") == lines);
            assertThat(stub.total() - before).as("updates the stub received").isGreaterThanOrEqualTo(lines);
            PlainClient.Figures plain = PlainClient.run(stub.baseUrl() + "/customer-contact-update", 8, lines,
                    i -> "{\"CUSTOMER_ID\":\"BULK\",\"CUST_CONTACT\":\"C" + i + "\",\"E_MAIL\":\"c" + i
                            + "@bulk.example\",\"TITLE\":\"Buyer\",\"AUTH_TOKEN\":\"bench\"}");
            return String.format("%10d %10d %12.1f %14.0f %12.1f %18.1f %12.2f %16.0f %14.2f   (%.2fx)", lines,
                    vendorMs, seconds,
                    lines / seconds, intakeSeconds, peak.get() / 1024.0 / 1024.0, cpuMs / lines,
                    plain.requestsPerSecond(), plain.cpuMsPerRequest(), lines / seconds / plain.requestsPerSecond());
        }
    }

    private static Path write(Path file, int lines) throws IOException {
        Files.createDirectories(file.getParent());
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < lines; i++) {
                out.write(Requests.expandableContact("bench-" + lines + "-" + i, "BULK", "C" + i,
                        "{\"email\":\"c" + i + "@bulk.example\",\"title\":\"Buyer\"}"));
                out.write('\n');
            }
        }
        return file;
    }
}
