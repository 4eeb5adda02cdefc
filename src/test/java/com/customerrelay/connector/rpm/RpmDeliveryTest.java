package com.customerrelay.connector.rpm;

import com.customerrelay.core.Json;
import com.customerrelay.support.ClassWireMock;
import com.customerrelay.support.RelayTestKit;
import com.customerrelay.support.Settings;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Properties;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * RPM's CustomerContactEdit through read-merge-write, on Camel's test kit (camel-test-main-junit5 boots the real main
 * for each test): against WireMock for the contract, the built-in sandbox (which really clears what is not sent) for
 * behaviour. NotifyBuilder waits for the deliver-rpm route's attempts; each group of settings is a nested class.
 */
class RpmDeliveryTest {

    @RegisterExtension
    static final ClassWireMock RPM = new ClassWireMock();
    private static final RpmSandbox KEYED_SANDBOX = new RpmSandbox("rpm-key-1");

    @AfterAll
    static void stopVendors() {
        KEYED_SANDBOX.stop();
    }

    private static String request(String id, String keys, String data) {
        return "{\"id\":\"" + id + "\",\"kind\":\"contact\",\"targets\":{\"rpm\":" + keys + "},\"data\":" + data + "}";
    }

    private static JsonNode phone(JsonNode entry, int type) {
        for (JsonNode phone : entry.at("/Contact/PhoneNumbers")) {
            if (phone.path("Type").asInt() == type) {
                return phone;
            }
        }
        return Json.object();
    }

    @Nested
    class OnWireMock extends RelayTestKit {

        @Override
        protected void configure(Properties properties) {
            properties.setProperty("relay.vendors.rpm.base-url", RPM.baseUrl() + "/rpm/Api2.svc");
            properties.setProperty("relay.vendors.rpm.api-key", "rpm-key-1");
            properties.setProperty("relay.vendors.rpm.max-attempts", "3");
        }

        @BeforeEach
        void resetVendor() {
            RPM.resetAll();
        }

