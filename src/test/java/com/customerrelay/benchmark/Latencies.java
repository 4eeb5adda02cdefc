package com.customerrelay.benchmark;

import com.customerrelay.support.VendorStub;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The latency half of the queue and Kafka benchmarks: requests sent one by one at a steady rate, each timed from its
 * send to its receipt by the vendor stub (read off the request's {@code SOFCT_USER_1} marker).
 */
final class Latencies {

    private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
    private final Map<String, Long> latency = new ConcurrentHashMap<>();

    /** Starts timing the requests {@code vendor} receives. */
    Latencies(VendorStub vendor) {
        vendor.onReceive(r -> {
            String marker = r.body().path("SOFCT_USER_1").asText();
            Long sent = sentAt.get(marker);
            if (sent != null) {
                latency.put(marker, r.nanoTime() - sent);
            }
        });
    }

    /**
     * Sends {@code count} requests marked {@code prefix + i} at {@code rate} per second through {@code send}, parking
     * between sends rather than spinning (a spinning sender would take a core from the relay).
     */
    void paced(String prefix, int count, int rate, Consumer<Integer> send) {
        long next = System.nanoTime();
        for (int i = 0; i < count; i++) {
            for (long wait; (wait = next - System.nanoTime()) > 0; ) {
                LockSupport.parkNanos(wait);
            }
            sentAt.put(prefix + i, System.nanoTime());
            send.accept(i);
            next += 1_000_000_000L / rate;
        }
    }

    /** How many of the timed requests the vendor has received. */
    int received() {
        return latency.size();
    }

    /** The median and the 99th percentile, in milliseconds. */
    double[] p50p99() {
        List<Long> values = new ArrayList<>(latency.values());
        Collections.sort(values);
        return new double[] {values.get(values.size() / 2) / 1e6,
                values.get((int) Math.ceil(values.size() * 0.99) - 1) / 1e6};
    }
}
