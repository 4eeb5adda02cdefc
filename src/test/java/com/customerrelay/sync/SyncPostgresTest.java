package com.customerrelay.sync;

import com.customerrelay.core.Json;
import com.customerrelay.delivery.DeliveryStatus;
import com.customerrelay.support.Http;
import com.customerrelay.support.PostgresSupport;
import com.customerrelay.support.RelayHarness;
import com.customerrelay.support.RelayTestCase;
import com.customerrelay.support.VendorStub;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedWriter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sync jobs at size on the real PostgreSQL server .ci/run starts, which holds both the relay's state store and the
 * source table: 100,000 rows handed over on the first run, exactly the 1,000 changed ones on the second (counted at
 * the vendor stub), nothing on a first run with first-run=baseline; the same from a folder of CSV exports.
 */
class SyncPostgresTest extends RelayTestCase {

    static final String KEY = "sync-pg-key";
    static final int ROWS = 100_000;
    static final int CHANGED = 1_000;

    PostgresSupport pg;
    VendorStub vendor;
    final List<RelayHarness> relays = new ArrayList<>();

    @BeforeEach
    void setUp() throws SQLException {
        pg = PostgresSupport.required();
        vendor = newVendor();
        vendor.keepBodies(false);
        createSourceTable(pg);
    }

    /** The source table of the tests, empty, in the test database. */
    static void createSourceTable(PostgresSupport pg) throws SQLException {
        try (Connection c = DriverManager.getConnection(pg.url, pg.user, pg.password);
             Statement s = c.createStatement()) {
            s.execute("drop table if exists crm_contact_export");
            s.execute("create table crm_contact_export (contact_no int primary key, cust_id varchar(20), "
                    + "contact_id varchar(20), email varchar(100), updated_at timestamp with time zone, "
                    + "tier varchar(40))");
        }
    }

    /** Rows 1 to {@code rows} of the source table, each marked {@code <version>-<row>}. */
    static void fillSourceTable(PostgresSupport pg, int rows, String version) throws SQLException {
        try (Connection c = DriverManager.getConnection(pg.url, pg.user, pg.password);
             Statement s = c.createStatement()) {
            s.execute("insert into crm_contact_export select g, 'ACME', 'C' || g, 'c' || g || '@acme.test', "
                    + "timestamptz '2026-11-22 10:00:00+00', '" + version + "-' || g from generate_series(1, "
                    + rows + ") g");
        }
    }

    Connection source() throws SQLException {
        return DriverManager.getConnection(pg.url, pg.user, pg.password);
    }

    void fillTable(int rows) throws SQLException {
        fillSourceTable(pg, rows, "v1");
    }

    /** Changes the e-mail of the first {@code rows} contacts and marks them v2. */
    void changeRows(int rows) throws SQLException {
        try (Connection c = source(); Statement s = c.createStatement()) {
            s.execute("update crm_contact_export set email = 'new-' || email, tier = 'v2-' || contact_no, "
                    + "updated_at = now() where contact_no <= " + rows);
        }
    }

    RelayHarness relay(String name, String job, Map<String, String> settings) {
        String p = "relay.sync." + job + ".";
        RelayHarness relay = pg.configure(new RelayHarness(dir.resolve(name))).set("relay.http.api-keys", KEY)
                .set("relay.vendors.expandable.base-url", vendor.baseUrl())
                .set("relay.vendors.expandable.concurrency", "8")
                .set("relay.sync.jobs", job)
                .set(p + "schedule", "0 0 0 1 1 ? 2099").set(p + "kind", "contact").set(p + "key", "CONTACT_NO");
        CrmContacts.mapping(job).forEach(relay::set);
        settings.forEach(relay::set);
        relays.add(closing.add(relay));
        return relay;
    }

    static Map<String, String> jdbc(PostgresSupport pg, String job) {
        String p = "relay.sync." + job + ".";
        return Map.of(p + "source", "jdbc", p + "jdbc.url", pg.url, p + "jdbc.user", pg.user,
                p + "jdbc.password", pg.password, p + "jdbc.query", "select * from crm_contact_export");
    }

