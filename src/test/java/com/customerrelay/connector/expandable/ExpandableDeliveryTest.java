package com.customerrelay.connector.expandable;

import com.customerrelay.core.Json;
import com.customerrelay.support.RelayHarness;
import com.customerrelay.support.Requests;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The relay against an HTTP Expandable (WireMock) that answers as VENDORS.md §5 documents. */
class ExpandableDeliveryTest {

    private static final String AUTH = "/api/auth-token-get";
    private static final String UPDATE = "/api/customer-contact-update";

    @TempDir
    Path dir;
    WireMockServer expandable;
    RelayHarness relay;

    @BeforeEach
    void setUp() {
        expandable = new WireMockServer(options().dynamicPort());
        expandable.start();
        expandable.stubFor(post(urlEqualTo(AUTH)).willReturn(okJson("{\"AUTH_TOKEN\":\"token-1\"}")));
        relay = new RelayHarness(dir)
                .set("relay.vendors.expandable.base-url", expandable.baseUrl() + "/api")
                .set("relay.vendors.expandable.data-source", "DS1")
                .set("relay.vendors.expandable.user-name", "relay")
                .set("relay.vendors.expandable.password", "pw-expandable")
                .set("relay.vendors.expandable.max-attempts", "3");
    }

    @AfterEach
    void tearDown() {
        relay.close();
        expandable.stop();
    }

    private List<LoggedRequest> updates() {
        return expandable.findAll(postRequestedFor(urlEqualTo(UPDATE)));
    }

    private int logins() {
        return expandable.findAll(postRequestedFor(urlEqualTo(AUTH))).size();
    }

    @Test
    void contactFileReachesExpandableWithExactBodyAndMovesToDone() throws Exception {
        expandable.stubFor(post(urlEqualTo(UPDATE)).willReturn(okJson("{\"CUSTOMER_ID\":\"ABCCORP\"}")));
        relay.start();

        relay.drop("contact.json", """
                {"id":"crm-evt-1","kind":"contact","occurredAt":"2026-11-22T10:15:00Z",
                 "targets":{"expandable":{"customerId":"ABCCORP","contactId":"JHERNANDEZ"}},
                 "data":{"firstName":"Juan","lastName":"Hernandez","initial":"J","title":"Buyer",
                         "email":"jhernandez@abccorp.com","email2":null,
                         "phones":{"business":"+1 555 0100","mobile":"+1 555 0101","fax":"+1 555 0102",
                                   "pager":"+1 555 0103","home":"+1 555 0104"},
                         "address":{"line1":"1 Main St","line2":"Suite 2","line3":"","city":"Austin","state":"TX",
                                    "postalCode":"78701","country":"US"},
                         "mailStop":"MS-4","webAddress":"https://abccorp.com","status":"A","notes":"Prefers mail",
                         "attachments":["http://www.expandable.com/","C:\\\\Expandable.docx"],
                         "salutation":"Mr","decisionMaker":true},
                 "vendorFields":{"expandable":{"SOFCT_USER_1":"gold","SOFCT_USER_2":7}}}
                """);

        relay.awaitDone("contact.json");
        await().atMost(Duration.ofSeconds(10)).until(() -> updates().size() == 1);
        JsonNode body = Json.parse(updates().get(0).getBodyAsString());
        JsonNode expected = Json.parse("""
                {"CUSTOMER_ID":"ABCCORP","CUST_CONTACT":"JHERNANDEZ",
                 "FIRST_NAME":"Juan","LAST_NAME":"Hernandez","INITIAL":"J","TITLE":"Buyer",
                 "E_MAIL":"jhernandez@abccorp.com","E_MAIL_2":"",
                 "PHONE_NO":"+1 555 0100","CELL_PHONE_NO":"+1 555 0101","FAX_NO":"+1 555 0102","PAGER_NO":"+1 555 0103",
                 "ADDRESS_1":"1 Main St","ADDRESS_2":"Suite 2","ADDRESS_3":"","CITY":"Austin","STATE":"TX",
                 "ZIP_CODE":"78701","COUNTRY":"US","MAIL_STOP":"MS-4","WEB_ADDRESS":"https://abccorp.com",
                 "CONTACT_STATUS":"A","NOTES":"Prefers mail",
                 "ATTACHMENTS":"http://www.expandable.com/|C:\\\\Expandable.docx",
                 "SOFCT_USER_1":"gold","SOFCT_USER_2":"7","AUTH_TOKEN":"token-1"}
                """);
        assertThat(body).isEqualTo(expected);
        assertThat(updates().get(0).getHeader("Content-Type")).startsWith("application/json");
        JsonNode login = Json.parse(expandable.findAll(postRequestedFor(urlEqualTo(AUTH))).get(0).getBodyAsString());
        assertThat(login).isEqualTo(Json.parse(
                "{\"DATA_SOURCE\":\"DS1\",\"USER_NAME\":\"relay\",\"PASSWORD\":\"pw-expandable\"}"));
        assertThat(Files.exists(relay.inbox().resolve("contact.json"))).isFalse();
        relay.awaitSettled(Duration.ofSeconds(5));
        assertThat(relay.store().count("DELIVERED", "expandable")).isEqualTo(1);
        assertThat(relay.deadLetters()).isEmpty();
    }

