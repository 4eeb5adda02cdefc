package com.customerrelay.benchmark;

import com.customerrelay.deadletter.DeadLetterIndex;
import com.customerrelay.support.Http;
import com.customerrelay.support.RelayHarness;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Listing dead letters at size: a folder of N dead letters (20,000, then 200,000; written as files beforehand, as
 * a relay of an older version or an operator copying them in would leave them), indexed by the relay at its start,
 * then {@code GET /dead-letters?limit=20} (the console's call), with a vendor filter, and by request id, each timed
 * 21 times; prints the median, the two slowest and the first call, and how long the start's indexing took. Not
 * part of the normal run:
 *
 * <pre>mvn -B test -Dtest=DeadLetterListingBenchmark -Dsurefire.excludedGroups=none -Dsurefire.quiet=false</pre>
 *
 * ({@code -Dbench.deadLetters=20000,200000} for other sizes.)
 */
class DeadLetterListingBenchmark extends BenchmarkCase {

    private static final String KEY = "bench-key";

    @Test
    void listingTheNewestDeadLettersAtTwentyAndTwoHundredThousand() throws Exception {
        int written = 0;
        for (String size : System.getProperty("bench.deadLetters", "20000,200000").split(",")) {
            int n = Integer.parseInt(size.trim());
            Path folder = Files.createDirectories(dir.resolve("dead-letter"));
            long start = System.currentTimeMillis() - n;
            for (int i = written; i < n; i++) {
                String id = "bench-" + i;
                String vendor = i % 2 == 0 ? "expandable" : "rpm";
                Files.writeString(folder.resolve((start + i) + "-" + String.format("%06d", i % 1_000_000) + "-"
                        + vendor + "-" + id + ".json"), letter(id, vendor));
            }
            written = n;
            try (RelayHarness relay = new RelayHarness(dir).set("relay.http.api-keys", KEY)) {
                long t0 = System.nanoTime();
                relay.start();
                DeadLetterIndex index = relay.bean("deadLetterIndex", DeadLetterIndex.class);
                await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> index.size() >= n);
                double indexing = (System.nanoTime() - t0) / 1e9;
                String newest = "bench-" + (n - 1);
                System.out.printf("%n[bench] dead letters: %,d files; relay start until all indexed: %.1f s%n", n,
                        indexing);
                report(relay, "GET /dead-letters?limit=20", "?limit=20", newest);
                report(relay, "GET /dead-letters?vendor=rpm&limit=20", "?vendor=rpm&limit=20", null);
                report(relay, "GET /dead-letters?requestId=bench-7", "?requestId=bench-7", "bench-7");
            }
        }
    }

    private static void report(RelayHarness relay, String what, String query, String firstId) throws Exception {
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < 21; i++) {
            long t = System.nanoTime();
            HttpResponse<String> answer = Http.get(relay.apiUrl() + "/dead-letters" + query, "X-API-Key", KEY);
            ms.add((System.nanoTime() - t) / 1e6);
            assertThat(answer.statusCode()).isEqualTo(200);
            if (firstId != null) {
                assertThat(answer.body()).contains("\"requestId\":\"" + firstId + "\"");
            }
        }
        double first = ms.get(0);
        Collections.sort(ms);
        System.out.printf("[bench]   %-40s median %7.1f ms, second slowest %7.1f ms, slowest %7.1f ms, first call "
                + "%7.1f ms (21 calls)%n", what, ms.get(10), ms.get(19), ms.get(20), first);
    }

    private static String letter(String id, String vendor) {
        return "{\n  \"requestId\" : \"" + id + "\",\n  \"vendor\" : \"" + vendor + "\",\n  \"kind\" : \"contact\",\n"
                + "  \"reason\" : \"exhausted\",\n  \"error\" : {\n    \"message\" : \"Expandable answered 500: Contact "
                + "record is locked\",\n    \"httpStatus\" : 500,\n    \"vendorMessage\" : \"Contact record is "
                + "locked\",\n    \"vendorCode\" : \"E1042\"\n  },\n  \"attempts\" : 8,\n  \"firstAttemptAt\" : "
                + "\"2026-11-22T10:15:01Z\",\n  \"lastAttemptAt\" : \"2026-11-22T10:29:13Z\",\n  \"source\" : {\n"
                + "    \"intake\" : \"file\",\n    \"name\" : \"crm-export-0001.ndjson\",\n    \"line\" : 17\n  },\n"
                + "  \"request\" : {\"id\":\"" + id + "\",\"kind\":\"contact\",\"targets\":{\"expandable\":"
                + "{\"customerId\":\"ABCCORP\",\"contactId\":\"C1\"}},\"data\":{\"title\":\"Buyer\"}}\n}\n";
    }
}