    static JsonNode runAndWait(RelayHarness relay, String job) throws Exception {
        long before = describe(relay, job).get("completedRuns").asLong();
        HttpResponse<String> started = Http.send("POST", relay.apiUrl() + "/sync/" + job + "/run", "",
                "Authorization", "Bearer " + KEY);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(200)).until(() -> {
            JsonNode now = describe(relay, job);
            return now.get("completedRuns").asLong() > before
                    || (!now.get("running").asBoolean() && "failed".equals(now.path("lastRun").path("status").asText()));
        });
        JsonNode last = describe(relay, job).get("lastRun");
        assertThat(last.get("status").asText()).as(last.toString()).isEqualTo("completed");
        return last;
    }

    static JsonNode describe(RelayHarness relay, String job) throws Exception {
        return Json.parse(Http.get(relay.apiUrl() + "/sync/" + job, "Authorization", "Bearer " + KEY).body());
    }

    void awaitDelivered(RelayHarness relay, int total) {
        await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofMillis(500))
                .until(() -> vendor.total() >= total && relay.store().unfinished() == 0);
    }

    /** Every marker seen once; {@code v2} of them from the second run. */
    void assertEachOnce(int v1, int v2) {
        Map<String, AtomicInteger> markers = vendor.perMarker();
        assertThat(markers.values()).extracting(AtomicInteger::get).containsOnly(1);
        assertThat(markers.keySet().stream().filter(m -> m.startsWith("v1-")).count()).isEqualTo(v1);
        assertThat(markers.keySet().stream().filter(m -> m.startsWith("v2-")).count()).isEqualTo(v2);
    }

    @Test
    void aTableOf100000RowsIsHandedOverOnceThenOnlyThe1000ChangedRows() throws Exception {
        fillTable(ROWS);
        RelayHarness relay = relay("relay", "crm", jdbc(pg, "crm")).start();

        JsonNode first = runAndWait(relay, "crm");
        assertThat(first.get("rowsRead").asLong()).isEqualTo(ROWS);
        assertThat(first.get("changed").asLong()).isEqualTo(ROWS);
        awaitDelivered(relay, ROWS);
        assertThat(vendor.total()).isEqualTo(ROWS);

        changeRows(CHANGED);
        JsonNode second = runAndWait(relay, "crm");
        assertThat(second.get("rowsRead").asLong()).isEqualTo(ROWS);
        assertThat(second.get("changed").asLong()).isEqualTo(CHANGED);
        assertThat(second.get("unchanged").asLong()).isEqualTo(ROWS - CHANGED);
        awaitDelivered(relay, ROWS + CHANGED);
        assertThat(vendor.total()).as("only the changed rows reach the vendor").isEqualTo(ROWS + CHANGED);
        assertEachOnce(ROWS, CHANGED);
        System.out.printf("Sync on PostgreSQL: first run %s s for %d rows, second run %s s with %d changed%n",
                first.get("seconds"), ROWS, second.get("seconds"), CHANGED);
    }

    @Test
    void withFirstRunBaselineTheFirstRunSendsNothing() throws Exception {
        fillTable(ROWS);
        Map<String, String> settings = new java.util.HashMap<>(jdbc(pg, "crm"));
        settings.put("relay.sync.crm.first-run", "baseline");
        RelayHarness relay = relay("relay", "crm", settings).start();

        JsonNode first = runAndWait(relay, "crm");
        assertThat(first.get("rowsRead").asLong()).isEqualTo(ROWS);
        assertThat(first.get("changed").asLong()).isZero();
        assertThat(first.get("baseline").asLong()).isEqualTo(ROWS);
        assertThat(relay.store().count(DeliveryStatus.PENDING, null)).as("nothing handed over").isZero();

        changeRows(CHANGED);
        JsonNode second = runAndWait(relay, "crm");
        assertThat(second.get("changed").asLong()).isEqualTo(CHANGED);
        assertThat(second.get("unchanged").asLong()).isEqualTo(ROWS - CHANGED);
        awaitDelivered(relay, CHANGED);
        assertThat(vendor.total()).isEqualTo(CHANGED);
        assertEachOnce(0, CHANGED);
    }

    @Test
    void aFolderOfCsvExportsBehavesTheSame() throws Exception {
        Path exports = dir.resolve("exports");
        Files.createDirectories(exports);
        RelayHarness relay = relay("relay", "crm", Map.of("relay.sync.crm.source", "csv",
                "relay.sync.crm.csv.dir", exports.toString(), "relay.inbox.read-lock-min-age-ms", "0")).start();

        writeExport(exports.resolve("export-1.csv"), 0);
        JsonNode first = runAndWait(relay, "crm");
        assertThat(first.get("rowsRead").asLong()).isEqualTo(ROWS);
        assertThat(first.get("changed").asLong()).isEqualTo(ROWS);
        assertThat(exports.resolve(".done/export-1.csv")).exists();
        awaitDelivered(relay, ROWS);

        writeExport(exports.resolve("export-2.csv"), CHANGED);
        JsonNode second = runAndWait(relay, "crm");
        assertThat(second.get("changed").asLong()).isEqualTo(CHANGED);
        assertThat(second.get("unchanged").asLong()).isEqualTo(ROWS - CHANGED);
        awaitDelivered(relay, ROWS + CHANGED);
        assertThat(vendor.total()).isEqualTo(ROWS + CHANGED);
        assertEachOnce(ROWS, CHANGED);
    }

    /** The table's content as a CSV export; the first {@code changed} rows changed as {@link #changeRows} does. */
    private static void writeExport(Path file, int changed) throws Exception {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("CONTACT_NO,CUST_ID,CONTACT_ID,EMAIL,UPDATED_AT,TIER\n");
            for (int i = 1; i <= ROWS; i++) {
                boolean v2 = i <= changed;
                out.write(i + ",ACME,C" + i + "," + (v2 ? "new-" : "") + "c" + i + "@acme.test,"
                        + (v2 ? "2026-11-23T09:00:00Z" : "2026-11-22T10:00:00Z") + "," + (v2 ? "v2-" : "v1-") + i
                        + "\n");
            }
        }
    }
}
