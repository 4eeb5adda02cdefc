package com.customerrelay.benchmark;

import com.customerrelay.support.RelayHarness;
import com.customerrelay.support.Requests;
import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Dropped-file throughput and memory: an .ndjson file of N lines, from drop to every request delivered to a local
 * Expandable stub (WireMock, request journal off so the stub's memory stays constant), for N and 10 × N. Prints
 * requests per second and the peak live heap (heap used right after a full GC, sampled every 2 s), so a heap that
 * grows with the input shows as a growing figure. Not part of the normal test run:
 *
 * <pre>mvn -B test -Dtest=FileIntakeBenchmark -Dsurefire.excludedGroups=none -Dsurefire.quiet=false</pre>
 */
@Tag("benchmark")
class FileIntakeBenchmark {

    @TempDir
    Path dir;

    @Test
    void throughputAndPeakHeapForTenThousandAndOneHundredThousandLines() throws Exception {
        WireMockServer stub = new WireMockServer(options().dynamicPort().disableRequestJournal()
                .containerThreads(16));
        stub.start();
        stub.stubFor(post(urlEqualTo("/api/auth-token-get")).willReturn(okJson("{\"AUTH_TOKEN\":\"bench\"}")));
        stub.stubFor(post(urlEqualTo("/api/customer-contact-update")).willReturn(okJson("{}")));
        List<String> rows = new ArrayList<>();
        try {
            for (int lines : new int[] {10_000, 100_000}) {
                rows.add(run(stub, lines));
            }
        } finally {
            stub.stop();
        }
        System.out.println();
        System.out.println("File intake benchmark (relay in-process, WireMock Expandable stub on loopback, "
                + "concurrency 8, embedded H2 store)");
        System.out.println(String.format("%10s %12s %14s %12s %18s %12s %16s %14s", "lines", "seconds", "requests/s",
                "intake s", "peak live heap MB", "CPU ms/req", "plain req/s", "plain CPU ms/req"));
        rows.forEach(System.out::println);
        System.out.println("CPU: process CPU time of the test JVM (relay and WireMock stub) / requests; plain: a JDK "
                + "HttpClient on 8 threads posting the same Expandable payloads to the same stub; ratio = requests/s "
                + "of the relay / plain.");
        System.out.println();
    }

    private String run(WireMockServer stub, int lines) throws Exception {
        Path root = dir.resolve("run-" + lines);
        try (RelayHarness relay = new RelayHarness(root)
                .set("relay.vendors.expandable.base-url", stub.baseUrl() + "/api")
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
            long cpu = PlainClient.processCpuNanos();
            long start = System.nanoTime();
            sampler.start();
            Files.move(file, relay.inbox().resolve(file.getFileName()), StandardCopyOption.ATOMIC_MOVE);
            relay.awaitDone(file.getFileName().toString(), Duration.ofMinutes(20));
            double intakeSeconds = (System.nanoTime() - start) / 1e9;
            relay.awaitSettled(Duration.ofMinutes(20));
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpuMs = (PlainClient.processCpuNanos() - cpu) / 1e6;
            sampling.set(false);
            sampler.interrupt();
            sampler.join();
            assertThat(relay.store().count("DELIVERED", "expandable")).isEqualTo(lines);
            PlainClient.Figures plain = PlainClient.run(stub.baseUrl() + "/api/customer-contact-update", 8, lines,
                    i -> "{\"CUSTOMER_ID\":\"BULK\",\"CUST_CONTACT\":\"C" + i + "\",\"E_MAIL\":\"c" + i
                            + "@bulk.example\",\"TITLE\":\"Buyer\",\"AUTH_TOKEN\":\"bench\"}");
            return String.format("%10d %12.1f %14.0f %12.1f %18.1f %12.2f %16.0f %14.2f   (%.2fx)", lines, seconds,
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
