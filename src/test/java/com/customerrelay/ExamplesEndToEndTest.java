package com.customerrelay;

import com.customerrelay.core.Json;
import com.customerrelay.support.Http;
import com.customerrelay.support.RelayHarness;
import com.customerrelay.connector.expandable.ExpandableSandbox;
import com.customerrelay.connector.rpm.RpmSandbox;
import com.customerrelay.connector.socialhub.SocialHubSandbox;
import com.customerrelay.connector.soliditech.SoliditechSandbox;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What the README promises a new user: the relay on its defaults delivers the shipped examples to the sandboxes. */
class ExamplesEndToEndTest {

    @Test
    void theRelayOnItsDefaultsDeliversTheShippedExamplesToTheSandboxes(@TempDir Path dir) throws Exception {
        try (RelayHarness relay = new RelayHarness(dir).start()) {
            ExpandableSandbox builtIn = relay.bean("expandableSandbox", ExpandableSandbox.class);
            assertThat(builtIn).as("no base-url configured: the sandbox serves Expandable").isNotNull();
            for (String name : List.of("contact-update.json", "contacts.ndjson", "fan-out.json",
                    "customer-update.json")) {
                relay.drop(name, Files.readString(Path.of("examples", name)));
                relay.awaitDone(name);
            }
            relay.awaitSettled(Duration.ofSeconds(10));

            JsonNode juan = builtIn.contact("ABCCORP", "JHERNANDEZ");
            assertThat(juan.path("E_MAIL").asText()).as("fan-out.json came last").isEqualTo(
                    "juan.hernandez@abccorp.com");
            assertThat(juan.path("PHONE_NO").asText()).isEqualTo("+1 555 0110");
            assertThat(juan.path("CELL_PHONE_NO").asText()).isEqualTo("+1 555 0101");
            assertThat(juan.path("ZIP_CODE").asText()).isEqualTo("78701");
            assertThat(juan.path("SOFCT_USER_1").asText()).isEqualTo("gold");
            assertThat(builtIn.contact("ABCCORP", "MSMITH").path("TITLE").asText()).isEqualTo("Head of Purchasing");
            assertThat(builtIn.contact("XYZLTD", "PCHEN").path("CELL_PHONE_NO").asText()).isEqualTo("+44 20 7946 0000");
            assertThat(builtIn.updates()).isEqualTo(4);
            RpmSandbox rpm = relay.bean("rpmSandbox", RpmSandbox.class);
            assertThat(rpm.contact(1042, 77).at("/Contact/Email").asText()).isEqualTo("juan.hernandez@abccorp.com");
            assertThat(rpm.contact(1042, 77).at("/Contact/Title").asText()).isEqualTo("Buyer");
            SoliditechSandbox soliditech = relay.bean("soliditechSandbox", SoliditechSandbox.class);
            assertThat(soliditech.contact("10045", "3").path("contactLevel").asText()).isEqualTo("Primary");
            assertThat(soliditech.customer("10045").at("/businessDetails/businessName").asText())
                    .isEqualTo("Ana Lima");
            assertThat(soliditech.customer("10045").at("/physicalAddress/city").asText()).isEqualTo("Lisboa");
            SocialHubSandbox socialhub = relay.bean("socialhubSandbox", SocialHubSandbox.class);
            assertThat(socialhub.customer("C1001").path("email").asText()).isEqualTo("ana.lima@example.com");
            assertThat(socialhub.customer("C1001").path("address").asText()).isEqualTo("Rua A 1, Lisboa, PT");
            assertThat(socialhub.customer("C1001").path("gender").asInt()).isEqualTo(2);
            await().atMost(Duration.ofSeconds(5)).until(() -> relay.deadLetters().size() == 1);
            assertThat(relay.deadLetters().get(0).at("/error/message").asText())
                    .isEqualTo("targets.expandable.contactId is required");
        }
    }

    @Test
    void theDemoSyncJobSendsEveryRowOnceThenOnlyTheRowThatChanged(@TempDir Path dir) throws Exception {
        // the shipped demo job, reading a copy of its CSV file so that the test can change a row
        Path csv = dir.resolve("crm-contacts.csv");
        Files.copy(Path.of("examples/sync/crm-contacts.csv"), csv);
        String key = "demo-test-key";
        try (RelayHarness relay = new RelayHarness(dir.resolve("relay")).set("relay.sync.jobs", "demo")
                .set("relay.http.api-keys", key)
                // runs started by the test alone, not also by the demo's every-minute schedule
                .set("relay.sync.demo.schedule", "0 0 0 1 1 ? 2099")
                .set("relay.sync.demo.jdbc.query", "select * from CSVREAD('" + csv + "', null, 'charset=UTF-8')")
                .start()) {
            ExpandableSandbox expandable = relay.bean("expandableSandbox", ExpandableSandbox.class);
            JsonNode first = runDemo(relay, key, 1);
            assertThat(first.get("rowsRead").asInt()).isEqualTo(10);
            assertThat(first.get("changed").asInt()).isEqualTo(10);
            relay.awaitSettled(Duration.ofSeconds(20));
            assertThat(expandable.updates()).isEqualTo(10);
            JsonNode eva = expandable.contact("CEDARLTD", "EMULLER");
            assertThat(eva.path("FIRST_NAME").asText()).isEqualTo("Eva");
            assertThat(eva.path("LAST_NAME").asText()).isEqualTo("Müller");
            assertThat(eva.path("E_MAIL").asText()).isEqualTo("e.mueller@cedar.example");
            assertThat(eva.path("SOFCT_USER_1").asText()).isEqualTo("silver");

            Files.writeString(csv, Files.readString(csv).replace("e.mueller@cedar.example", "eva.mueller@cedar.example"));
            JsonNode second = runDemo(relay, key, 2);
            assertThat(second.get("changed").asInt()).isEqualTo(1);
            assertThat(second.get("unchanged").asInt()).isEqualTo(9);
            relay.awaitSettled(Duration.ofSeconds(20));
            assertThat(expandable.updates()).as("only the changed row is sent again").isEqualTo(11);
            assertThat(expandable.contact("CEDARLTD", "EMULLER").path("E_MAIL").asText())
                    .isEqualTo("eva.mueller@cedar.example");
            assertThat(relay.deadLetters()).isEmpty();
        }
    }

    private static JsonNode runDemo(RelayHarness relay, String key, int runs) throws Exception {
        assertThat(Http.send("POST", relay.apiUrl() + "/sync/demo/run", "", "X-API-Key", key).statusCode())
                .isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> Json.parse(Http.get(relay.apiUrl() + "/sync/demo",
                "X-API-Key", key).body()).get("completedRuns").asInt() == runs);
        return Json.parse(Http.get(relay.apiUrl() + "/sync/demo", "X-API-Key", key).body()).get("lastRun");
    }
}