    @Test
    void onlyPresentMembersAreSentAndTheTokenIsReused() throws Exception {
        expandable.stubFor(post(urlEqualTo(UPDATE)).willReturn(okJson("{}")));
        relay.start();

        relay.drop("two.ndjson", Requests.emailChange("e-1", "A", "a@x.com") + "\n"
                + Requests.expandableContact("e-2", "ABCCORP", "B", "{\"phones\":null}") + "\n");

        await().atMost(Duration.ofSeconds(10)).until(() -> updates().size() == 2);
        assertThat(updates()).extracting(r -> Json.parse(r.getBodyAsString())).containsExactlyInAnyOrder(
                Json.parse("{\"CUSTOMER_ID\":\"ABCCORP\",\"CUST_CONTACT\":\"A\",\"E_MAIL\":\"a@x.com\","
                        + "\"AUTH_TOKEN\":\"token-1\"}"),
                Json.parse("{\"CUSTOMER_ID\":\"ABCCORP\",\"CUST_CONTACT\":\"B\",\"PHONE_NO\":\"\","
                        + "\"CELL_PHONE_NO\":\"\",\"FAX_NO\":\"\",\"PAGER_NO\":\"\",\"AUTH_TOKEN\":\"token-1\"}"));
        assertThat(logins()).isEqualTo(1);
    }

