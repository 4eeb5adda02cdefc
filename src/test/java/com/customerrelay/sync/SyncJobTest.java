package com.customerrelay.sync;

import com.customerrelay.core.Json;
import com.customerrelay.delivery.DeliveryStatus;
import com.customerrelay.support.Http;
import com.customerrelay.support.RelayHarness;
import com.customerrelay.support.RelayTestCase;
import com.customerrelay.support.TestLog;
import com.customerrelay.support.VendorStub;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sync jobs on the embedded store, run through the HTTP API and delivered to an Expandable stand-in: a CSV folder
 * (header row, BOM, quoted cells with commas and line breaks, a short row, a date that does not parse) and an H2
 * table source with first-run=baseline. Only new and changed rows reach the vendor; reports count the rest.
 */
class SyncJobTest extends RelayTestCase {

    private static final String KEY = "sync-test-key";
    private static final String NEVER = "0 0 0 1 1 ? 2099";

    RelayHarness relay;
    VendorStub vendor;

    private RelayHarness job(String name, Map<String, String> settings) {
        vendor = newVendor();
        relay = closing.add(new RelayHarness(dir.resolve("relay"))).set("relay.http.api-keys", KEY)
                .set("relay.vendors.expandable.base-url", vendor.baseUrl())
                .set("relay.sync.jobs", name);
        String p = "relay.sync." + name + ".";
        relay.set(p + "schedule", NEVER).set(p + "kind", "contact").set(p + "key", "CUST_ID,CONTACT_ID")
                .set(p + "map.data.phones.mobile", "MOBILE");
        CrmContacts.mapping(name).forEach(relay::set);
        settings.forEach(relay::set);
        return relay;
    }

