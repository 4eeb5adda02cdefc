package com.customerrelay.benchmark;

import com.customerrelay.core.Json;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * The ceiling the relay is measured against: a plain JDK HttpClient posting the same payloads to the same stub on as
 * many threads as the relay's vendor concurrency, with no intake, store or retries.
 */
final class PlainClient {

    /** Requests per second and CPU milliseconds per request of one run. */
    record Figures(double requestsPerSecond, double cpuMsPerRequest) {
    }

    private PlainClient() {
    }

    /**
     * The queue and Kafka benchmarks' ceiling: {@code requests} Expandable contact updates like the relay's, posted
     * to the stub at {@code baseUrl} on {@code threads} threads; requests per second.
     */
    static double expandable(String baseUrl, int threads, int requests) throws Exception {
        return run(baseUrl + "/customer-contact-update", threads, requests, i -> Json.write(Json.object()
                .put("CUSTOMER_ID", "BULK").put("CUST_CONTACT", "C" + i).put("TITLE", "t" + i)
                .put("SOFCT_USER_1", "plain-" + i).put("AUTH_TOKEN", "stub-token"))).requestsPerSecond();
    }

    static Figures run(String url, int threads, int requests, IntFunction<String> body) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long cpu = processCpuNanos();
        long start = System.nanoTime();
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) < requests) {
                    HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body.apply(i))).build();
                    try {
                        client.send(request, HttpResponse.BodyHandlers.ofString());
                    } catch (java.io.IOException closedUnderIt) {
                        // a kept-alive connection the stub closed just as it was reused: send once more, as any
                        // client would (the relay's retry policy does the same)
                        client.send(request, HttpResponse.BodyHandlers.ofString());
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuMs = (processCpuNanos() - cpu) / 1e6;
        pool.shutdown();
        return new Figures(requests / seconds, cpuMs / requests);
    }

    /** CPU time of this whole JVM (the in-process stub included), in nanoseconds. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