        @Test
        void contractReadsTheCustomerThenSendsTheWholeMergedContact() throws Exception {
            RPM.stubFor(post(urlEqualTo("/rpm/Api2.svc/Customer")).willReturn(okJson("""
                    {"Result":{"CustomerID":1042,"Name":"ABC Corp","Contacts":[
                      {"Contact":{"ContactID":76,"FirstName":"Other","LastName":"Person","PhoneNumbers":[]},"IsPrimary":true},
                      {"Contact":{"ContactID":77,"FirstName":"Juan","LastName":"Hernandez","Salutation":"Mr",
                        "Title":"Buyer","Email":"old@abccorp.com","PhoneNumbers":[
                          {"PhoneNumberID":501,"Type":1,"Number":"+1 555 0100"},
                          {"PhoneNumberID":502,"Type":2,"Number":"+1 555 0199"}]},"IsPrimary":false}]}}""")));
            RPM.stubFor(post(urlEqualTo("/rpm/Api2.svc/CustomerContactEdit"))
                    .willReturn(okJson("{\"Result\":{\"Contact\":{\"ContactID\":77}}}")));

            dropAndAwaitAttempts("rpm", 1, "rpm.json", request("rpm-1", "{\"customerId\":1042,\"contactId\":77}",
                    "{\"email\":\"juan@abccorp.com\",\"phones\":{\"business\":\"+1 555 0111\",\"fax\":\"+1 555 0112\","
                            + "\"mobile\":\"+1 555 0113\"}}"));

            awaitDelivered("rpm", 1);
            var reads = RPM.findAll(postRequestedFor(urlEqualTo("/rpm/Api2.svc/Customer")));
            assertThat(reads).hasSize(1);
            assertThat(reads.get(0).getHeader("RpmApiKey")).isEqualTo("rpm-key-1");
            assertThat(Json.parse(reads.get(0).getBodyAsString())).isEqualTo(Json.parse("{\"CustomerID\":1042}"));
            var edits = RPM.findAll(postRequestedFor(urlEqualTo("/rpm/Api2.svc/CustomerContactEdit"))
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
        void theDailyLimitIsRetriedThenExhausted() throws Exception {
            RPM.stubFor(post(urlEqualTo("/rpm/Api2.svc/Customer"))
                    .willReturn(okJson("{\"Result\":{\"Error\":{\"Message\":\"API daily limit reached\"}}}")));

            dropAndAwaitAttempts("rpm", 3, "limit.json",
                    request("rpm-9", "{\"customerId\":1042,\"contactId\":77}", "{\"title\":\"x\"}"));

            JsonNode letter = awaitDeadLetters(1).get(0);
            assertThat(letter.path("reason").asText()).isEqualTo("exhausted");
            assertThat(letter.path("attempts").asInt()).isEqualTo(3);
            assertThat(letter.at("/error/vendorMessage").asText()).isEqualTo("API daily limit reached");
            assertThat(RPM.findAll(postRequestedFor(urlEqualTo("/rpm/Api2.svc/Customer")))).hasSize(3);
        }
    }

    @Nested
    @Settings("relay.vendors.rpm.api-key=rpm-key-1")
    class OnTheBuiltInSandbox extends RelayTestKit {

        RpmSandbox sandbox() {
            return context.getRegistry().lookupByNameAndType("rpmSandbox", RpmSandbox.class);
        }

        @Test
        void anEmailOnlyChangeAgainstTheClearingSandboxKeepsTitleSalutationAndPhones() throws Exception {
            RpmSandbox sandbox = sandbox();
            JsonNode before = sandbox.contact(1042, 77).get("Contact");

            dropAndAwaitAttempts("rpm", 1, "email.json", request("rpm-2", "{\"customerId\":1042,\"contactId\":77}",
                    "{\"email\":\"juan.h@abccorp.com\"}"));

            awaitDelivered("rpm", 1);
            JsonNode after = sandbox.contact(1042, 77).get("Contact");
            assertThat(after.path("Email").asText()).isEqualTo("juan.h@abccorp.com");
            assertThat(after.path("Title").asText()).isEqualTo("Buyer");
            assertThat(after.path("Salutation").asText()).isEqualTo("Mr");
            assertThat(after.path("FirstName").asText()).isEqualTo("Juan");
            assertThat(after.path("PhoneNumbers")).isEqualTo(before.path("PhoneNumbers"));
        }

        @Test
        void aPhoneChangeKeepsTheExistingPhoneNumberId() throws Exception {
            RpmSandbox sandbox = sandbox();
            long businessId = phone(sandbox.contact(1042, 77), 1).path("PhoneNumberID").asLong();

            dropAndAwaitAttempts("rpm", 1, "phone.json", request("rpm-3", "{\"customerId\":1042,\"contactId\":77}",
                    "{\"phones\":{\"business\":\"+1 555 7777\",\"other\":\"+1 555 8888\"}}"));

            awaitDelivered("rpm", 1);
            JsonNode contact = sandbox.contact(1042, 77);
            assertThat(phone(contact, 1).path("PhoneNumberID").asLong()).isEqualTo(businessId);
            assertThat(phone(contact, 1).path("Number").asText()).isEqualTo("+1 555 7777");
            assertThat(phone(contact, 6).path("Number").asText()).isEqualTo("+1 555 8888");
            assertThat(contact.at("/Contact/PhoneNumbers")).hasSize(3);
            assertThat(contact.at("/Contact/Title").asText()).isEqualTo("Buyer");
        }

        @Test
        void primaryTrueMakesTheContactPrimary() throws Exception {
            RpmSandbox sandbox = sandbox();

            dropAndAwaitAttempts("rpm", 1, "primary.json",
                    request("rpm-4", "{\"customerId\":1042,\"contactId\":77,\"primary\":true}",
                    "{\"title\":\"Head Buyer\"}"));

            awaitDelivered("rpm", 1);
            assertThat(sandbox.contact(1042, 77).path("IsPrimary").asBoolean()).isTrue();
            assertThat(sandbox.contact(1042, 78).path("IsPrimary").asBoolean()).isFalse();
        }

        @Test
        void demotingThePrimaryContactIsRejectedWithoutRetry() throws Exception {
            RpmSandbox sandbox = sandbox();

            dropAndAwaitAttempts("rpm", 1, "demote.json",
                    request("rpm-5", "{\"customerId\":1042,\"contactId\":78,\"primary\":false}",
                    "{\"title\":\"CFO\"}"));

            JsonNode letter = awaitDeadLetters(1).get(0);
            assertThat(letter.path("vendor").asText()).isEqualTo("rpm");
            assertThat(letter.path("reason").asText()).isEqualTo("rejected");
            assertThat(letter.path("attempts").asInt()).isEqualTo(1);
            assertThat(letter.at("/error/message").asText()).isEqualTo("RPM cannot demote a primary contact: contact 78 "
                    + "is the primary contact of customer 1042 and targets.rpm.primary is false");
            assertThat(sandbox.edits()).isZero();
            assertThat(sandbox.contact(1042, 78).path("IsPrimary").asBoolean()).isTrue();
        }

        @Test
        void anUnknownContactIsRejectedWithoutRetry() throws Exception {
            RpmSandbox sandbox = sandbox();

            dropAndAwaitAttempts("rpm", 1, "unknown.json",
                    request("rpm-6", "{\"customerId\":1042,\"contactId\":999}", "{\"title\":\"x\"}")
                    + "\n");

            JsonNode letter = awaitDeadLetters(1).get(0);
            assertThat(letter.path("reason").asText()).isEqualTo("rejected");
            assertThat(letter.path("attempts").asInt()).isEqualTo(1);
            assertThat(letter.at("/error/message").asText()).isEqualTo("RPM customer 1042 has no contact 999");
            assertThat(letter.at("/error/vendorMessage").asText()).isEqualTo("Contact not found");
            assertThat(sandbox.edits()).isZero();
        }

        @Test
        void anUnknownCustomerIsRejectedWithRpmsText() throws Exception {
            dropAndAwaitAttempts("rpm", 1, "nocustomer.json",
                    request("rpm-7", "{\"customerId\":5,\"contactId\":1}", "{\"title\":\"x\"}"));

            JsonNode letter = awaitDeadLetters(1).get(0);
            assertThat(letter.path("reason").asText()).isEqualTo("rejected");
            assertThat(letter.at("/error/message").asText()).isEqualTo("RPM Customer failed: Customer not found");
            assertThat(letter.at("/error/vendorMessage").asText()).isEqualTo("Customer not found");
        }
    }

    @Nested
    class WithAWrongApiKey extends RelayTestKit {

        @Override
        protected void configure(Properties properties) {
            properties.setProperty("relay.vendors.rpm.base-url", KEYED_SANDBOX.baseUrl());
            properties.setProperty("relay.vendors.rpm.api-key", "wrong-key");
        }

        @Test
        void aWrongApiKeyIsRejectedWithAPointerToTheSetting() throws Exception {
            dropAndAwaitAttempts("rpm", 1, "key.json",
                    request("rpm-8", "{\"customerId\":1042,\"contactId\":77}", "{\"title\":\"x\"}"));

            JsonNode letter = awaitDeadLetters(1).get(0);
            assertThat(letter.path("reason").asText()).isEqualTo("rejected");
            assertThat(letter.path("attempts").asInt()).isEqualTo(1);
            assertThat(letter.at("/error/message").asText())
                    .isEqualTo("RPM Customer failed: Valid key required — check relay.vendors.rpm.api-key");
            assertThat(KEYED_SANDBOX.edits()).isZero();
        }
    }
}
