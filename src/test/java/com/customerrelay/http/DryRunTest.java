package com.customerrelay.http;

import com.customerrelay.connector.soliditech.SoliditechSandbox;
import com.customerrelay.core.Json;
import com.customerrelay.support.Http;
import com.customerrelay.support.RelayHarness;
import com.customerrelay.support.RelayTestCase;
import com.customerrelay.support.TestLog;
import com.customerrelay.support.WireMockVendors;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /updates?dryRun=true} over real HTTP, RPM and Expandable on WireMock and Soliditech on its sandbox:
 * the answer is each vendor's call as a delivery makes it (RPM's merged with a real read), the session token
 * masked, and nothing is written to a vendor, stored or dead-lettered.
 */
class DryRunTest extends RelayTestCase {

    private static final String KEY = "dry-run-key-41c2";
    private static final String TOKEN = "canary-exp-token-9d3f";
    private static final String REQUEST = """
            {"id":"dry-1","kind":"contact",
             "targets":{"rpm":{"customerId":1042,"contactId":77},
                        "expandable":{"customerId":"ABCCORP","contactId":"JHERNANDEZ"},
                        "soliditech":{"accountId":"10045","contactId":"3"}},
             "data":{"email":"juan@abccorp.com","phones":{"mobile":"+1 555 0101"},"notes":"VIP"}}""";

    RelayHarness relay;
    WireMockServer rpm;
    WireMockServer expandable;

    private void start() {
        rpm = WireMockVendors.started(closing);
        rpm.stubFor(post(urlEqualTo("/rpm/Customer")).willReturn(okJson("""
                {"Result":{"CustomerID":1042,"Contacts":[
                  {"Contact":{"ContactID":77,"FirstName":"Juan","LastName":"Hernandez","Title":"Buyer",
                    "Email":"old@abccorp.com","PhoneNumbers":[{"PhoneNumberID":501,"Type":1,"Number":"+1 555 0100"}]},
                   "IsPrimary":true}]}}""")));
        rpm.stubFor(post(urlEqualTo("/rpm/CustomerContactEdit"))
                .willReturn(okJson("{\"Result\":{\"Contact\":{\"ContactID\":77}}}")));
        expandable = WireMockVendors.expandable(closing);
        expandable.stubFor(post(urlEqualTo("/api/auth-token-get"))
                .willReturn(okJson("{\"AUTH_TOKEN\":\"" + TOKEN + "\"}")));
        expandable.stubFor(post(urlEqualTo("/api/customer-contact-update"))
                .willReturn(okJson("{\"CUST_CONTACT\":\"JHERNANDEZ\"}")));
        relay = newRelay().set("relay.http.api-keys", KEY)
                .set("relay.vendors.rpm.base-url", rpm.baseUrl() + "/rpm")
                .set("relay.vendors.rpm.api-key", "rpm-dry-key")
                .set("relay.vendors.expandable.base-url", expandable.baseUrl() + "/api")
                .set("relay.vendors.expandable.data-source", "ERP1")
                .set("relay.vendors.expandable.user-name", "relay")
                .set("relay.vendors.expandable.password", "canary-exp-password-2b7e")
                .start();
    }

    private HttpResponse<String> dryRun(String query, String body) throws Exception {
        return Http.send("POST", relay.apiUrl() + "/updates" + query, body, "Authorization", "Bearer " + KEY);
    }

    private static Map<String, JsonNode> byVendor(JsonNode request) {
        Map<String, JsonNode> calls = new HashMap<>();
        request.get("vendors").forEach(v -> calls.put(v.get("vendor").asText(), v));
        return calls;
    }

    @Test
    void answersEachVendorsCallAsADeliveryMakesItAndWritesStoresAndDeadLettersNothing() throws Exception {
        start();
        long mark = TestLog.mark();
        HttpResponse<String> answer = dryRun("?dryRun=true", REQUEST);

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body()).as("the session token and password never leave the relay")
                .doesNotContain(TOKEN).doesNotContain("canary-exp-password-2b7e").doesNotContain("rpm-dry-key");
        JsonNode body = Json.parse(answer.body());
        assertThat(body.get("invalid")).isEmpty();
        assertThat(body.get("requests")).hasSize(1);
        assertThat(body.at("/requests/0/id").asText()).isEqualTo("dry-1");
        Map<String, JsonNode> calls = byVendor(body.at("/requests/0"));
        assertThat(calls).containsOnlyKeys("rpm", "expandable", "soliditech");

