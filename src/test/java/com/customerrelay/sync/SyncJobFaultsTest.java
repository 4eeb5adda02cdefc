package com.customerrelay.sync;

import com.customerrelay.core.Json;
import com.customerrelay.support.Http;
import com.customerrelay.support.RelayHarness;
import com.customerrelay.support.RelayTestCase;
import com.customerrelay.support.TestLog;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What a sync job does with settings and sources that are wrong: a mapping naming a column the source lacks or a
 * cron that does not parse stops the start, naming job, key and value; a source that cannot be reached fails the
 * run with the reason (the password masked) and the relay runs on; a run going on elsewhere answers 409; a CSV file
 * that is not CSV moves to .failed/ with its note.
 */
class SyncJobFaultsTest extends RelayTestCase {

    private static final String KEY = "sync-faults-key";
    private static final String CANARY = "sync-canary-password-4711";

    RelayHarness relay;

    private RelayHarness relay(String job) {
        String p = "relay.sync." + job + ".";
        return closing.add(new RelayHarness(dir.resolve("relay"))).set("relay.http.api-keys", KEY).set("relay.sync.jobs", job)
                .set(p + "schedule", "0 0 0 1 1 ? 2099").set(p + "kind", "contact").set(p + "key", "CUST_ID,CONTACT_ID")
                .set(p + "map.targets.expandable.customerId", "CUST_ID")
                .set(p + "map.targets.expandable.contactId", "CONTACT_ID")
                .set(p + "map.data.email", "EMAIL");
    }

    private static String rootMessage(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }

    @Test
    void aMappingNamingAColumnTheTableLacksStopsTheStart() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("crm").toAbsolutePath();
        try (Connection c = DriverManager.getConnection(url, "crm", ""); Statement s = c.createStatement()) {
            s.execute("create table contacts (cust_id varchar(20), contact_id varchar(20), email_address varchar(99))");
        }
        RelayHarness wrong = relay("crm").set("relay.sync.crm.source", "jdbc").set("relay.sync.crm.jdbc.url", url)
                .set("relay.sync.crm.jdbc.user", "crm").set("relay.sync.crm.jdbc.query", "select * from contacts");
        assertThatThrownBy(wrong::start).satisfies(e -> assertThat(rootMessage(e)).contains(
                "sync job crm: relay.sync.crm.map.data.email names column 'EMAIL'",
                "its columns: CUST_ID, CONTACT_ID, EMAIL_ADDRESS"));
        wrong.close();
    }

    @Test
    void aCronThatDoesNotParseStopsTheStart() {
        RelayHarness wrong = relay("crm").set("relay.sync.crm.source", "csv")
                .set("relay.sync.crm.csv.dir", dir.resolve("exports").toString())
                .set("relay.sync.crm.schedule", "every 15 minutes");
        assertThatThrownBy(wrong::start).satisfies(e -> assertThat(rootMessage(e)).contains(
                "sync job crm: relay.sync.crm.schedule 'every 15 minutes' is not a Quartz cron expression"));
        wrong.close();
    }

    @Test
    void aSourceThatCannotBeReachedFailsTheRunAndTheRelayRunsOn() throws Exception {
        long mark = TestLog.mark();
        relay = relay("crm").set("relay.sync.crm.source", "jdbc")
                .set("relay.sync.crm.jdbc.url", "jdbc:postgresql://127.0.0.1:1/crm?connectTimeout=2")
                .set("relay.sync.crm.jdbc.user", "crm").set("relay.sync.crm.jdbc.password", CANARY)
                .set("relay.sync.crm.jdbc.query", "select * from contacts").start();
        assertThat(call("POST", "/sync/crm/run").statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> !describe().path("lastRun").isNull()
                && !describe().path("running").asBoolean());
        JsonNode last = describe().get("lastRun");
        assertThat(last.get("status").asText()).isEqualTo("failed");
        assertThat(last.get("error").asText()).contains("the source query failed", "Connection to 127.0.0.1:1 refused");
        assertThat(describe().get("completedRuns").asLong()).isZero();

        // the relay runs on: the next run can start, and other intakes still work
        assertThat(call("POST", "/sync/crm/run").statusCode()).isIn(202, 409);
        assertThat(Http.get(relay.managementUrl() + "/observe/health/live").statusCode()).isEqualTo(200);
        String log = TestLog.since(mark);
        assertThat(log).contains("Sync job crm: run failed").doesNotContain(CANARY);
        assertThat(last.toString()).doesNotContain(CANARY);
    }

    @Test
    void aRunGoingOnOnAnotherRelayAnswers409AndAnUnknownJob404() throws Exception {
        relay = relay("crm").set("relay.sync.crm.source", "csv")
                .set("relay.sync.crm.csv.dir", dir.resolve("exports").toString()).start();
        relay.stateStore().withConnection((c, now) -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "update relay_sync_run set owner = 'other-relay', lease_until = ?, started_at = ? where job = 'crm'")) {
                ps.setLong(1, now + 60_000);
                ps.setLong(2, now);
                ps.executeUpdate();
            }
            return null;
        });
        HttpResponse<String> busy = call("POST", "/sync/crm/run");
        assertThat(busy.statusCode()).isEqualTo(409);
        assertThat(busy.body()).contains("sync job crm is running");
        assertThat(describe().get("running").asBoolean()).isTrue();
        assertThat(call("POST", "/sync/nightly/run").statusCode()).isEqualTo(404);
        assertThat(call("GET", "/sync/nightly").statusCode()).isEqualTo(404);
    }

    @Test
    void aCsvFileThatDoesNotParseMovesToFailedWithItsNote() throws Exception {
        Path exports = dir.resolve("exports");
        Files.createDirectories(exports);
        relay = relay("crm").set("relay.sync.crm.source", "csv").set("relay.sync.crm.csv.dir", exports.toString())
                .set("relay.inbox.read-lock-min-age-ms", "0").start();
        Files.writeString(exports.resolve("a-broken.csv"), "CUST_ID,CONTACT_ID,EMAIL\nACME,C1,\"never closed\n");
        Files.write(exports.resolve("b-latin1.csv"), "CUST_ID,CONTACT_ID,EMAIL\nACME,C2,j\u00f6rg@acme.test\n"
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        Files.writeString(exports.resolve("c-no-email.csv"), "CUST_ID,CONTACT_ID,MAIL\nACME,C3,x@acme.test\n");
        assertThat(call("POST", "/sync/crm/run").statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> describe().get("completedRuns").asLong() == 1);
        JsonNode last = describe().get("lastRun");
        assertThat(last.get("failedFiles")).extracting(JsonNode::asText)
                .containsExactly("a-broken.csv", "b-latin1.csv", "c-no-email.csv");
        for (String name : new String[] {"a-broken.csv", "b-latin1.csv", "c-no-email.csv"}) {
            assertThat(exports.resolve(".failed").resolve(name)).exists();
        }
        assertThat(Files.readString(exports.resolve(".failed/a-broken.csv.error.txt"))).contains("a-broken.csv");
        assertThat(Files.readString(exports.resolve(".failed/b-latin1.csv.error.txt"))).contains("not UTF-8");
        assertThat(Files.readString(exports.resolve(".failed/c-no-email.csv.error.txt")))
                .contains("relay.sync.crm.map.data.email names column 'EMAIL'");
    }

    private HttpResponse<String> call(String method, String path) throws Exception {
        return Http.send(method, relay.apiUrl() + path, "", "Authorization", "Bearer " + KEY);
    }

    private JsonNode describe() throws Exception {
        return Json.parse(Http.get(relay.apiUrl() + "/sync/crm", "Authorization", "Bearer " + KEY).body());
    }
}
