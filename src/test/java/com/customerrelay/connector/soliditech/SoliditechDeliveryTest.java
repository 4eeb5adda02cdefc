package com.customerrelay.connector.soliditech;

import com.customerrelay.core.Json;
import com.customerrelay.support.ClassWireMock;
import com.customerrelay.support.RelayTestKit;
import com.customerrelay.support.Settings;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Soliditech's two operations on Camel's test kit (camel-test-main-junit5 boots the real main for each test): the
 * contract against WireMock, config-driven method, paths and key header, result checking, and the sandbox.
 * NotifyBuilder waits for the deliver-soliditech route's attempts; each group of settings is a nested class.
 */
class SoliditechDeliveryTest {

    @RegisterExtension
    static final ClassWireMock SOLIDITECH = new ClassWireMock();

    /** The relay on the test kit, delivering to the WireMock Soliditech; {@link #more} adds a group's settings. */
    abstract static class OnWireMock extends RelayTestKit {

        @Override
        protected void configure(Properties properties) {
            properties.setProperty("relay.vendors.soliditech.base-url", SOLIDITECH.baseUrl() + "/api");
            properties.setProperty("relay.vendors.soliditech.api-key", "sol-key-1");
            more(properties);
        }

        void more(Properties properties) {
        }

        @BeforeEach
        void resetVendor() {
            SOLIDITECH.resetAll();
        }
    }

    @Nested
    class WithDefaults extends OnWireMock {

