package com.customerrelay.connector.expandable;

import com.customerrelay.core.Json;
import com.customerrelay.delivery.DeliveryStatus;
import com.customerrelay.support.ClassWireMock;
import com.customerrelay.support.Ports;
import com.customerrelay.support.RelayTestKit;
import com.customerrelay.support.Requests;
import com.customerrelay.support.Settings;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The relay against an HTTP Expandable (WireMock) that answers as VENDORS.md §5 documents, on Camel's test kit:
 * camel-test-main-junit5 boots the real main (YAML routes, config/, the wired beans) for each test, on a folder of
 * its own; NotifyBuilder waits for the attempts of the deliver-expandable route. Tests that need other settings
 * are grouped in nested classes, one per setting.
 */
class ExpandableDeliveryTest {

    private static final String AUTH = "/api/auth-token-get";
    private static final String UPDATE = "/api/customer-contact-update";
    @RegisterExtension
    static final ClassWireMock EXPANDABLE = new ClassWireMock();

    private static List<LoggedRequest> updates() {
        return EXPANDABLE.findAll(postRequestedFor(urlEqualTo(UPDATE)));
    }

    private static int logins() {
        return EXPANDABLE.findAll(postRequestedFor(urlEqualTo(AUTH))).size();
    }

    /** The relay on the test kit, delivering to the WireMock Expandable; {@link #more} adds a group's settings. */
    abstract static class OnWireMock extends RelayTestKit {

        @Override
        protected void configure(Properties properties) {
            properties.setProperty("relay.vendors.expandable.base-url", EXPANDABLE.baseUrl() + "/api");
            properties.setProperty("relay.vendors.expandable.data-source", "DS1");
            properties.setProperty("relay.vendors.expandable.user-name", "relay");
            properties.setProperty("relay.vendors.expandable.password", "pw-expandable");
            properties.setProperty("relay.vendors.expandable.max-attempts", "3");
            more(properties);
        }

        void more(Properties properties) {
        }

        @BeforeEach
        void resetVendor() {
            EXPANDABLE.resetAll();
            EXPANDABLE.stubFor(post(urlEqualTo(AUTH)).willReturn(okJson("{\"AUTH_TOKEN\":\"token-1\"}")));
        }
    }

    @Nested
    class WithDefaults extends OnWireMock {

