package com.customerrelay.connector.soliditech;

import com.customerrelay.core.Json;
import com.customerrelay.support.RelayHarness;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Soliditech's two operations: contract against WireMock, config-driven paths, result checking, the sandbox. */
class SoliditechDeliveryTest {

    @TempDir
    Path dir;
    RelayHarness relay;
    WireMockServer soliditech;

    @BeforeEach
    void setUp() {
        soliditech = new WireMockServer(options().dynamicPort());
        soliditech.start();
    }

    @AfterEach
    void tearDown() {
        if (relay != null) {
            relay.close();
        }
        soliditech.stop();
    }

    private RelayHarness relay() {
        return new RelayHarness(dir).set("relay.vendors.soliditech.base-url", soliditech.baseUrl() + "/api")
                .set("relay.vendors.soliditech.api-key", "sol-key-1");
    }

    @Test
    void updateCustomerContactContract() throws Exception {
        soliditech.stubFor(put(anyUrl()).willReturn(okJson("{\"result\":{\"contactId\":\"3\"}}")));
        relay = relay().start();

        relay.drop("c.json", """
                {"id":"sol-1","kind":"contact","targets":{"soliditech":{"accountId":"10045","contactId":"3"}},
                 "data":{"firstName":"Juan","lastName":"Hernandez","initial":"J","salutation":"Mr","title":"Buyer",
                  "email":"j@abccorp.com","phones":{"business":"1","home":"2","mobile":"3","fax":"4","pager":"5"},
                  "contactType":"Billing","contactLevel":"primary","decisionMaker":true,
                  "preferences":{"newsletter":false,"invoices":true},"notes":"not for soliditech"},
                 "vendorFields":{"soliditech":{"department":"Purchasing"}}}""");

        await().atMost(Duration.ofSeconds(10)).until(() -> relay.store().count("DELIVERED", "soliditech") == 1);
        var calls = soliditech.findAll(putRequestedFor(urlEqualTo("/api/customers/10045/contacts/3")));
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).getHeader("X-API-Key")).isEqualTo("sol-key-1");
        assertThat(calls.get(0).getHeader("Content-Type")).startsWith("application/json");
        assertThat(Json.parse(calls.get(0).getBodyAsString())).isEqualTo(Json.parse("""
                {"firstName":"Juan","lastName":"Hernandez","initials":"J","title":"Mr","jobTitle":"Buyer",
                 "email":"j@abccorp.com","workPhone":"1","homePhone":"2","cellPhone":"3","fax":"4",
                 "contactType":"Billing","contactLevel":"Primary","isDecisionMaker":true,
                 "sendNewsletter":false,"sendInvoices":true,"department":"Purchasing"}"""));
    }

    @Test
    void updateCustomerContractNestsTheGroups() throws Exception {
        soliditech.stubFor(put(anyUrl()).willReturn(okJson("{\"result\":{}}")));
        relay = relay().start();

        relay.drop("c.json", """
                {"id":"sol-2","kind":"customer","targets":{"soliditech":{"accountId":"10045"}},
                 "data":{"name":"ABC Corp","email":"billing@abccorp.com","language":"en","accountUse":"Business",
                  "accountClass":"Gold","taxType":"VAT","priceListId":12,"invoiceCycleType":"Monthly","dealer":"D1",
                  "ticketCenter":"TC","salesManager":"Kim",
                  "address":{"line1":"1 Main St","city":"Austin","state":"TX","postalCode":"78701","country":"US"},
                  "postalAddress":{"line1":"PO Box 9","city":"Austin"},
                  "business":{"idNumberType":"EIN","idNumber":"12-345","vatNumber":"V1","phone":"+1 555"},
                  "primaryContact":{"salutation":"Ms","firstName":"Mary","lastName":"Smith","title":"CFO",
                   "phone":"+1 556","fax":null},
                  "gender":"female"}}""");

        await().atMost(Duration.ofSeconds(10)).until(() -> relay.store().count("DELIVERED", "soliditech") == 1);
        var calls = soliditech.findAll(putRequestedFor(urlEqualTo("/api/customers/10045")));
        assertThat(calls).hasSize(1);
        assertThat(Json.parse(calls.get(0).getBodyAsString())).isEqualTo(Json.parse("""
                {"businessDetails":{"businessName":"ABC Corp","idNumberType":"EIN","idNumber":"12-345",
                   "vatNumber":"V1","phoneNumber":"+1 555"},
                 "primaryContact":{"email":"billing@abccorp.com","title":"Ms","firstName":"Mary","lastName":"Smith",
                   "jobTitle":"CFO","phoneNumber":"+1 556","fax":null},
                 "preferredLanguage":"en","accountUse":"Business","accountClass":"Gold","taxType":"VAT",
                 "priceListId":12,"invoiceCycleType":"Monthly","dealer":"D1","ticketCenter":"TC","salesManager":"Kim",
                 "physicalAddress":{"line1":"1 Main St","city":"Austin","province":"TX","postalCode":"78701",
                   "country":"US"},
                 "postalAddress":{"line1":"PO Box 9","city":"Austin"}}"""));
    }

    @Test
    void methodPathsAndKeyHeaderComeFromConfig() throws Exception {
        soliditech.stubFor(post(anyUrl()).willReturn(okJson("{\"result\":{}}")));
        relay = relay().set("relay.vendors.soliditech.method", "POST")
                .set("relay.vendors.soliditech.customer-path", "/v2/accounts/{accountId}/update")
                .set("relay.vendors.soliditech.contact-path", "/v2/accounts/{accountId}/people/{contactId}")
                .set("relay.vendors.soliditech.api-key-header", "Api-Token").start();

        relay.drop("c.ndjson", "{\"id\":\"sol-3\",\"kind\":\"customer\",\"targets\":{\"soliditech\":{\"accountId\":"
                + "\"A 1\"}},\"data\":{\"taxType\":\"VAT\"}}\n{\"id\":\"sol-4\",\"kind\":\"contact\",\"targets\":"
                + "{\"soliditech\":{\"accountId\":\"A 1\",\"contactId\":\"7\"}},\"data\":{\"email\":\"p@x.com\"}}\n");

        await().atMost(Duration.ofSeconds(10)).until(() -> relay.store().count("DELIVERED", "soliditech") == 2);
        var customer = soliditech.findAll(postRequestedFor(urlEqualTo("/api/v2/accounts/A%201/update")));
        var contact = soliditech.findAll(postRequestedFor(urlEqualTo("/api/v2/accounts/A%201/people/7")));
        assertThat(customer).hasSize(1);
        assertThat(contact).hasSize(1);
        assertThat(customer.get(0).getHeader("Api-Token")).isEqualTo("sol-key-1");
        assertThat(customer.get(0).containsHeader("X-API-Key")).isFalse();
        assertThat(Json.parse(contact.get(0).getBodyAsString())).isEqualTo(Json.parse("{\"email\":\"p@x.com\"}"));
    }

    @Test
    void aSuccessWithoutResultOrWithAnErrorIsAFailure() {
        soliditech.stubFor(put(urlEqualTo("/api/customers/1")).willReturn(okJson("{\"status\":\"ok\"}")));
        soliditech.stubFor(put(urlEqualTo("/api/customers/2"))
                .willReturn(okJson("{\"result\":{\"error\":\"Invalid tax type\"}}")));
        relay = relay().start();

        relay.drop("c.ndjson", "{\"id\":\"sol-5\",\"kind\":\"customer\",\"targets\":{\"soliditech\":{\"accountId\":"
                + "\"1\"}},\"data\":{\"taxType\":\"VAT\"}}\n{\"id\":\"sol-6\",\"kind\":\"customer\",\"targets\":"
                + "{\"soliditech\":{\"accountId\":\"2\"}},\"data\":{\"taxType\":\"XXX\"}}\n");

        await().atMost(Duration.ofSeconds(10)).until(() -> relay.deadLetters().size() == 2);
        assertThat(relay.deadLetters()).extracting(l -> l.at("/error/message").asText()).containsExactlyInAnyOrder(
                "Soliditech answered 200 without a result",
                "Soliditech answered 200 with an error: Invalid tax type");
        assertThat(relay.deadLetters()).allSatisfy(l -> assertThat(l.path("reason").asText()).isEqualTo("rejected"));
    }

    @Test
    void nestedVendorFieldsAreInvalidAndNameTheMember() {
        relay = relay().start();

        relay.drop("c.json", "{\"id\":\"sol-7\",\"kind\":\"customer\",\"targets\":{\"soliditech\":{\"accountId\":"
                + "\"10045\"}},\"vendorFields\":{\"soliditech\":{\"taxType\":\"VAT\",\"billing\":{\"cycle\":1}}}}");

        await().atMost(Duration.ofSeconds(10)).until(() -> relay.deadLetters().size() == 1);
        JsonNode letter = relay.deadLetters().get(0);
        assertThat(letter.path("vendor").asText()).isEqualTo("soliditech");
        assertThat(letter.path("reason").asText()).isEqualTo("invalid");
        assertThat(letter.at("/error/message").asText())
                .isEqualTo("vendorFields.soliditech must be a flat object: billing is an object");
        assertThat(soliditech.getAllServeEvents()).isEmpty();
    }

    @Test
    void theSandboxMergesUpdatesAndChecksTheKey() {
        relay = new RelayHarness(dir).set("relay.vendors.soliditech.api-key", "sol-key-1").start();
        SoliditechSandbox sandbox = relay.bean("soliditechSandbox", SoliditechSandbox.class);

        relay.drop("c.ndjson", "{\"id\":\"sol-8\",\"kind\":\"customer\",\"targets\":{\"soliditech\":{\"accountId\":"
                + "\"10045\"}},\"data\":{\"primaryContact\":{\"phone\":\"+1 555\"}}}\n{\"id\":\"sol-9\",\"kind\":"
                + "\"contact\",\"targets\":{\"soliditech\":{\"accountId\":\"10045\",\"contactId\":\"3\"}},\"data\":"
                + "{\"contactLevel\":\"primary\",\"preferences\":{\"newsletter\":true}}}\n");

        await().atMost(Duration.ofSeconds(10)).until(() -> relay.store().count("DELIVERED", "soliditech") == 2);
        JsonNode customer = sandbox.customer("10045");
        assertThat(customer.at("/primaryContact/phoneNumber").asText()).isEqualTo("+1 555");
        assertThat(customer.at("/primaryContact/firstName").asText()).as("untouched").isEqualTo("Juan");
        JsonNode contact = sandbox.contact("10045", "3");
        assertThat(contact.path("contactLevel").asText()).isEqualTo("Primary");
        assertThat(contact.path("sendNewsletter").asBoolean()).isTrue();
    }
}
