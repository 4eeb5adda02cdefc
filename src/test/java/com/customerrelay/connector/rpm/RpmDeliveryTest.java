package com.customerrelay.connector.rpm;

import com.customerrelay.core.Json;
import com.customerrelay.support.RelayHarness;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** RPM's CustomerContactEdit through read-merge-write: against WireMock for the contract, the sandbox for behaviour. */
class RpmDeliveryTest {

    @TempDir
    Path dir;
    RelayHarness relay;
    WireMockServer rpm;

    @AfterEach
    void tearDown() {
        if (relay != null) {
            relay.close();
        }
        if (rpm != null) {
            rpm.stop();
        }
    }

    private static String request(String id, String keys, String data) {
        return "{\"id\":\"" + id + "\",\"kind\":\"contact\",\"targets\":{\"rpm\":" + keys + "},\"data\":" + data + "}";
    }

    private RpmSandbox sandboxRelay() {
        relay = new RelayHarness(dir).set("relay.vendors.rpm.api-key", "rpm-key-1").start();
        return relay.bean("rpmSandbox", RpmSandbox.class);
    }

    @Test
    void contractReadsTheCustomerThenSendsTheWholeMergedContact() throws Exception {
        rpm = new WireMockServer(options().dynamicPort());
        rpm.start();
        rpm.stubFor(post(urlEqualTo("/rpm/Api2.svc/Customer")).willReturn(okJson("""
                {"Result":{"CustomerID":1042,"Name":"ABC Corp","Contacts":[
                  {"Contact":{"ContactID":76,"FirstName":"Other","LastName":"Person","PhoneNumbers":[]},"IsPrimary":true},
                  {"Contact":{"ContactID":77,"FirstName":"Juan","LastName":"Hernandez","Salutation":"Mr",
                    "Title":"Buyer","Email":"old@abccorp.com","PhoneNumbers":[
                      {"PhoneNumberID":501,"Type":1,"Number":"+1 555 0100"},
                      {"PhoneNumberID":502,"Type":2,"Number":"+1 555 0199"}]},"IsPrimary":false}]}}""")));
        rpm.stubFor(post(urlEqualTo("/rpm/Api2.svc/CustomerContactEdit"))
                .willReturn(okJson("{\"Result\":{\"Contact\":{\"ContactID\":77}}}")));
        relay = new RelayHarness(dir).set("relay.vendors.rpm.base-url", rpm.baseUrl() + "/rpm/Api2.svc")
                .set("relay.vendors.rpm.api-key", "rpm-key-1").start();

        relay.drop("rpm.json", request("rpm-1", "{\"customerId\":1042,\"contactId\":77}",
                "{\"email\":\"juan@abccorp.com\",\"phones\":{\"business\":\"+1 555 0111\",\"fax\":\"+1 555 0112\","
                        + "\"mobile\":\"+1 555 0113\"}}"));

        await().atMost(Duration.ofSeconds(10)).until(() -> relay.store().count("DELIVERED", "rpm") == 1);
        var reads = rpm.findAll(postRequestedFor(urlEqualTo("/rpm/Api2.svc/Customer")));
        assertThat(reads).hasSize(1);
        assertThat(reads.get(0).getHeader("RpmApiKey")).isEqualTo("rpm-key-1");
        assertThat(Json.parse(reads.get(0).getBodyAsString())).isEqualTo(Json.parse("{\"CustomerID\":1042}"));
        var edits = rpm.findAll(postRequestedFor(urlEqualTo("/rpm/Api2.svc/CustomerContactEdit"))
                .withHeader("RpmApiKey", equalTo("rpm-key-1")));
        assertThat(edits).hasSize(1);
        assertThat(Json.parse(edits.get(0).getBodyAsString())).isEqualTo(Json.parse("""
                {"CustomerID":1042,"IsPrimary":false,"Contact":{"ContactID":77,"FirstName":"Juan",
                 "LastName":"Hernandez","Salutation":"Mr","Title":"Buyer","Email":"juan@abccorp.com",
                 "PhoneNumbers":[{"PhoneNumberID":501,"Type":1,"Number":"+1 555 0111"},
                                 {"PhoneNumberID":502,"Type":2,"Number":"+1 555 0199"},
                                 {"Type":3,"Number":"+1 555 0112"}]}}"""));
    }