        @Test
        void contactFileReachesExpandableWithExactBodyAndMovesToDone() throws Exception {
            EXPANDABLE.stubFor(post(urlEqualTo(UPDATE)).willReturn(okJson("{\"CUSTOMER_ID\":\"ABCCORP\"}")));

            dropAndAwaitAttempts("expandable", 1, "contact.json", """
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

            await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(dir().resolve("inbox/.done/contact.json")));
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
            JsonNode login = Json.parse(EXPANDABLE.findAll(postRequestedFor(urlEqualTo(AUTH))).get(0).getBodyAsString());
            assertThat(login).isEqualTo(Json.parse(
                    "{\"DATA_SOURCE\":\"DS1\",\"USER_NAME\":\"relay\",\"PASSWORD\":\"pw-expandable\"}"));
            assertThat(Files.exists(dir().resolve("inbox/contact.json"))).isFalse();
            awaitDelivered("expandable", 1);
            assertThat(deadLetters()).isEmpty();
        }

        @Test
        void onlyPresentMembersAreSentAndTheTokenIsReused() throws Exception {
            EXPANDABLE.stubFor(post(urlEqualTo(UPDATE)).willReturn(okJson("{}")));

            dropAndAwaitAttempts("expandable", 2, "two.ndjson", Requests.emailChange("e-1", "A", "a@x.com") + "\n"
                    + Requests.expandableContact("e-2", "ABCCORP", "B", "{\"phones\":null}") + "\n");

            assertThat(updates()).extracting(r -> Json.parse(r.getBodyAsString())).containsExactlyInAnyOrder(
                    Json.parse("{\"CUSTOMER_ID\":\"ABCCORP\",\"CUST_CONTACT\":\"A\",\"E_MAIL\":\"a@x.com\","
                            + "\"AUTH_TOKEN\":\"token-1\"}"),
                    Json.parse("{\"CUSTOMER_ID\":\"ABCCORP\",\"CUST_CONTACT\":\"B\",\"PHONE_NO\":\"\","
                            + "\"CELL_PHONE_NO\":\"\",\"FAX_NO\":\"\",\"PAGER_NO\":\"\",\"AUTH_TOKEN\":\"token-1\"}"));
            assertThat(logins()).isEqualTo(1);
        }

        @Test
        void serverErrorIsRetriedByThePolicyThenDeadLetteredWithVendorMessageAndCode() throws Exception {
            EXPANDABLE.stubFor(post(urlEqualTo(UPDATE)).willReturn(aResponse().withStatus(500)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"MESSAGE\":\"Contact record is locked\",\"MESSAGE_CODE\":\"E1042\"}")));

            dropAndAwaitAttempts("expandable", 3, "locked.json",
                    Requests.emailChange("crm-evt-123", "JHERNANDEZ", "j@abccorp.com"));

            JsonNode letter = awaitDeadLetters(1).get(0);
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
            EXPANDABLE.stubFor(post(urlEqualTo(UPDATE)).willReturn(aResponse().withStatus(400)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"MESSAGE\":\"Request JSON is invalid.\",\"MESSAGE_CODE\":\"400\"}")));

            dropAndAwaitAttempts("expandable", 1, "bad.json",
                    Requests.emailChange("crm-evt-400", "JHERNANDEZ", "j@abccorp.com"));

            JsonNode letter = awaitDeadLetters(1).get(0);
            assertThat(letter.path("reason").asText()).isEqualTo("rejected");
            assertThat(letter.path("attempts").asInt()).isEqualTo(1);
            assertThat(letter.at("/error/httpStatus").asInt()).isEqualTo(400);
            assertThat(letter.at("/error/vendorMessage").asText()).isEqualTo("Request JSON is invalid.");
            await().atMost(Duration.ofSeconds(5)).until(() -> store().unfinished() == 0);
            assertThat(updates()).hasSize(1);
        }

        @Test
        void methodNotAllowedIsRejectedAtOnce() throws Exception {
            EXPANDABLE.stubFor(post(urlEqualTo(UPDATE)).willReturn(aResponse().withStatus(405)
                    .withBody("{\"MESSAGE\":\"Request method must be POST.\",\"MESSAGE_CODE\":\"405\"}")));

            dropAndAwaitAttempts("expandable", 1, "m.json",
                    Requests.emailChange("crm-evt-405", "JHERNANDEZ", "j@abccorp.com"));

            awaitDeadLetters(1);
            assertThat(deadLetters().get(0).path("reason").asText()).isEqualTo("rejected");
            assertThat(deadLetters().get(0).at("/error/httpStatus").asInt()).isEqualTo(405);
            assertThat(updates()).hasSize(1);
        }

        @Test
        void retryAfterIsHonoured() throws Exception {
            EXPANDABLE.stubFor(post(urlEqualTo(UPDATE)).inScenario("busy").whenScenarioStateIs(Scenario.STARTED)
                    .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "2"))
                    .willSetStateTo("free"));
            EXPANDABLE.stubFor(post(urlEqualTo(UPDATE)).inScenario("busy").whenScenarioStateIs("free")
                    .willReturn(okJson("{}")));

            dropAndAwaitAttempts("expandable", 2, "busy.json",
                    Requests.emailChange("busy-1", "JHERNANDEZ", "j@abccorp.com"));

            awaitDelivered("expandable", 1);
            List<LoggedRequest> calls = updates();
            assertThat(calls).hasSize(2);
            long gap = calls.get(1).getLoggedDate().getTime() - calls.get(0).getLoggedDate().getTime();
            assertThat(gap).as("waited for Retry-After: 2 rather than the 100 ms initial delay")
                    .isGreaterThanOrEqualTo(1900);
        }

        @Test
        void anExpiredTokenIsRefreshedExactlyOnceAndTheUpdateSucceeds() throws Exception {
            EXPANDABLE.resetMappings();
            EXPANDABLE.stubFor(post(urlEqualTo(AUTH)).inScenario("tokens").whenScenarioStateIs(Scenario.STARTED)
                    .willReturn(okJson("{\"AUTH_TOKEN\":\"token-old\"}")).willSetStateTo("second"));
            EXPANDABLE.stubFor(post(urlEqualTo(AUTH)).inScenario("tokens").whenScenarioStateIs("second")
                    .willReturn(okJson("{\"AUTH_TOKEN\":\"token-new\"}")));
            EXPANDABLE.stubFor(post(urlEqualTo(UPDATE)).withRequestBody(matchingJsonPath("$.AUTH_TOKEN",
                            com.github.tomakehurst.wiremock.client.WireMock.equalTo("token-old")))
                    .willReturn(aResponse().withStatus(401)
                            .withBody("{\"MESSAGE\":\"Auth Token login failure.\",\"MESSAGE_CODE\":\"401\"}")));
            EXPANDABLE.stubFor(post(urlEqualTo(UPDATE)).withRequestBody(matchingJsonPath("$.AUTH_TOKEN",
                            com.github.tomakehurst.wiremock.client.WireMock.equalTo("token-new")))
                    .willReturn(okJson("{}")));

            dropAndAwaitAttempts("expandable", 1, "token.json",
                    Requests.emailChange("tok-1", "JHERNANDEZ", "j@abccorp.com"));

            awaitDelivered("expandable", 1);
            assertThat(logins()).as("one login, one refresh").isEqualTo(2);
            assertThat(updates()).extracting(r -> Json.parse(r.getBodyAsString()).path("AUTH_TOKEN").asText())
                    .containsExactly("token-old", "token-new");
            assertThat(deadLetters()).isEmpty();
        }

        @Test
        void aTokenRefusedAgainAfterRefreshIsDeadLettered() throws Exception {
            EXPANDABLE.stubFor(post(urlEqualTo(UPDATE)).willReturn(aResponse().withStatus(401)
                    .withBody("{\"MESSAGE\":\"Auth Token login failure.\",\"MESSAGE_CODE\":\"401\"}")));

            dropAndAwaitAttempts("expandable", 1, "token.json",
                    Requests.emailChange("tok-2", "JHERNANDEZ", "j@abccorp.com"));

            JsonNode letter = awaitDeadLetters(1).get(0);
            assertThat(letter.path("reason").asText()).isEqualTo("rejected");
            assertThat(letter.at("/error/httpStatus").asInt()).isEqualTo(401);
            assertThat(letter.at("/error/vendorMessage").asText()).isEqualTo("Auth Token login failure.");
            assertThat(logins()).isEqualTo(2);
            assertThat(updates()).hasSize(2);
        }
    }

    @Nested
    @Settings({
            "relay.vendors.expandable.initial-delay-ms=30000",
            "relay.vendors.expandable.max-delay-ms=60000",
            "relay.vendors.expandable.concurrency=1"
    })
    class WithALongRetryDelayAndOneAtATime extends OnWireMock {

        @Test
        void aRequestWaitingForItsRetryDoesNotHoldUpOthers() throws Exception {
            EXPANDABLE.stubFor(post(urlEqualTo(UPDATE)).atPriority(1)
                    .withRequestBody(matchingJsonPath("$.CUST_CONTACT", com.github.tomakehurst.wiremock.client.WireMock
                            .equalTo("LOCKED")))
                    .willReturn(aResponse().withStatus(500).withBody("{\"MESSAGE\":\"locked\",\"MESSAGE_CODE\":\"E1\"}")));
            EXPANDABLE.stubFor(post(urlEqualTo(UPDATE)).atPriority(5).willReturn(okJson("{}")));

            StringBuilder lines = new StringBuilder(Requests.emailChange("slow", "LOCKED", "l@x.com")).append('\n');
            for (int i = 0; i < 20; i++) {
                lines.append(Requests.emailChange("fast-" + i, "C" + i, "c" + i + "@x.com")).append('\n');
            }
            dropAndAwaitAttempts("expandable", 21, "mixed.ndjson", lines.toString());

            awaitDelivered("expandable", 20);
            assertThat(store().count(DeliveryStatus.PENDING, "expandable")).as("the locked one waits for its retry").isEqualTo(1);
            assertThat(EXPANDABLE.findAll(postRequestedFor(urlEqualTo(UPDATE))
                    .withRequestBody(matchingJsonPath("$[?(@.CUST_CONTACT == 'LOCKED')]")))).hasSize(1);
            assertThat(deadLetters()).isEmpty();
        }
    }

    @Nested
    class WithExpandableUnreachable extends OnWireMock {

        @Override
        void more(Properties properties) {
            properties.setProperty("relay.vendors.expandable.base-url", "http://127.0.0.1:" + Ports.free() + "/api");
            properties.setProperty("relay.vendors.expandable.max-attempts", "2");
            // 10.8 s: room for the three attempts below on a loaded machine (at 5.4 s a CI run saw fewer)
            properties.setProperty("relay.vendors.expandable.give-up-after-hours", "0.003");
        }

        @Test
        void anUnreachableExpandableDoesNotUseUpTheAttemptsAndIsGivenUpOnlyAfterGiveUpAfterHours() throws Exception {
            // max-attempts is 2, yet refused connections say the vendor is down: the delivery goes on being tried
            // (more than twice) until give-up-after-hours (here 10.8 s) has passed since its acceptance
            dropAndAwaitAttempts("expandable", 3, "down.json",
                    Requests.emailChange("down-1", "JHERNANDEZ", "j@abccorp.com"));

            JsonNode letter = await().atMost(Duration.ofSeconds(30)).until(this::deadLetters, l -> l.size() == 1)
                    .get(0);
            assertThat(letter.path("reason").asText()).isEqualTo("exhausted");
            assertThat(letter.path("attempts").asInt()).as("no attempt counted: the vendor never answered")
                    .isZero();
            assertThat(letter.at("/error/message").asText()).contains("cannot reach Expandable")
                    .contains("relay.vendors.expandable.give-up-after-hours");
            assertThat(letter.at("/error/httpStatus").isMissingNode()).isTrue();
            long waited = Instant.parse(letter.path("lastAttemptAt").asText()).toEpochMilli()
                    - Instant.parse(letter.path("firstAttemptAt").asText()).toEpochMilli();
            assertThat(waited).as("kept trying for about give-up-after-hours").isGreaterThanOrEqualTo(4_000);
        }
    }

    @Nested
    @Settings({
            "relay.vendors.expandable.timeout-ms=300",
            "relay.vendors.expandable.max-attempts=2",
            "relay.vendors.expandable.give-up-after-hours=0.0015"
    })
    class WithAShortTimeout extends OnWireMock {

        @Test
        void aSlowAnswerTimesOutAndIsRetriedWithoutUsingUpTheAttempts() throws Exception {
            EXPANDABLE.stubFor(post(urlEqualTo(UPDATE)).willReturn(okJson("{}").withFixedDelay(1500)));

            dropAndAwaitAttempts("expandable", 3, "slow.json",
                    Requests.emailChange("slow-1", "JHERNANDEZ", "j@abccorp.com"));

            JsonNode letter = await().atMost(Duration.ofSeconds(30)).until(this::deadLetters, l -> l.size() == 1)
                    .get(0);
            assertThat(letter.path("reason").asText()).isEqualTo("exhausted");
            assertThat(letter.at("/error/message").asText()).contains("Expandable did not answer within 300 ms")
                    .contains("relay.vendors.expandable.give-up-after-hours");
            assertThat(updates()).as("tried past max-attempts (2): no answer is not the request's fault")
                    .hasSizeGreaterThan(2);
        }
    }

    @Nested
    @Settings({"relay.vendors.expandable.rate-limit=10", "relay.vendors.expandable.concurrency=8"})
    class WithARateLimit extends OnWireMock {

        @Test
        void theRateLimitSpacesTheCallsToTheVendor() throws Exception {
            EXPANDABLE.stubFor(post(urlEqualTo(UPDATE)).willReturn(okJson("{}")));

            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < 15; i++) {
                lines.append(Requests.emailChange("rate-" + i, "C" + i, "c" + i + "@x.com")).append('\n');
            }
            dropAndAwaitAttempts("expandable", 15, "rate.ndjson", lines.toString());

            awaitDelivered("expandable", 15);
            List<Long> times = updates().stream().map(r -> r.getLoggedDate().getTime()).sorted().toList();
            assertThat(times).hasSize(15);
            assertThat(times.get(14) - times.get(0)).as("15 calls at 10 per second, 8 threads notwithstanding")
                    .isGreaterThanOrEqualTo(1300);
        }
    }
}
