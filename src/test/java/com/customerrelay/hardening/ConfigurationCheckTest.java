package com.customerrelay.hardening;

import com.customerrelay.RelayMain;
import com.customerrelay.support.RelayProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code java -jar customer-relay.jar --check} (PRODUCT.md §9): the configuration read as a start reads it, one line
 * per problem naming its keys, exit 0 or 1, and nothing started — no store, broker or folder made; sync job columns
 * checked against the sources that can be read. A start runs the same checks and refuses the same problems.
 */
class ConfigurationCheckTest {

    @TempDir
    Path dir;

    private RelayProcess check(Map<String, String> settings) throws Exception {
        RelayProcess relay = RelayProcess.launch(dir, List.of(), settings, null, List.of("--check"));
        assertThat(relay.exitWithin(60)).as("--check ends by itself, see " + relay.logFile()).isNotNull();
        return relay;
    }

    @Test
    void theShippedDefaultsPassAndNothingIsStarted() throws Exception {
        RelayProcess relay = check(Map.of());
        assertThat(relay.exitWithin(1)).as(relay.log()).isZero();
        assertThat(relay.log()).contains("vendor rpm: built-in sandbox (no base-url)", "store: embedded",
                "configuration OK").doesNotContain("problem:", "Apache Camel");
        assertThat(dir.resolve("data")).as("no store or broker made").doesNotExist();
    }

    @Test
    void everyProblemIsOneLineNamingItsKeysAndTheExitIsOne() throws Exception {
        RelayProcess relay = check(Map.of(
                "relay.vendors.rpm.base-url", "https://rpm.example.com/api",
                "relay.vendors.socialhub.base-url", "https://socialhub.example.com",
                "relay.vendors.socialhub.app-secret", "canary-check-secret-31",
                "relay.vendors.expandable.base-url", "not a url",
                "relay.vendors.soliditech.max-attempts", "many",
                "relay.http.api-keys-file", dir.resolve("nosuch").toString()));
        assertThat(relay.exitWithin(1)).isEqualTo(RelayMain.START_FAILED);
        List<String> problems = relay.log().lines().filter(line -> line.startsWith("problem: ")).toList();
        assertThat(problems).containsExactlyInAnyOrder(
                "problem: relay.http.api-keys-file: cannot read " + dir.resolve("nosuch") + " (NoSuchFileException)",
                "problem: relay.vendors.soliditech.max-attempts must be a whole number, not 'many'",
                "problem: relay.vendors.expandable.base-url must be an http:// or https:// URL with a host",
                "problem: relay.vendors.rpm.base-url is set, but relay.vendors.rpm.api-key is not",
                "problem: relay.vendors.socialhub.base-url is set, but relay.vendors.socialhub.app-id is not");
        assertThat(relay.log()).contains("configuration: 5 problems").doesNotContain("canary-check-secret-31");
    }

    @Test
    void aCredentialReadFromAFileCountsAsGivenAndIsNotPrinted() throws Exception {
        Path key = Files.writeString(dir.resolve("rpm-key"), "canary-check-file-key-62\n");
        RelayProcess relay = check(Map.of("relay.vendors.rpm.base-url", "https://rpm.example.com/api",
                "relay.vendors.rpm.api-key-file", key.toString()));
        assertThat(relay.exitWithin(1)).as(relay.log()).isZero();
        assertThat(relay.log()).contains("vendor rpm: https://rpm.example.com/api", "configuration OK")
                .doesNotContain("canary-check-file-key-62");
    }

    @Test
    void syncJobColumnsAreCheckedAgainstEachSourceThatCanBeReadNow() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("crm").toAbsolutePath();
        try (Connection c = DriverManager.getConnection(url, "crm", "canary-check-db-pw-48");
             Statement s = c.createStatement()) {
            s.execute("create table contacts (cust_id varchar(20), contact_id varchar(20), email_address varchar(99))");
        }
        Path exports = Files.createDirectories(dir.resolve("exports"));
        Files.writeString(exports.resolve("a.csv"), "CUST_ID,CONTACT_ID,MAIL\nACME,C1,x@acme.test\n");
        Map<String, String> settings = new java.util.HashMap<>(Map.of("relay.sync.jobs", "crm,files",
                "relay.sync.crm.source", "jdbc", "relay.sync.crm.jdbc.url", url, "relay.sync.crm.jdbc.user", "crm",
                "relay.sync.crm.jdbc.password", "canary-check-db-pw-48",
                "relay.sync.crm.jdbc.query", "select * from contacts",
                "relay.sync.files.source", "csv", "relay.sync.files.csv.dir", exports.toString()));
        for (String job : List.of("crm", "files")) {
            String p = "relay.sync." + job + ".";
            settings.putAll(Map.of(p + "schedule", "0 0 3 * * ?", p + "kind", "contact",
                    p + "key", "CUST_ID,CONTACT_ID", p + "map.targets.expandable.customerId", "CUST_ID",
                    p + "map.targets.expandable.contactId", "CONTACT_ID", p + "map.data.email", "EMAIL"));
        }
        RelayProcess relay = check(settings);

        assertThat(relay.exitWithin(1)).as(relay.log()).isEqualTo(RelayMain.START_FAILED);
        assertThat(relay.log().lines().filter(line -> line.startsWith("problem: ")).toList()).singleElement()
                .asString().startsWith("problem: sync job crm: relay.sync.crm.map.data.email names column 'EMAIL'")
                .contains("CUST_ID, CONTACT_ID, EMAIL_ADDRESS");
        assertThat(relay.log().lines().filter(line -> line.startsWith("note: ")).toList()).singleElement()
                .asString().startsWith("note: sync job files: the first CSV file in " + exports)
                .endsWith("a run moves it to .failed/");
        assertThat(relay.log()).doesNotContain("canary-check-db-pw-48");
        assertThat(exports.resolve("a.csv")).as("nothing moved").exists();
    }

    @Test
    void aStartRefusesWhatTheCheckFinds() throws Exception {
        Path key = Files.writeString(dir.resolve("key"), "k");
        try (RelayProcess relay = RelayProcess.launch(dir, List.of(), Map.of(
                "relay.vendors.rpm.timeout-ms", "soon", "relay.vendors.rpm.api-key-file", key.toString()))) {
            assertThat(relay.exitWithin(60)).as("see " + relay.logFile()).isEqualTo(RelayMain.START_FAILED);
            assertThat(relay.log()).contains("Customer Relay could not start: ")
                    .contains("relay.vendors.rpm.timeout-ms must be a whole number, not 'soon'");
        }
    }
}