    @Test
    void anEmailOnlyChangeAgainstTheClearingSandboxKeepsTitleSalutationAndPhones() {
        RpmSandbox sandbox = sandboxRelay();
        JsonNode before = sandbox.contact(1042, 77).get("Contact");

        relay.drop("email.json", request("rpm-2", "{\"customerId\":1042,\"contactId\":77}",
                "{\"email\":\"juan.h@abccorp.com\"}"));

        await().atMost(Duration.ofSeconds(10)).until(() -> relay.store().count("DELIVERED", "rpm") == 1);
        JsonNode after = sandbox.contact(1042, 77).get("Contact");
        assertThat(after.path("Email").asText()).isEqualTo("juan.h@abccorp.com");
        assertThat(after.path("Title").asText()).isEqualTo("Buyer");
        assertThat(after.path("Salutation").asText()).isEqualTo("Mr");
        assertThat(after.path("FirstName").asText()).isEqualTo("Juan");
        assertThat(after.path("PhoneNumbers")).isEqualTo(before.path("PhoneNumbers"));
    }

    @Test
    void aPhoneChangeKeepsTheExistingPhoneNumberId() {
        RpmSandbox sandbox = sandboxRelay();
        long businessId = phone(sandbox.contact(1042, 77), 1).path("PhoneNumberID").asLong();

        relay.drop("phone.json", request("rpm-3", "{\"customerId\":1042,\"contactId\":77}",
                "{\"phones\":{\"business\":\"+1 555 7777\",\"other\":\"+1 555 8888\"}}"));

        await().atMost(Duration.ofSeconds(10)).until(() -> relay.store().count("DELIVERED", "rpm") == 1);
        JsonNode contact = sandbox.contact(1042, 77);
        assertThat(phone(contact, 1).path("PhoneNumberID").asLong()).isEqualTo(businessId);
        assertThat(phone(contact, 1).path("Number").asText()).isEqualTo("+1 555 7777");
        assertThat(phone(contact, 6).path("Number").asText()).isEqualTo("+1 555 8888");
        assertThat(contact.at("/Contact/PhoneNumbers")).hasSize(3);
        assertThat(contact.at("/Contact/Title").asText()).isEqualTo("Buyer");
    }

    @Test
    void primaryTrueMakesTheContactPrimary() {
        RpmSandbox sandbox = sandboxRelay();

        relay.drop("primary.json", request("rpm-4", "{\"customerId\":1042,\"contactId\":77,\"primary\":true}",
                "{\"title\":\"Head Buyer\"}"));

        await().atMost(Duration.ofSeconds(10)).until(() -> relay.store().count("DELIVERED", "rpm") == 1);
        assertThat(sandbox.contact(1042, 77).path("IsPrimary").asBoolean()).isTrue();
        assertThat(sandbox.contact(1042, 78).path("IsPrimary").asBoolean()).isFalse();
    }

    @Test
    void demotingThePrimaryContactIsRejectedWithoutRetry() {
        RpmSandbox sandbox = sandboxRelay();

        relay.drop("demote.json", request("rpm-5", "{\"customerId\":1042,\"contactId\":78,\"primary\":false}",
                "{\"title\":\"CFO\"}"));

        await().atMost(Duration.ofSeconds(10)).until(() -> relay.deadLetters().size() == 1);
        JsonNode letter = relay.deadLetters().get(0);
        assertThat(letter.path("vendor").asText()).isEqualTo("rpm");
        assertThat(letter.path("reason").asText()).isEqualTo("rejected");
        assertThat(letter.path("attempts").asInt()).isEqualTo(1);
        assertThat(letter.at("/error/message").asText()).isEqualTo("RPM cannot demote a primary contact: contact 78 "
                + "is the primary contact of customer 1042 and targets.rpm.primary is false");
        assertThat(sandbox.edits()).isZero();
        assertThat(sandbox.contact(1042, 78).path("IsPrimary").asBoolean()).isTrue();
    }

