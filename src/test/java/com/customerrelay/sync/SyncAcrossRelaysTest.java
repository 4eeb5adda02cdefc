package com.customerrelay.sync;

import com.customerrelay.support.Http;
import com.customerrelay.support.Ports;
import com.customerrelay.support.PostgresSupport;
import com.customerrelay.support.RelayHarness;
import com.customerrelay.support.RelayProcess;
import com.customerrelay.support.TestLog;
import com.customerrelay.support.VendorStub;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A sync job on relays that share one PostgreSQL store: two relays firing the same job every two seconds never run
 * it at once and deliver each changed row once; a relay killed with SIGKILL in the middle of a run leaves the rest
 * of the handover to the next run, and no row is sent twice.
 */
class SyncAcrossRelaysTest {

    static final String KEY = SyncPostgresTest.KEY;
    static final String CANARY = "sync-source-canary-pw";

    @TempDir
    Path dir;
    PostgresSupport pg;
    VendorStub vendor;
    final List<RelayHarness> relays = new ArrayList<>();
    RelayProcess process;

    @BeforeEach
    void setUp() throws SQLException {
        pg = PostgresSupport.required();
        vendor = new VendorStub("SOFCT_USER_1");
        vendor.keepBodies(false);
        SyncPostgresTest.createSourceTable(pg);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        relays.forEach(RelayHarness::close);
        if (process != null) {
            process.close();
        }
        vendor.close();
    }

    Connection source() throws SQLException {
        return DriverManager.getConnection(pg.url, pg.user, pg.password);
    }

    void fill(int rows) throws SQLException {
        SyncPostgresTest.fillSourceTable(pg, rows, "v0");
    }

    static Map<String, String> job(PostgresSupport pg, String schedule) {
        String p = "relay.sync.crm.";
        Map<String, String> settings = new HashMap<>(SyncPostgresTest.jdbc(pg, "crm"));
        settings.put("relay.sync.jobs", "crm");
        settings.put(p + "schedule", schedule);
        settings.put(p + "kind", "contact");
        settings.put(p + "key", "CONTACT_NO");
        settings.putAll(CrmContacts.mapping("crm"));
        settings.put("relay.sync.lease-ms", "3000");
        settings.put("relay.http.api-keys", KEY);
        return settings;
    }

    RelayHarness harness(String name, Map<String, String> settings) {
        RelayHarness relay = pg.configure(new RelayHarness(dir.resolve(name)))
                .set("relay.vendors.expandable.base-url", vendor.baseUrl())
                .set("relay.vendors.expandable.concurrency", "8");
        settings.forEach(relay::set);
        relays.add(relay);
        return relay;
    }

    @Test
    void twoRelaysFiringTheSameJobNeverRunItAtOnceAndDeliverEachChangeOnce() throws Exception {
        int rows = 5_000;
        int rounds = 6;
        int perRound = 100;
        fill(rows);
        long mark = TestLog.mark();
        // two relays in one JVM share Quartz's scheduler when their contexts have the same name: named apart, each
        // has its own, as two relay processes would
        RelayHarness a = harness("a", job(pg, "0/2 * * * * ?")).set("camel.main.name", "relay-a").start();
        RelayHarness b = harness("b", job(pg, "0/2 * * * * ?")).set("camel.main.name", "relay-b").start();
        // the first run hands every row over; the changes come after it, so that each version is handed over
        await().atMost(Duration.ofSeconds(60)).until(() -> completedRuns(a) >= 1);

        for (int round = 1; round <= rounds; round++) {
            try (Connection c = source(); Statement s = c.createStatement()) {
                s.execute("update crm_contact_export set tier = 'v" + round + "-' || contact_no, "
                        + "email = 'r" + round + "-' || contact_no || '@acme.test' where contact_no % " + rounds
                        + " = " + (round - 1) + " and contact_no <= " + (rounds * perRound));
            }
            // two more runs: the second of them surely started after the change
            long seen = completedRuns(a);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> completedRuns(b) >= seen + 2);
        }
        int expected = rows + rounds * perRound;
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                .until(() -> vendor.total() >= expected && a.store().unfinished() == 0);
        a.stop();
        b.stop();

        assertThat(vendor.total()).as("each row and each change delivered once").isEqualTo(expected);
        assertThat(vendor.perMarker().values()).extracting(AtomicInteger::get).containsOnly(1);