        JsonNode toRpm = calls.get("rpm");
        assertThat(toRpm.get("method").asText()).isEqualTo("POST");
        assertThat(toRpm.get("path").asText()).isEqualTo("/CustomerContactEdit");
        assertThat(toRpm.get("payload")).as("the request's email laid over the contact RPM's read answered")
                .isEqualTo(Json.parse("""
                        {"CustomerID":1042,"IsPrimary":true,"Contact":{"ContactID":77,"FirstName":"Juan",
                         "LastName":"Hernandez","Salutation":"","Title":"Buyer","Email":"juan@abccorp.com",
                         "PhoneNumbers":[{"PhoneNumberID":501,"Type":1,"Number":"+1 555 0100"}]}}"""));
        assertThat(toRpm.get("skippedFields")).extracting(JsonNode::asText)
                .containsExactly("phones.mobile", "notes");

        JsonNode toExpandable = calls.get("expandable");
        assertThat(toExpandable.get("method").asText()).isEqualTo("POST");
        assertThat(toExpandable.get("path").asText()).isEqualTo("/customer-contact-update");
        assertThat(toExpandable.get("payload")).isEqualTo(Json.parse("""
                {"CUSTOMER_ID":"ABCCORP","CUST_CONTACT":"JHERNANDEZ","E_MAIL":"juan@abccorp.com",
                 "CELL_PHONE_NO":"+1 555 0101","NOTES":"VIP","AUTH_TOKEN":"***"}"""));
        assertThat(toExpandable.get("skippedFields")).isEmpty();

        JsonNode toSoliditech = calls.get("soliditech");
        assertThat(toSoliditech.get("method").asText()).isEqualTo("PUT");
        assertThat(toSoliditech.get("path").asText()).isEqualTo("/customers/10045/contacts/3");
        assertThat(toSoliditech.get("payload"))
                .isEqualTo(Json.parse("{\"email\":\"juan@abccorp.com\",\"cellPhone\":\"+1 555 0101\"}"));
        assertThat(toSoliditech.get("skippedFields")).extracting(JsonNode::asText).containsExactly("notes");

