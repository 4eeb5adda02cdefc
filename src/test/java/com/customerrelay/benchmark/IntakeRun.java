package com.customerrelay.benchmark;

import com.customerrelay.support.VendorStub;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * The measured run the queue and Kafka benchmarks share, at one vendor concurrency, against a relay already started
 * and sending to {@code vendor}: a warm-up of {@value #WARM_UP} requests, not measured (a relay runs for days, and a
 * JVM's first seconds go to compiling its code); a burst of {@value #BURST}, from the first send to the last request
 * the stub received; {@value #PACED} requests sent one by one at {@value #RATE} per second, each timed from its send
 * to its receipt; and a plain JDK HTTP client sending the same payloads to the same stub as the ceiling.
 */
final class IntakeRun {

    static final int WARM_UP = 5_000;
    static final int BURST = 5_000;
    static final int PACED = 2_000;
    static final int RATE = 200;

    private static final Pattern CONTACT = Pattern.compile("\"contactId\":\"([^\"]+)\"");

    /** How a benchmark hands requests to the intake it measures. */
    interface Intake {
        /** Sends these requests as fast as the intake takes them (in batches or transactions of its own). */
        void sendAll(List<String> requests);

        /** Sends one request at once, unbatched. */
        void sendOne(String request);
    }

    /** What one run measured. */
    record Figures(double sendSeconds, double burstPerSecond, double p50Ms, double p99Ms, double plainPerSecond) {
    }

    private IntakeRun() {
    }

    static Figures measure(VendorStub vendor, int concurrency, Intake intake) throws Exception {
        Latencies latencies = new Latencies(vendor);
        intake.sendAll(requests("w" + concurrency + "-", WARM_UP, 1_000_000));
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> vendor.total() >= WARM_UP);
        List<String> burst = requests("b" + concurrency + "-", BURST, 0);
        long start = System.nanoTime();
        intake.sendAll(burst);
        double sendSeconds = (System.nanoTime() - start) / 1e9;
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> vendor.total() >= WARM_UP + BURST);
        double burstRate = BURST / ((System.nanoTime() - start) / 1e9);

        latencies.paced("p" + concurrency + "-", PACED, RATE,
                i -> intake.sendOne(request("p" + concurrency + "-" + i, BURST + i)));
        await().atMost(Duration.ofMinutes(5)).until(() -> latencies.received() >= PACED);
        double[] p = latencies.p50p99();
        double plain = PlainClient.expandable(vendor.baseUrl(), concurrency, BURST);
        return new Figures(sendSeconds, burstRate, p[0], p[1], plain);
    }

    /** {@code count} requests marked {@code prefix + i}, each updating contact {@code C<firstContact + i>}. */
    private static List<String> requests(String prefix, int count, int firstContact) {
        List<String> requests = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            requests.add(request(prefix + i, firstContact + i));
        }
        return requests;
    }

    /** An Expandable update of contact {@code C<contact>} of customer BULK, marked in SOFCT_USER_1. */
    static String request(String marker, int contact) {
        return "{\"id\":\"" + marker + "\",\"kind\":\"contact\",\"targets\":{\"expandable\":{\"customerId\":\"BULK\","
                + "\"contactId\":\"C" + contact + "\"}},\"data\":{\"title\":\"t\",\"email\":\"c" + contact
                + "@bulk.example\"},\"vendorFields\":{\"expandable\":{\"SOFCT_USER_1\":\"" + marker + "\"}}}";
    }

    /** The record a request updates ({@code BULK/C<n>}), as its message group or record key. */
    static String recordOf(String request) {
        Matcher m = CONTACT.matcher(request);
        return m.find() ? "BULK/" + m.group(1) : null;
    }
}
