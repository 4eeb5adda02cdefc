package com.customerrelay.benchmark;

import com.customerrelay.core.Json;
import com.customerrelay.support.Http;
import com.customerrelay.support.RelayHarness;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sync job runs at size: a database table of N rows (default 1,000,000, an H2 file database), read by a relay on its
 * embedded store, delivering to an Expandable stub in its own JVM. Run 1 takes the whole table in as the baseline
 * (first-run=baseline: every row read, made into a request, fingerprinted and recorded); then 1 % of the rows change
 * and run 2 hands exactly those over. Prints each run's rows/s and the peak live heap (heap used right after a full
 * GC, sampled every 2 s) over both. Not part of the normal test run:
 *
 * <pre>mvn -B test -Dtest=SyncBenchmark -Dsurefire.excludedGroups=none -Dsurefire.quiet=false -DargLine=-Xmx256m</pre>
 *
 * ({@code -Dbench.rows=N} for another size.)
 */
class SyncBenchmark extends BenchmarkCase {

    private static final String KEY = "bench-key";

    @Test
    void aRunOfAMillionRowsThenARunWithOnePercentChanged() throws Exception {
        int rows = Integer.getInteger("bench.rows", 1_000_000);
        int changed = rows / 100;
        String url = "jdbc:h2:file:" + dir.resolve("crm").toAbsolutePath();
        try (Connection c = DriverManager.getConnection(url, "crm", ""); Statement s = c.createStatement()) {
            s.execute("create table contact_export (contact_no int primary key, cust_id varchar(20), "
                    + "contact_id varchar(20), email varchar(100), mobile varchar(30), updated_at timestamp with time zone, "
                    + "tier varchar(40))");
            s.execute("insert into contact_export select x, 'BULK', 'C' || x, 'c' || x || '@bulk.example', "
                    + "'+1 555 ' || x, timestamp with time zone '2026-11-22 10:00:00+00', 'v1-' || x "
                    + "from system_range(1, " + rows + ")");
        }
        try (StubProcess stub = new StubProcess(0)) {
            String p = "relay.sync.bench.";
            try (RelayHarness relay = new RelayHarness(dir.resolve("relay")).set("relay.http.api-keys", KEY)
                    .set("relay.vendors.expandable.base-url", stub.baseUrl())
                    .set("relay.vendors.expandable.concurrency", "8")
                    .set("relay.sync.jobs", "bench").set(p + "schedule", "0 0 0 1 1 ? 2099")
                    .set(p + "source", "jdbc").set(p + "jdbc.url", url).set(p + "jdbc.user", "crm")
                    .set(p + "jdbc.query", "select * from contact_export")
                    .set(p + "kind", "contact").set(p + "key", "CONTACT_NO").set(p + "first-run", "baseline")
                    .set(p + "map.targets.expandable.customerId", "CUST_ID")
                    .set(p + "map.targets.expandable.contactId", "CONTACT_ID")
                    .set(p + "map.data.email", "EMAIL").set(p + "map.data.phones.mobile", "MOBILE")
                    .set(p + "map.occurredAt", "UPDATED_AT")
                    .set(p + "map.vendorFields.expandable.SOFCT_USER_1", "TIER").start()) {
                AtomicLong peak = new AtomicLong();
                AtomicBoolean sampling = new AtomicBoolean(true);
                Thread sampler = new Thread(() -> {
                    while (sampling.get()) {
                        System.gc();
                        peak.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(),
                                Math::max);
                        try {
                            Thread.sleep(2000);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }, "heap-sampler");
                sampler.start();
                List<String> lines = new ArrayList<>();
                long cpu = PlainClient.processCpuNanos();
                JsonNode first = run(relay, 1);
                double firstCpu = (PlainClient.processCpuNanos() - cpu) / 1e6;
                assertThat(first.get("baseline").asLong()).isEqualTo(rows);
                lines.add(line("1 (baseline)", first, firstCpu));

                try (Connection c = DriverManager.getConnection(url, "crm", ""); Statement s = c.createStatement()) {
                    s.execute("update contact_export set email = 'new-' || email, tier = 'v2-' || contact_no, "
                            + "updated_at = current_timestamp where mod(contact_no, 100) = 0");
                }
                cpu = PlainClient.processCpuNanos();
                JsonNode second = run(relay, 2);
                double secondCpu = (PlainClient.processCpuNanos() - cpu) / 1e6;
                assertThat(second.get("changed").asLong()).isEqualTo(changed);
                assertThat(second.get("unchanged").asLong()).isEqualTo(rows - changed);
                lines.add(line("2 (1 % changed)", second, secondCpu));
                await().atMost(Duration.ofMinutes(10)).until(() -> stub.total() >= changed);
                sampling.set(false);
                sampler.interrupt();
                sampler.join();
                assertThat(stub.total()).as("only the changed rows reach the vendor").isEqualTo(changed);

                System.out.println();
                System.out.printf("Sync benchmark: %d rows in an H2 table, embedded store, Expandable stub in its own "
                        + "JVM, %d cores, max heap %d MB%n", rows, Runtime.getRuntime().availableProcessors(),
                        Runtime.getRuntime().maxMemory() / 1024 / 1024);
                System.out.printf("%-18s %10s %10s %10s %10s %12s %14s%n", "run", "rows", "changed", "unchanged",
                        "seconds", "rows/s", "CPU us/row");
                lines.forEach(System.out::println);
                System.out.printf("peak live heap over both runs: %.1f MB%n%n", peak.get() / 1024.0 / 1024.0);
            }
        }
    }

    private static String line(String name, JsonNode report, double cpuMs) {
        long read = report.get("rowsRead").asLong();
        double seconds = report.get("seconds").asDouble();
        return String.format("%-18s %10d %10d %10d %10.1f %12.0f %14.1f", name, read, report.get("changed").asLong(),
                report.get("unchanged").asLong(), seconds, read / seconds, cpuMs * 1000 / read);
    }

    private static JsonNode run(RelayHarness relay, int completed) throws Exception {
        assertThat(Http.send("POST", relay.apiUrl() + "/sync/bench/run", "", "X-API-Key", KEY).statusCode())
                .isEqualTo(202);
        await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(500)).until(() ->
                describe(relay).get("completedRuns").asInt() == completed);
        return describe(relay).get("lastRun");
    }

    private static JsonNode describe(RelayHarness relay) throws Exception {
        return Json.parse(Http.get(relay.apiUrl() + "/sync/bench", "X-API-Key", KEY).body());
    }
}