        assertThat(rpm.findAll(postRequestedFor(urlEqualTo("/rpm/Customer")))).as("RPM's read is made").hasSize(1);
        assertThat(rpm.findAll(postRequestedFor(urlEqualTo("/rpm/CustomerContactEdit")))).as("nothing written")
                .isEmpty();
        assertThat(expandable.findAll(postRequestedFor(urlEqualTo("/api/customer-contact-update")))).isEmpty();
        assertThat(relay.bean("soliditechSandbox", SoliditechSandbox.class).updates()).isZero();
        assertThat(relay.store().statusOf("dry-1")).as("nothing stored").isEmpty();
        assertThat(relay.outbox().size()).as("no outcome to publish").isZero();
        assertThat(relay.deadLetters()).isEmpty();
        assertThat(TestLog.since(mark)).doesNotContain(TOKEN).doesNotContain("canary-exp-password-2b7e");
    }

    @Test
    void anInvalidRequestAnswersItsValidationErrorsAndATargetRefusedAloneLetsTheOthersBeShown() throws Exception {
        start();
        HttpResponse<String> answer = dryRun("?dryRun=true", """
                [{"id":"dry-bad","kind":"contact","targets":{},"data":{"email":"x@abccorp.com"}},
                 {"id":"dry-mixed","kind":"contact","targets":{"socialhub":{"customerCode":"C1001"},
                   "soliditech":{"accountId":"10045","contactId":"3"}},"data":{"email":"x@abccorp.com"}}]""");

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode body = Json.parse(answer.body());
        assertThat(body.get("invalid")).hasSize(2);
        assertThat(body.at("/invalid/0/index").asInt()).isZero();
        assertThat(body.at("/invalid/0/id").asText()).isEqualTo("dry-bad");
        assertThat(body.at("/invalid/0/message").asText()).contains("targets");
        assertThat(body.at("/invalid/1/index").asInt()).isEqualTo(1);
        assertThat(body.at("/invalid/1/vendor").asText()).isEqualTo("socialhub");
        assertThat(body.at("/invalid/1/message").asText())
                .isEqualTo("targets.socialhub: socialhub does not serve kind contact");
        assertThat(body.get("requests")).hasSize(1);
        assertThat(body.at("/requests/0/id").asText()).isEqualTo("dry-mixed");
        assertThat(byVendor(body.at("/requests/0"))).containsOnlyKeys("soliditech");
        assertThat(relay.deadLetters()).as("a dry run dead-letters nothing").isEmpty();
        assertThat(relay.store().statusOf("dry-bad")).isEmpty();
    }

    @Test
    void anRpmReadThatFailsIsAnsweredAsTheFailureWithNoPayload() throws Exception {
        start();
        rpm.stubFor(post(urlEqualTo("/rpm/Customer")).willReturn(okJson("{\"Result\":{\"CustomerID\":1042,"
                + "\"Contacts\":[]}}")));
        JsonNode unknown = Json.parse(dryRun("?dryRun=true", "{\"id\":\"dry-gone\",\"kind\":\"contact\","
                + "\"targets\":{\"rpm\":{\"customerId\":1042,\"contactId\":78}},\"data\":{\"title\":\"Buyer\"}}")
                .body());
        JsonNode call = unknown.at("/requests/0/vendors/0");
        assertThat(call.get("vendor").asText()).isEqualTo("rpm");
        assertThat(call.get("error").asText()).isEqualTo("RPM customer 1042 has no contact 78");
        assertThat(call.has("payload")).isFalse();

        rpm.stubFor(post(urlEqualTo("/rpm/Customer")).willReturn(aResponse().withStatus(503)));
        JsonNode down = Json.parse(dryRun("?dryRun=true", "{\"id\":\"dry-down\",\"kind\":\"contact\","
                + "\"targets\":{\"rpm\":{\"customerId\":1042,\"contactId\":77}},\"data\":{\"title\":\"Buyer\"}}")
                .body());
        assertThat(down.at("/requests/0/vendors/0/error").asText()).contains("503");
        assertThat(down.at("/requests/0/vendors/0").has("payload")).isFalse();
        assertThat(rpm.findAll(postRequestedFor(urlEqualTo("/rpm/CustomerContactEdit")))).isEmpty();
        assertThat(relay.deadLetters()).isEmpty();
        assertThat(relay.store().statusOf("dry-gone")).isEmpty();
    }

    @Test
    void aDryRunFlagThatIsNeitherTrueNorFalseIsRefusedAndNothingIsAccepted() throws Exception {
        start();
        HttpResponse<String> answer = dryRun("?dryRun=yes", REQUEST);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(400);
        assertThat(Json.parse(answer.body()).get("error").asText())
                .isEqualTo("dryRun must be true or false, not yes; nothing was accepted");
        assertThat(relay.store().statusOf("dry-1")).isEmpty();
        assertThat(Http.send("POST", relay.apiUrl() + "/updates?dryRun=true", REQUEST).statusCode())
                .as("a dry run asks for the API key like every call").isEqualTo(401);
        String many = "[" + String.join(",", java.util.Collections.nCopies(101, REQUEST)) + "]";
        HttpResponse<String> tooMany = dryRun("?dryRun=true", many);
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(tooMany.body()).contains("at most 100 requests, not 101");
        assertThat(rpm.findAll(postRequestedFor(urlEqualTo("/rpm/Customer")))).as("none of them read").isEmpty();
        assertThat(dryRun("?dryRun=false", REQUEST).statusCode()).as("dryRun=false is a delivery").isEqualTo(202);
        assertThat(relay.store().statusOf("dry-1")).isNotEmpty();
    }
}