    private JsonNode runAndWait(String job) throws Exception {
        long before = completedRuns(job);
        HttpResponse<String> started = Http.send("POST", relay.apiUrl() + "/sync/" + job + "/run", "",
                "Authorization", "Bearer " + KEY);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> completedRuns(job) > before || lastStatus(job).equals("failed"));
        return describe(job).get("lastRun");
    }

    private long completedRuns(String job) throws Exception {
        return describe(job).get("completedRuns").asLong();
    }

    private String lastStatus(String job) throws Exception {
        JsonNode last = describe(job).get("lastRun");
        return last == null || last.isNull() ? "" : last.path("status").asText();
    }

    private JsonNode describe(String job) throws Exception {
        HttpResponse<String> answer = Http.get(relay.apiUrl() + "/sync/" + job, "Authorization", "Bearer " + KEY);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return Json.parse(answer.body());
    }

    private Map<String, JsonNode> bodiesByContact() {
        return vendor.received().stream().map(VendorStub.Received::body)
                .collect(Collectors.toMap(b -> b.get("CUST_CONTACT").asText(), b -> b, (a, b) -> b));
    }

    @Test
    void csvFolderHandsOverNewAndChangedRowsOnlyAndDeadLettersBadOnes() throws Exception {
        Path exports = dir.resolve("exports");
        Files.createDirectories(exports);
        // an export is read once it has not changed for a minute; the test dates its files back
        job("crm", Map.of("relay.sync.crm.source", "csv", "relay.sync.crm.csv.dir", exports.toString(),
                "relay.sync.crm.csv.delimiter", ";", "relay.inbox.read-lock-min-age-ms", "60000")).start();

        Files.writeString(exports.resolve("contacts-1.csv"), "\uFEFFCUST_ID;CONTACT_ID;EMAIL;MOBILE;UPDATED_AT;TIER\n"
                + "ACME;C1;c1@acme.test;+1 555 0101;2026-11-22T10:15:00Z;gold\n"
                + "ACME;C2;\"c2;x@acme.test\";\"+1 555\n0102\";2026-11-22T10:16:00Z;silver\n"
                + "ACME;C3;c3@acme.test;;2026-11-22T10:17:00Z;bronze\n"
                + "ACME;C4;too;few\n"
                + "ACME;C5;c5@acme.test;+1;yesterday;gold\n", StandardCharsets.UTF_8);
        datedBack(exports.resolve("contacts-1.csv"));
        JsonNode first = runAndWait("crm");

        assertThat(first.get("status").asText()).isEqualTo("completed");
        assertThat(first.get("rowsRead").asLong()).isEqualTo(5);
        assertThat(first.get("changed").asLong()).isEqualTo(3);
        assertThat(first.get("invalid").asLong()).isEqualTo(2);
        assertThat(first.get("files")).extracting(JsonNode::asText).containsExactly("contacts-1.csv");
        assertThat(exports.resolve(".done/contacts-1.csv")).exists();
        await().atMost(Duration.ofSeconds(20)).until(() -> vendor.total() == 3);
        Map<String, JsonNode> bodies = bodiesByContact();
        assertThat(bodies.get("C1").get("CUSTOMER_ID").asText()).isEqualTo("ACME");
        assertThat(bodies.get("C1").get("E_MAIL").asText()).isEqualTo("c1@acme.test");
        assertThat(bodies.get("C1").get("CELL_PHONE_NO").asText()).isEqualTo("+1 555 0101");
        assertThat(bodies.get("C1").get("SOFCT_USER_1").asText()).isEqualTo("gold");
        assertThat(bodies.get("C2").get("E_MAIL").asText()).isEqualTo("c2;x@acme.test");
        assertThat(bodies.get("C2").get("CELL_PHONE_NO").asText()).isEqualTo("+1 555\n0102");
        assertThat(bodies.get("C3").has("CELL_PHONE_NO")).as("empty=keep: an empty cell is not sent").isFalse();

        List<JsonNode> letters = relay.deadLetters();
        assertThat(letters).hasSize(2).allSatisfy(l -> {
            assertThat(l.get("reason").asText()).isEqualTo("invalid");
            assertThat(l.get("source").get("intake").asText()).isEqualTo("sync");
            assertThat(l.get("source").get("name").asText()).isEqualTo("crm");
            assertThat(l.get("source").get("file").asText()).isEqualTo("contacts-1.csv");
        });
        JsonNode shortRow = letters.stream().filter(l -> l.get("source").get("line").asInt() == 6).findFirst()
                .orElseThrow();
        assertThat(shortRow.get("error").get("message").asText()).contains("sync job crm", "contacts-1.csv", "line 6",
                "4 cells", "header row has 6");
        JsonNode badDate = letters.stream().filter(l -> l.get("source").get("line").asInt() == 7).findFirst()
                .orElseThrow();
        assertThat(badDate.get("error").get("message").asText()).contains("UPDATED_AT", "'yesterday'", "ISO-8601",
                "relay.sync.crm.map.occurredAt");

        // the next export: C1 unchanged (only its time stamp moved), C2 changed, C6 new
        Files.writeString(exports.resolve("contacts-2.csv"), "CUST_ID;CONTACT_ID;EMAIL;MOBILE;UPDATED_AT;TIER\n"
                + "ACME;C1;c1@acme.test;+1 555 0101;2026-11-23T08:00:00Z;gold\n"
                + "ACME;C2;c2@acme.test;+1 555 0102;2026-11-23T08:00:00Z;silver\n"
                + "ACME;C3;c3@acme.test;;2026-11-22T10:17:00Z;bronze\n"
                + "ACME;C6;c6@acme.test;+1 555 0106;2026-11-23T08:00:00Z;gold\n", StandardCharsets.UTF_8);
        JsonNode stillWritten = runAndWait("crm");
        assertThat(stillWritten.get("rowsRead").asLong()).as("a file changed within the minute waits").isZero();
        assertThat(exports.resolve("contacts-2.csv")).exists();
        datedBack(exports.resolve("contacts-2.csv"));
        JsonNode second = runAndWait("crm");
        assertThat(second.get("rowsRead").asLong()).isEqualTo(4);
        assertThat(second.get("changed").asLong()).isEqualTo(2);
        assertThat(second.get("unchanged").asLong()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(20)).until(() -> vendor.total() == 5);
        assertThat(bodiesByContact().get("C2").get("E_MAIL").asText()).isEqualTo("c2@acme.test");
        assertThat(bodiesByContact().get("C6").get("E_MAIL").asText()).isEqualTo("c6@acme.test");
        assertThat(relay.deadLetters()).hasSize(2);

        HttpResponse<String> metrics = Http.get(relay.managementUrl() + "/observe/metrics");
        assertThat(metrics.body()).contains("relay_sync_rows_total{job=\"crm\",result=\"changed\"} 5.0",
                "relay_sync_rows_total{job=\"crm\",result=\"unchanged\"} 2.0",
                "relay_sync_rows_total{job=\"crm\",result=\"invalid\"} 2.0",
                "relay_requests_accepted_total{intake=\"sync\"} 5.0");
    }

    @Test
    void databaseSourceWithBaselineSendsNothingFirstThenOnlyTheChangedRows() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("crm-db").toAbsolutePath();
        try (Connection c = DriverManager.getConnection(url, "crm", "crm-secret"); Statement s = c.createStatement()) {
            s.execute("create table contact_export (cust_id varchar(20), contact_id varchar(20), email varchar(100), "
                    + "mobile varchar(30), updated_at timestamp with time zone, tier varchar(20))");
            for (int i = 1; i <= 20; i++) {
                s.execute("insert into contact_export values ('ACME', 'C" + i + "', 'c" + i + "@acme.test', null, "
                        + "timestamp with time zone '2026-11-22 10:00:00+00', 'tier-" + i + "')");
            }
        }
        long log = TestLog.mark();
        job("db", Map.of("relay.sync.db.source", "jdbc", "relay.sync.db.jdbc.url", url,
                "relay.sync.db.jdbc.user", "crm", "relay.sync.db.jdbc.password", "crm-secret",
                "relay.sync.db.jdbc.query", "select * from contact_export order by contact_id",
                "relay.sync.db.first-run", "baseline")).start();
        assertThat(preview("db", "").get("requests")).as("a baseline run would hand nothing over").isEmpty();

        JsonNode first = runAndWait("db");
        assertThat(first.get("status").asText()).isEqualTo("completed");
        assertThat(first.get("rowsRead").asLong()).isEqualTo(20);
        assertThat(first.get("changed").asLong()).isZero();
        assertThat(first.get("baseline").asLong()).isEqualTo(20);

        try (Connection c = DriverManager.getConnection(url, "crm", "crm-secret"); Statement s = c.createStatement()) {
            s.execute("update contact_export set email = 'new-' || email, updated_at = timestamp with time zone "
                    + "'2026-11-23 09:30:00+01' where contact_id in ('C3', 'C7')");
        }
        assertThat(contactsOf(preview("db", ""))).as("the changed rows, in the query's order")
                .containsExactly("C3", "C7");
        JsonNode second = runAndWait("db");
        assertThat(second.get("changed").asLong()).isEqualTo(2);
        assertThat(second.get("unchanged").asLong()).isEqualTo(18);
        await().atMost(Duration.ofSeconds(20)).until(() -> vendor.total() == 2);
        Map<String, JsonNode> bodies = bodiesByContact();
        assertThat(bodies.keySet()).containsExactlyInAnyOrder("C3", "C7");
        assertThat(bodies.get("C3").get("E_MAIL").asText()).isEqualTo("new-c3@acme.test");
        assertThat(bodies.get("C7").get("SOFCT_USER_1").asText()).isEqualTo("tier-7");
        assertThat(relay.store().statusOf(idOf("db", "ACME:C3"))).extracting(s -> s.status())
                .containsExactly(DeliveryStatus.DELIVERED);

        // a third run with nothing changed sends nothing
        JsonNode third = runAndWait("db");
        assertThat(third.get("unchanged").asLong()).isEqualTo(20);
        assertThat(third.get("changed").asLong()).isZero();
        assertThat(vendor.total()).isEqualTo(2);
        assertThat(TestLog.since(log)).contains("Sync job db: run completed").doesNotContain("crm-secret");
    }

    private JsonNode preview(String job, String query) throws Exception {
        HttpResponse<String> answer = Http.send("POST", relay.apiUrl() + "/sync/" + job + "/preview" + query, "",
                "Authorization", "Bearer " + KEY);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return Json.parse(answer.body());
    }

    private static List<String> contactsOf(JsonNode preview) {
        return java.util.stream.StreamSupport.stream(preview.get("requests").spliterator(), false)
                .map(r -> r.at("/vendors/0/payload/CUST_CONTACT").asText()).toList();
    }

    @Test
    void aPreviewAnswersWhatTheNextRunWouldHandOverAndRecordsAndMovesNothing() throws Exception {
        Path exports = dir.resolve("exports");
        Files.createDirectories(exports);
        job("crm", Map.of("relay.sync.crm.source", "csv", "relay.sync.crm.csv.dir", exports.toString(),
                "relay.inbox.read-lock-min-age-ms", "60000")).start();
        Path export = exports.resolve("contacts-1.csv");
        Files.writeString(export, "CUST_ID,CONTACT_ID,EMAIL,MOBILE,UPDATED_AT,TIER\n"
                + "ACME,C1,c1@acme.test,+1 555 0101,2026-11-22T10:15:00Z,gold\n"
                + "ACME,C2,c2@acme.test,,2026-11-22T10:16:00Z,silver\n"
                + "ACME,C5,c5@acme.test,+1,yesterday,gold\n"
                + "ACME,C3,c3@acme.test,,2026-11-22T10:17:00Z,bronze\n", StandardCharsets.UTF_8);
        datedBack(export);

        JsonNode firstTwo = preview("crm", "?limit=2");
        assertThat(contactsOf(firstTwo)).containsExactly("C1", "C2");
        JsonNode c1 = firstTwo.at("/requests/0");
        assertThat(c1.get("id").asText()).startsWith("sync:crm:ACME:C1:");
        assertThat(c1.at("/vendors/0/vendor").asText()).isEqualTo("expandable");
        assertThat(c1.at("/vendors/0/path").asText()).isEqualTo("/customer-contact-update");
        assertThat(c1.at("/vendors/0/payload")).isEqualTo(Json.parse("""
                {"CUSTOMER_ID":"ACME","CUST_CONTACT":"C1","E_MAIL":"c1@acme.test","CELL_PHONE_NO":"+1 555 0101",
                 "SOFCT_USER_1":"gold","AUTH_TOKEN":"***"}"""));

        JsonNode all = preview("crm", "");
        assertThat(contactsOf(all)).containsExactly("C1", "C2", "C3");
        assertThat(all.get("invalid")).hasSize(1);
        assertThat(all.at("/invalid/0/message").asText()).contains("line 4").contains("UPDATED_AT");
        assertThat(all.get("problems")).isEmpty();
        assertThat(export).as("a preview moves no file").exists();
        assertThat(vendor.total()).as("a preview sends nothing").isZero();
        assertThat(relay.deadLetters()).as("nor dead-letters").isEmpty();

        // no fingerprint was recorded: the run hands every row over
        JsonNode run = runAndWait("crm");
        assertThat(run.get("changed").asLong()).isEqualTo(3);
        assertThat(run.get("invalid").asLong()).isEqualTo(1);

        // the next export: C1 unchanged, C2 changed; the preview shows C2 alone, as the run would hand it over
        Path next = exports.resolve("contacts-2.csv");
        Files.writeString(next, "CUST_ID,CONTACT_ID,EMAIL,MOBILE,UPDATED_AT,TIER\n"
                + "ACME,C1,c1@acme.test,+1 555 0101,2026-11-22T10:15:00Z,gold\n"
                + "ACME,C2,new-c2@acme.test,,2026-11-23T10:16:00Z,silver\n", StandardCharsets.UTF_8);
        datedBack(next);
        JsonNode changed = preview("crm", "");
        assertThat(contactsOf(changed)).containsExactly("C2");
        assertThat(changed.at("/requests/0/vendors/0/payload/E_MAIL").asText()).isEqualTo("new-c2@acme.test");

        HttpResponse<String> unknown = Http.send("POST", relay.apiUrl() + "/sync/nosuch/preview", "",
                "Authorization", "Bearer " + KEY);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(Http.send("POST", relay.apiUrl() + "/sync/crm/preview?limit=0", "", "Authorization",
                "Bearer " + KEY).statusCode()).isEqualTo(400);
        assertThat(Http.send("POST", relay.apiUrl() + "/sync/crm/preview", "").statusCode()).isEqualTo(401);
    }

    private static void datedBack(Path file) throws java.io.IOException {
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()
                - 120_000));
    }

    private String idOf(String job, String key) {
        return relay.stateStore().withConnection((c, now) -> {
            try (var ps = c.prepareStatement("select fingerprint from relay_sync_fingerprint where job = ? and "
                    + "record_key = ?")) {
                ps.setString(1, job);
                ps.setString(2, key);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    return "sync:" + job + ":" + key + ":" + rs.getString(1).substring(0, 16);
                }
            }
        });
    }
}