        // from the log of both relays (camel-N names the relay): a run starts only when no other is going on
        Pattern line = Pattern.compile("\\[Camel \\(([^)]+)\\) [^]]*] SyncRunner - Sync job crm: run "
                + "(started|completed|failed)");
        int going = 0;
        int runs = 0;
        Map<String, Integer> byRelay = new HashMap<>();
        for (String l : TestLog.since(mark).split("\n")) {
            Matcher m = line.matcher(l);
            if (!m.find()) {
                continue;
            }
            if (m.group(2).equals("started")) {
                going++;
                runs++;
                byRelay.merge(m.group(1), 1, Integer::sum);
                assertThat(going).as("runs going on at once, at: " + l).isEqualTo(1);
            } else {
                going--;
            }
        }
        assertThat(runs).isGreaterThanOrEqualTo(rounds + 1);
        System.out.printf("Two relays, one job every 2 s: %d runs (%s), never two at once%n", runs, byRelay);
    }

    @Test
    void aRelayKilledMidRunLeavesTheRestToTheNextRunAndNothingIsSentTwice() throws Exception {
        int rows = 40_000;
        fill(rows);
        Map<String, String> settings = new HashMap<>(job(pg, "0 0 0 1 1 ? 2099"));
        settings.put("relay.sync.crm.jdbc.password", pg.password);
        settings.put("relay.store.url", pg.url);
        settings.put("relay.store.user", pg.user);
        settings.put("relay.store.password", pg.password);
        // the vendor is away while the first relay runs, so that what reaches it is sent by the second relay alone:
        // a request sent twice could only come from a handover made twice
        settings.put("relay.vendors.expandable.base-url", "http://127.0.0.1:" + Ports.free() + "/api");
        settings.put("relay.vendors.expandable.timeout-ms", "2000");
        settings.put("relay.vendors.expandable.initial-delay-ms", "200");
        settings.put("relay.vendors.expandable.max-delay-ms", "1000");
        settings.put("relay.vendors.expandable.max-attempts", "1000"); // not dead before the second relay comes
        // a run lock of 3 s can run out on a loaded machine (a 2-core CI runner also running PostgreSQL and this
        // test) and stop the run before the kill; 10 s holds there and still lets the second relay in soon
        settings.put("relay.sync.lease-ms", "10000");
        int apiPort = Ports.free();
        settings.put("camel.server.port", String.valueOf(apiPort));
        java.nio.file.Files.createDirectories(dir.resolve("first"));
        process = RelayProcess.start(dir.resolve("first"), List.of("-Xmx256m"), settings);

        assertThat(Http.send("POST", "http://127.0.0.1:" + apiPort + "/sync/crm/run", "",
                "Authorization", "Bearer " + KEY).statusCode()).isEqualTo(202);
        RelayProcess first = process;
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(20))
                .failFast(() -> assertThat(first.log()).as("the first relay's run ended before the kill")
                        .doesNotContain("run failed"))
                .until(() -> handedOver() >= 8_000);
        assertThat(process.kill()).isEqualTo(137);
        long atKill = handedOver();
        assertThat(atKill).as("killed in the middle of the run").isLessThan(rows);
        process = null;

        RelayHarness second = harness("second", job(pg, "0 0 0 1 1 ? 2099")).start();
        // the killed relay's run lock ends with its lease (10 s); until then a run answers 409
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> Http.send("POST",
                second.apiUrl() + "/sync/crm/run", "", "Authorization", "Bearer " + KEY).statusCode() == 202);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() ->
                SyncPostgresTest.describe(second, "crm").get("completedRuns").asLong() == 1);
        JsonNode report = SyncPostgresTest.describe(second, "crm").get("lastRun");
        assertThat(report.get("rowsRead").asLong()).isEqualTo(rows);
        assertThat(report.get("unchanged").asLong()).as("rows handed over before the kill").isEqualTo(atKill);
        assertThat(report.get("changed").asLong()).isEqualTo(rows - atKill);
        assertThat(handedOver()).isEqualTo(rows);

        await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(500))
                .until(() -> vendor.total() >= rows && second.store().unfinished() == 0);
        assertThat(vendor.total()).as("every row once").isEqualTo(rows);
        assertThat(vendor.perMarker()).hasSize(rows);
        assertThat(vendor.perMarker().values()).extracting(AtomicInteger::get).containsOnly(1);
        System.out.printf("Sync crash: killed after %d of %d rows handed over; the next run handed over %d%n",
                atKill, rows, rows - atKill);
    }

    static long completedRuns(RelayHarness relay) throws Exception {
        return SyncPostgresTest.describe(relay, "crm").get("completedRuns").asLong();
    }

    /** Requests the job has handed over, as the store holds them. */
    long handedOver() throws SQLException {
        try (Connection c = source(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from relay_delivery where request_id like 'sync:crm:%'")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