    @Test
    void serverErrorIsRetriedByThePolicyThenDeadLetteredWithVendorMessageAndCode() throws Exception {
        expandable.stubFor(post(urlEqualTo(UPDATE)).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"MESSAGE\":\"Contact record is locked\",\"MESSAGE_CODE\":\"E1042\"}")));
        relay.start();

        relay.drop("locked.json", Requests.emailChange("crm-evt-123", "JHERNANDEZ", "j@abccorp.com"));

        await().atMost(Duration.ofSeconds(15)).until(() -> relay.deadLetters().size() == 1);
        JsonNode letter = relay.deadLetters().get(0);
        assertThat(letter.path("requestId").asText()).isEqualTo("crm-evt-123");
        assertThat(letter.path("vendor").asText()).isEqualTo("expandable");
        assertThat(letter.path("kind").asText()).isEqualTo("contact");
        assertThat(letter.path("reason").asText()).isEqualTo("exhausted");
        assertThat(letter.path("attempts").asInt()).isEqualTo(3);
        assertThat(letter.at("/error/httpStatus").asInt()).isEqualTo(500);
        assertThat(letter.at("/error/vendorMessage").asText()).isEqualTo("Contact record is locked");
        assertThat(letter.at("/error/vendorCode").asText()).isEqualTo("E1042");
        assertThat(letter.at("/error/message").asText())
                .isEqualTo("Expandable answered 500: Contact record is locked");
        assertThat(letter.at("/source/intake").asText()).isEqualTo("file");
        assertThat(letter.at("/source/name").asText()).isEqualTo("locked.json");
        assertThat(letter.at("/request/targets/expandable/contactId").asText()).isEqualTo("JHERNANDEZ");
        assertThat(letter.path("firstAttemptAt").asText()).isNotEmpty();
        assertThat(java.time.Instant.parse(letter.path("lastAttemptAt").asText()))
                .isAfter(java.time.Instant.parse(letter.path("firstAttemptAt").asText()));
        assertThat(updates()).hasSize(3);
        List<LoggedRequest> calls = updates();
        long firstGap = calls.get(1).getLoggedDate().getTime() - calls.get(0).getLoggedDate().getTime();
        long secondGap = calls.get(2).getLoggedDate().getTime() - calls.get(1).getLoggedDate().getTime();
        assertThat(firstGap).as("first retry after ~initial delay").isGreaterThanOrEqualTo(75);
        assertThat(secondGap).as("backoff doubles").isGreaterThanOrEqualTo(150);
    }

    @Test
    void badRequestIsDeadLetteredAtOnceWithoutRetry() throws Exception {
        expandable.stubFor(post(urlEqualTo(UPDATE)).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"MESSAGE\":\"Request JSON is invalid.\",\"MESSAGE_CODE\":\"400\"}")));
        relay.start();

        relay.drop("bad.json", Requests.emailChange("crm-evt-400", "JHERNANDEZ", "j@abccorp.com"));

        await().atMost(Duration.ofSeconds(10)).until(() -> relay.deadLetters().size() == 1);
        JsonNode letter = relay.deadLetters().get(0);
        assertThat(letter.path("reason").asText()).isEqualTo("rejected");
        assertThat(letter.path("attempts").asInt()).isEqualTo(1);
        assertThat(letter.at("/error/httpStatus").asInt()).isEqualTo(400);
        assertThat(letter.at("/error/vendorMessage").asText()).isEqualTo("Request JSON is invalid.");
        relay.awaitSettled(Duration.ofSeconds(5));
        assertThat(updates()).hasSize(1);
    }

    @Test
    void methodNotAllowedIsRejectedAtOnce() throws Exception {
        expandable.stubFor(post(urlEqualTo(UPDATE)).willReturn(aResponse().withStatus(405)
                .withBody("{\"MESSAGE\":\"Request method must be POST.\",\"MESSAGE_CODE\":\"405\"}")));
        relay.start();

        relay.drop("m.json", Requests.emailChange("crm-evt-405", "JHERNANDEZ", "j@abccorp.com"));

        await().atMost(Duration.ofSeconds(10)).until(() -> relay.deadLetters().size() == 1);
        assertThat(relay.deadLetters().get(0).path("reason").asText()).isEqualTo("rejected");
        assertThat(relay.deadLetters().get(0).at("/error/httpStatus").asInt()).isEqualTo(405);
        assertThat(updates()).hasSize(1);
    }

    @Test
    void aRequestWaitingForItsRetryDoesNotHoldUpOthers() throws Exception {
        relay.set("relay.vendors.expandable.initial-delay-ms", "30000")
                .set("relay.vendors.expandable.max-delay-ms", "60000")
                .set("relay.vendors.expandable.concurrency", "1");
        expandable.stubFor(post(urlEqualTo(UPDATE)).atPriority(1)
                .withRequestBody(matchingJsonPath("$.CUST_CONTACT", com.github.tomakehurst.wiremock.client.WireMock
                        .equalTo("LOCKED")))
                .willReturn(aResponse().withStatus(500).withBody("{\"MESSAGE\":\"locked\",\"MESSAGE_CODE\":\"E1\"}")));
        expandable.stubFor(post(urlEqualTo(UPDATE)).atPriority(5).willReturn(okJson("{}")));
        relay.start();

        StringBuilder lines = new StringBuilder(Requests.emailChange("slow", "LOCKED", "l@x.com")).append('\n');
        for (int i = 0; i < 20; i++) {
            lines.append(Requests.emailChange("fast-" + i, "C" + i, "c" + i + "@x.com")).append('\n');
        }
        relay.drop("mixed.ndjson", lines.toString());

        await().atMost(Duration.ofSeconds(10)).until(() -> relay.store().count("DELIVERED", "expandable") == 20);
        assertThat(relay.store().count("PENDING", "expandable")).as("the locked one waits for its retry").isEqualTo(1);
        assertThat(expandable.findAll(postRequestedFor(urlEqualTo(UPDATE))
                .withRequestBody(matchingJsonPath("$[?(@.CUST_CONTACT == 'LOCKED')]")))).hasSize(1);
        assertThat(relay.deadLetters()).isEmpty();
    }

    @Test
    void retryAfterIsHonoured() throws Exception {
        expandable.stubFor(post(urlEqualTo(UPDATE)).inScenario("busy").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "2"))
                .willSetStateTo("free"));
        expandable.stubFor(post(urlEqualTo(UPDATE)).inScenario("busy").whenScenarioStateIs("free")
                .willReturn(okJson("{}")));
        relay.start();

        relay.drop("busy.json", Requests.emailChange("busy-1", "JHERNANDEZ", "j@abccorp.com"));

        await().atMost(Duration.ofSeconds(15)).until(() -> relay.store().count("DELIVERED", "expandable") == 1);
        List<LoggedRequest> calls = updates();
        assertThat(calls).hasSize(2);
        long gap = calls.get(1).getLoggedDate().getTime() - calls.get(0).getLoggedDate().getTime();
        assertThat(gap).as("waited for Retry-After: 2 rather than the 100 ms initial delay")
                .isGreaterThanOrEqualTo(1900);
    }

    @Test
    void anExpiredTokenIsRefreshedExactlyOnceAndTheUpdateSucceeds() throws Exception {
        expandable.resetMappings();
        expandable.stubFor(post(urlEqualTo(AUTH)).inScenario("tokens").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson("{\"AUTH_TOKEN\":\"token-old\"}")).willSetStateTo("second"));
        expandable.stubFor(post(urlEqualTo(AUTH)).inScenario("tokens").whenScenarioStateIs("second")
                .willReturn(okJson("{\"AUTH_TOKEN\":\"token-new\"}")));
        expandable.stubFor(post(urlEqualTo(UPDATE)).withRequestBody(matchingJsonPath("$.AUTH_TOKEN",
                        com.github.tomakehurst.wiremock.client.WireMock.equalTo("token-old")))
                .willReturn(aResponse().withStatus(401)
                        .withBody("{\"MESSAGE\":\"Auth Token login failure.\",\"MESSAGE_CODE\":\"401\"}")));
        expandable.stubFor(post(urlEqualTo(UPDATE)).withRequestBody(matchingJsonPath("$.AUTH_TOKEN",
                        com.github.tomakehurst.wiremock.client.WireMock.equalTo("token-new")))
                .willReturn(okJson("{}")));
        relay.start();

        relay.drop("token.json", Requests.emailChange("tok-1", "JHERNANDEZ", "j@abccorp.com"));

        await().atMost(Duration.ofSeconds(10)).until(() -> relay.store().count("DELIVERED", "expandable") == 1);
        assertThat(logins()).as("one login, one refresh").isEqualTo(2);
        assertThat(updates()).extracting(r -> Json.parse(r.getBodyAsString()).path("AUTH_TOKEN").asText())
                .containsExactly("token-old", "token-new");
        assertThat(relay.deadLetters()).isEmpty();
    }

    @Test
    void aTokenRefusedAgainAfterRefreshIsDeadLettered() throws Exception {
        expandable.stubFor(post(urlEqualTo(UPDATE)).willReturn(aResponse().withStatus(401)
                .withBody("{\"MESSAGE\":\"Auth Token login failure.\",\"MESSAGE_CODE\":\"401\"}")));
        relay.start();

        relay.drop("token.json", Requests.emailChange("tok-2", "JHERNANDEZ", "j@abccorp.com"));

        await().atMost(Duration.ofSeconds(10)).until(() -> relay.deadLetters().size() == 1);
        JsonNode letter = relay.deadLetters().get(0);
        assertThat(letter.path("reason").asText()).isEqualTo("rejected");
        assertThat(letter.at("/error/httpStatus").asInt()).isEqualTo(401);
        assertThat(letter.at("/error/vendorMessage").asText()).isEqualTo("Auth Token login failure.");
        assertThat(logins()).isEqualTo(2);
        assertThat(updates()).hasSize(2);
    }

    @Test
    void anUnreachableExpandableIsRetriedThenExhausted() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        relay.set("relay.vendors.expandable.base-url", "http://127.0.0.1:" + closedPort + "/api")
                .set("relay.vendors.expandable.max-attempts", "2");
        relay.start();

        relay.drop("down.json", Requests.emailChange("down-1", "JHERNANDEZ", "j@abccorp.com"));

        await().atMost(Duration.ofSeconds(10)).until(() -> relay.deadLetters().size() == 1);
        JsonNode letter = relay.deadLetters().get(0);
        assertThat(letter.path("reason").asText()).isEqualTo("exhausted");
        assertThat(letter.path("attempts").asInt()).isEqualTo(2);
        assertThat(letter.at("/error/message").asText()).startsWith("cannot reach Expandable");
        assertThat(letter.at("/error/httpStatus").isMissingNode()).isTrue();
    }

    @Test
    void aSlowAnswerTimesOutAndIsRetried() throws Exception {
        relay.set("relay.vendors.expandable.timeout-ms", "300").set("relay.vendors.expandable.max-attempts", "2");
        expandable.stubFor(post(urlEqualTo(UPDATE)).willReturn(okJson("{}").withFixedDelay(1500)));
        relay.start();

        relay.drop("slow.json", Requests.emailChange("slow-1", "JHERNANDEZ", "j@abccorp.com"));

        await().atMost(Duration.ofSeconds(15)).until(() -> relay.deadLetters().size() == 1);
        JsonNode letter = relay.deadLetters().get(0);
        assertThat(letter.path("reason").asText()).isEqualTo("exhausted");
        assertThat(letter.at("/error/message").asText()).isEqualTo("Expandable did not answer within 300 ms");
        assertThat(updates()).hasSize(2);
    }

    @Test
    void theRateLimitSpacesTheCallsToTheVendor() throws Exception {
        relay.set("relay.vendors.expandable.rate-limit", "10").set("relay.vendors.expandable.concurrency", "8");
        expandable.stubFor(post(urlEqualTo(UPDATE)).willReturn(okJson("{}")));
        relay.start();

        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 15; i++) {
            lines.append(Requests.emailChange("rate-" + i, "C" + i, "c" + i + "@x.com")).append('\n');
        }
        relay.drop("rate.ndjson", lines.toString());

        await().atMost(Duration.ofSeconds(20)).until(() -> relay.store().count("DELIVERED", "expandable") == 15);
        List<Long> times = updates().stream().map(r -> r.getLoggedDate().getTime()).sorted().toList();
        assertThat(times).hasSize(15);
        assertThat(times.get(14) - times.get(0)).as("15 calls at 10 per second, 8 threads notwithstanding")
                .isGreaterThanOrEqualTo(1300);
    }
}