    @Test
    void anUnknownContactIsRejectedWithoutRetry() {
        RpmSandbox sandbox = sandboxRelay();

        relay.drop("unknown.json", request("rpm-6", "{\"customerId\":1042,\"contactId\":999}", "{\"title\":\"x\"}")
                + "\n");

        await().atMost(Duration.ofSeconds(10)).until(() -> relay.deadLetters().size() == 1);
        JsonNode letter = relay.deadLetters().get(0);
        assertThat(letter.path("reason").asText()).isEqualTo("rejected");
        assertThat(letter.path("attempts").asInt()).isEqualTo(1);
        assertThat(letter.at("/error/message").asText()).isEqualTo("RPM customer 1042 has no contact 999");
        assertThat(letter.at("/error/vendorMessage").asText()).isEqualTo("Contact not found");
        assertThat(sandbox.edits()).isZero();
    }

    @Test
    void anUnknownCustomerIsRejectedWithRpmsText() {
        sandboxRelay();

        relay.drop("nocustomer.json", request("rpm-7", "{\"customerId\":5,\"contactId\":1}", "{\"title\":\"x\"}"));

        await().atMost(Duration.ofSeconds(10)).until(() -> relay.deadLetters().size() == 1);
        JsonNode letter = relay.deadLetters().get(0);
        assertThat(letter.path("reason").asText()).isEqualTo("rejected");
        assertThat(letter.at("/error/message").asText()).isEqualTo("RPM Customer failed: Customer not found");
        assertThat(letter.at("/error/vendorMessage").asText()).isEqualTo("Customer not found");
    }

    @Test
    void aWrongApiKeyIsRejectedWithAPointerToTheSetting() {
        RpmSandbox sandbox = new RpmSandbox("rpm-key-1");
        try {
            relay = new RelayHarness(dir).set("relay.vendors.rpm.base-url", sandbox.baseUrl())
                    .set("relay.vendors.rpm.api-key", "wrong-key").start();
            relay.drop("key.json", request("rpm-8", "{\"customerId\":1042,\"contactId\":77}", "{\"title\":\"x\"}"));

            await().atMost(Duration.ofSeconds(10)).until(() -> relay.deadLetters().size() == 1);
            JsonNode letter = relay.deadLetters().get(0);
            assertThat(letter.path("reason").asText()).isEqualTo("rejected");
            assertThat(letter.path("attempts").asInt()).isEqualTo(1);
            assertThat(letter.at("/error/message").asText())
                    .isEqualTo("RPM Customer failed: Valid key required — check relay.vendors.rpm.api-key");
            assertThat(sandbox.edits()).isZero();
        } finally {
            sandbox.stop();
        }
    }

    @Test
    void theDailyLimitIsRetriedThenExhausted() {
        rpm = new WireMockServer(options().dynamicPort());
        rpm.start();
        rpm.stubFor(post(urlEqualTo("/rpm/Api2.svc/Customer"))
                .willReturn(okJson("{\"Result\":{\"Error\":{\"Message\":\"API daily limit reached\"}}}")));
        relay = new RelayHarness(dir).set("relay.vendors.rpm.base-url", rpm.baseUrl() + "/rpm/Api2.svc")
                .set("relay.vendors.rpm.max-attempts", "3").start();

        relay.drop("limit.json", request("rpm-9", "{\"customerId\":1042,\"contactId\":77}", "{\"title\":\"x\"}"));

        await().atMost(Duration.ofSeconds(10)).until(() -> relay.deadLetters().size() == 1);
        JsonNode letter = relay.deadLetters().get(0);
        assertThat(letter.path("reason").asText()).isEqualTo("exhausted");
        assertThat(letter.path("attempts").asInt()).isEqualTo(3);
        assertThat(letter.at("/error/vendorMessage").asText()).isEqualTo("API daily limit reached");
        assertThat(rpm.findAll(postRequestedFor(urlEqualTo("/rpm/Api2.svc/Customer")))).hasSize(3);
    }

    private static JsonNode phone(JsonNode entry, int type) {
        for (JsonNode phone : entry.at("/Contact/PhoneNumbers")) {
            if (phone.path("Type").asInt() == type) {
                return phone;
            }
        }
        return Json.object();
    }
}