        @Test
        void updateCustomerContactContract() throws Exception {
            SOLIDITECH.stubFor(put(anyUrl()).willReturn(okJson("{\"result\":{\"contactId\":\"3\"}}")));

            dropAndAwaitAttempts("soliditech", 1, "c.json", """
                    {"id":"sol-1","kind":"contact","targets":{"soliditech":{"accountId":"10045","contactId":"3"}},
                     "data":{"firstName":"Juan","lastName":"Hernandez","initial":"J","salutation":"Mr","title":"Buyer",
                      "email":"j@abccorp.com","phones":{"business":"1","home":"2","mobile":"3","fax":"4","pager":"5"},
                      "contactType":"Billing","contactLevel":"primary","decisionMaker":true,
                      "preferences":{"newsletter":false,"invoices":true},"notes":"not for soliditech"},
                     "vendorFields":{"soliditech":{"department":"Purchasing"}}}""");

            awaitDelivered("soliditech", 1);
            var calls = SOLIDITECH.findAll(putRequestedFor(urlEqualTo("/api/customers/10045/contacts/3")));
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
            SOLIDITECH.stubFor(put(anyUrl()).willReturn(okJson("{\"result\":{}}")));

            dropAndAwaitAttempts("soliditech", 1, "c.json", """
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

            awaitDelivered("soliditech", 1);
            var calls = SOLIDITECH.findAll(putRequestedFor(urlEqualTo("/api/customers/10045")));
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
        void aSuccessWithoutResultOrWithAnErrorIsAFailure() throws Exception {
            SOLIDITECH.stubFor(put(urlEqualTo("/api/customers/1")).willReturn(okJson("{\"status\":\"ok\"}")));
            SOLIDITECH.stubFor(put(urlEqualTo("/api/customers/2"))
                    .willReturn(okJson("{\"result\":{\"error\":\"Invalid tax type\"}}")));

            dropAndAwaitAttempts("soliditech", 2, "c.ndjson",
                    "{\"id\":\"sol-5\",\"kind\":\"customer\",\"targets\":{\"soliditech\":{\"accountId\":"
                    + "\"1\"}},\"data\":{\"taxType\":\"VAT\"}}\n{\"id\":\"sol-6\",\"kind\":\"customer\",\"targets\":"
                    + "{\"soliditech\":{\"accountId\":\"2\"}},\"data\":{\"taxType\":\"XXX\"}}\n");

            awaitDeadLetters(2);
            assertThat(deadLetters()).extracting(l -> l.at("/error/message").asText()).containsExactlyInAnyOrder(
                    "Soliditech answered 200 without a result",
                    "Soliditech answered 200 with an error: Invalid tax type");
            assertThat(deadLetters()).allSatisfy(l -> assertThat(l.path("reason").asText()).isEqualTo("rejected"));
        }

        @Test
        void nestedVendorFieldsAreInvalidAndNameTheMember() throws Exception {

            NotifyBuilder read = new NotifyBuilder(context).fromRoute("file-intake").whenCompleted(1).create();
            drop("c.json", "{\"id\":\"sol-7\",\"kind\":\"customer\",\"targets\":{\"soliditech\":{\"accountId\":"
                    + "\"10045\"}},\"vendorFields\":{\"soliditech\":{\"taxType\":\"VAT\",\"billing\":{\"cycle\":1}}}}");

            assertThat(read.matches(20, TimeUnit.SECONDS)).as("the file was read").isTrue();
            JsonNode letter = awaitDeadLetters(1).get(0);
            assertThat(letter.path("vendor").asText()).isEqualTo("soliditech");
            assertThat(letter.path("reason").asText()).isEqualTo("invalid");
            assertThat(letter.at("/error/message").asText())
                    .isEqualTo("vendorFields.soliditech must be a flat object: billing is an object");
            assertThat(SOLIDITECH.getAllServeEvents()).isEmpty();
        }
    }

    @Nested
    @Settings({
            "relay.vendors.soliditech.method=POST",
            "relay.vendors.soliditech.customer-path=/v2/accounts/{accountId}/update",
            "relay.vendors.soliditech.contact-path=/v2/accounts/{accountId}/people/{contactId}",
            "relay.vendors.soliditech.api-key-header=Api-Token"
    })
    class WithOtherMethodPathsAndHeader extends OnWireMock {

        @Test
        void methodPathsAndKeyHeaderComeFromConfig() throws Exception {
            SOLIDITECH.stubFor(post(anyUrl()).willReturn(okJson("{\"result\":{}}")));

            dropAndAwaitAttempts("soliditech", 2, "c.ndjson",
                    "{\"id\":\"sol-3\",\"kind\":\"customer\",\"targets\":{\"soliditech\":{\"accountId\":"
                    + "\"A 1\"}},\"data\":{\"taxType\":\"VAT\"}}\n{\"id\":\"sol-4\",\"kind\":\"contact\",\"targets\":"
                    + "{\"soliditech\":{\"accountId\":\"A 1\",\"contactId\":\"7\"}},\"data\":{\"email\":\"p@x.com\"}}\n");

            awaitDelivered("soliditech", 2);
            var customer = SOLIDITECH.findAll(postRequestedFor(urlEqualTo("/api/v2/accounts/A%201/update")));
            var contact = SOLIDITECH.findAll(postRequestedFor(urlEqualTo("/api/v2/accounts/A%201/people/7")));
            assertThat(customer).hasSize(1);
            assertThat(contact).hasSize(1);
            assertThat(customer.get(0).getHeader("Api-Token")).isEqualTo("sol-key-1");
            assertThat(customer.get(0).containsHeader("X-API-Key")).isFalse();
            assertThat(Json.parse(contact.get(0).getBodyAsString())).isEqualTo(Json.parse("{\"email\":\"p@x.com\"}"));
        }
    }

    @Nested
    @Settings({"relay.vendors.soliditech.method= ", "relay.vendors.soliditech.customer-path= "})
    class WithBlankMethodAndPath extends OnWireMock {

        @Test
        void aBlankSettingMeansItsDefault() throws Exception {
            SOLIDITECH.stubFor(put(anyUrl()).willReturn(okJson("{\"result\":{}}")));

            dropAndAwaitAttempts("soliditech", 1, "blank.json", "{\"id\":\"sol-5\",\"kind\":\"customer\","
                    + "\"targets\":{\"soliditech\":{\"accountId\":\"10046\"}},\"data\":{\"taxType\":\"VAT\"}}");

            awaitDelivered("soliditech", 1);
            assertThat(SOLIDITECH.findAll(putRequestedFor(urlEqualTo("/api/customers/10046")))).hasSize(1);
        }
    }

    @Nested
    @Settings("relay.vendors.soliditech.api-key=sol-key-1")
    class OnTheBuiltInSandbox extends RelayTestKit {

        @Test
        void theSandboxMergesUpdatesAndChecksTheKey() throws Exception {
            SoliditechSandbox sandbox = context.getRegistry().lookupByNameAndType("soliditechSandbox",
                    SoliditechSandbox.class);

            dropAndAwaitAttempts("soliditech", 2, "c.ndjson",
                    "{\"id\":\"sol-8\",\"kind\":\"customer\",\"targets\":{\"soliditech\":{\"accountId\":"
                    + "\"10045\"}},\"data\":{\"primaryContact\":{\"phone\":\"+1 555\"}}}\n{\"id\":\"sol-9\",\"kind\":"
                    + "\"contact\",\"targets\":{\"soliditech\":{\"accountId\":\"10045\",\"contactId\":\"3\"}},\"data\":"
                    + "{\"contactLevel\":\"primary\",\"preferences\":{\"newsletter\":true}}}\n");

            awaitDelivered("soliditech", 2);
            JsonNode customer = sandbox.customer("10045");
            assertThat(customer.at("/primaryContact/phoneNumber").asText()).isEqualTo("+1 555");
            assertThat(customer.at("/primaryContact/firstName").asText()).as("untouched").isEqualTo("Juan");
            JsonNode contact = sandbox.contact("10045", "3");
            assertThat(contact.path("contactLevel").asText()).isEqualTo("Primary");
            assertThat(contact.path("sendNewsletter").asBoolean()).isTrue();
        }
    }
}
