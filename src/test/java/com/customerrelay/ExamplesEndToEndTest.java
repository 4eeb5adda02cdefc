package com.customerrelay;

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
}
