package com.customerrelay.http;

import com.customerrelay.core.Json;
import com.customerrelay.delivery.DeliveryStatus;
import com.customerrelay.support.Http;
import com.customerrelay.support.RelayHarness;
import com.customerrelay.support.RelayTestCase;
import com.customerrelay.support.Requests;
import com.customerrelay.support.TestLog;
import com.customerrelay.support.WireMockVendors;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The HTTP API over real HTTP: keys, intake, request status, dead letters and their replay, and the console page. */
class HttpApiTest extends RelayTestCase {

    private static final String KEY = "test-api-key-5b1e";

    RelayHarness relay;
    WireMockServer expandable;

    private RelayHarness start() {
        relay = newRelay().set("relay.http.api-keys", "other-key," + KEY)
                .set("relay.http.max-body-bytes", "4096").start();
        return relay;
    }

    private HttpResponse<String> call(String method, String path, String body, String key) throws Exception {
        return key == null ? Http.send(method, relay.apiUrl() + path, body)
                : Http.send(method, relay.apiUrl() + path, body, "Authorization", "Bearer " + key);
    }

    @Test
    void withoutAKeyOrWithAWrongOneTheAnswerIs401AndTheKeyTriedIsLoggedNowhere() throws Exception {
        start();
        long mark = TestLog.mark();
        String contact = Requests.expandableContact("no-key-1", "ABCCORP", "JHERNANDEZ", "{\"title\":\"Buyer\"}");
        assertThat(call("POST", "/updates", contact, null).statusCode()).isEqualTo(401);
        HttpResponse<String> wrong = call("POST", "/updates", contact, "wrong-key-canary-77");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(Json.parse(wrong.body()).path("error").asText()).contains("not accepted");
        assertThat(call("GET", "/requests/no-key-1", null, null).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/dead-letters", null, "wrong-key-canary-77").statusCode()).isEqualTo(401);
        assertThat(call("POST", "/dead-letters/replay", "{\"all\":true}", null).statusCode()).isEqualTo(401);
        assertThat(relay.store().statusOf("no-key-1")).as("nothing accepted").isEmpty();
        assertThat(TestLog.since(mark)).doesNotContain("wrong-key-canary-77").doesNotContain(KEY);

        HttpResponse<String> xApiKey = Http.get(relay.apiUrl() + "/vendors", "X-API-Key", KEY);
        assertThat(xApiKey.statusCode()).as("X-API-Key is accepted too").isEqualTo(200);
    }

    @Test
    void postUpdatesAcceptsTheValidRequestsReportsDuplicatesAndDeadLettersTheInvalidOnes() throws Exception {
        start();
        String body = "[" + Requests.expandableContact("http-1", "ABCCORP", "JHERNANDEZ", "{\"title\":\"Buyer\"}")
                + ",{\"id\":\"http-bad\",\"kind\":\"contact\",\"targets\":{\"expandable\":{\"customerId\":\"ABCCORP\"}},"
                + "\"data\":{\"title\":\"x\"}}]";
        HttpResponse<String> first = call("POST", "/updates", body, KEY);
        assertThat(first.statusCode()).isEqualTo(202);
        JsonNode answer = Json.parse(first.body());
        assertThat(answer.path("accepted")).hasSize(1);
        assertThat(answer.path("accepted").get(0).path("id").asText()).isEqualTo("http-1");
        assertThat(answer.path("accepted").get(0).path("vendors").get(0).asText()).isEqualTo("expandable");
        assertThat(answer.path("invalid")).hasSize(1);
        assertThat(answer.path("invalid").get(0).path("index").asInt()).isEqualTo(1);
        assertThat(answer.path("invalid").get(0).path("id").asText()).isEqualTo("http-bad");
        assertThat(answer.path("invalid").get(0).path("message").asText()).contains("contactId");
        assertThat(answer.path("duplicates")).isEmpty();

        await().atMost(Duration.ofSeconds(15)).until(() -> relay.store().count(DeliveryStatus.DELIVERED, "expandable") == 1);
        JsonNode letter = relay.deadLetters().get(0);
        assertThat(letter.path("reason").asText()).isEqualTo("invalid");
        assertThat(letter.path("source").path("intake").asText()).isEqualTo("http");
        assertThat(letter.path("source").path("index").asInt()).isEqualTo(1);

        HttpResponse<String> again = call("POST", "/updates", body, KEY);
        assertThat(again.statusCode()).isEqualTo(202);
        assertThat(Json.parse(again.body()).path("duplicates").get(0).asText()).isEqualTo("http-1");
        assertThat(Json.parse(again.body()).path("accepted")).isEmpty();

        HttpResponse<String> status = call("GET", "/requests/http-1", null, KEY);
        assertThat(status.statusCode()).isEqualTo(200);
        JsonNode delivery = Json.parse(status.body()).path("deliveries").get(0);
        assertThat(delivery.path("vendor").asText()).isEqualTo("expandable");
        assertThat(delivery.path("status").asText()).isEqualTo("delivered");
        assertThat(delivery.path("attempts").asInt()).isEqualTo(1);
        assertThat(delivery.path("lastAttemptAt").asText()).isNotEmpty();

        HttpResponse<String> unknown = call("GET", "/requests/no-such-request", null, KEY);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(Json.parse(unknown.body()).path("error").asText()).contains("no-such-request");
    }

    @Test
    void aBodyThatIsNotJsonIs400ATooLargeOneIs413AndADeeplyNestedOneIs400() throws Exception {
        start();
        HttpResponse<String> notJson = call("POST", "/updates", "{\"id\": \"half", KEY);
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(Json.parse(notJson.body()).path("error").asText()).contains("not JSON").contains("nothing");
        assertThat(call("POST", "/updates", "", KEY).statusCode()).isEqualTo(400);

        HttpResponse<String> large = call("POST", "/updates", "[" + "1,".repeat(3000) + "1]", KEY);
        assertThat(large.statusCode()).as("over relay.http.max-body-bytes (4096)").isEqualTo(413);

        HttpResponse<String> nested = call("POST", "/updates", "[".repeat(1500) + "]".repeat(1500), KEY);
        assertThat(nested.statusCode()).isEqualTo(400);
        assertThat(relay.deadLetters()).as("nothing accepted, nothing dead-lettered").isEmpty();

        assertThat(call("GET", "/dead-letters?limit=zero", null, KEY).statusCode()).isEqualTo(400);
        assertThat(call("POST", "/dead-letters/replay", "{}", KEY).statusCode()).isEqualTo(400);
        HttpResponse<String> none = call("POST", "/dead-letters/replay", "{\"requestIds\":[\"nothing\"]}", KEY);
        assertThat(none.statusCode()).isEqualTo(200);
        assertThat(Json.parse(none.body()).path("replayed").asInt()).isZero();
        HttpResponse<String> noJobs = call("GET", "/sync", null, KEY);
        assertThat(noJobs.statusCode()).isEqualTo(200);
        assertThat(noJobs.body()).isEqualTo("{\"jobs\":[]}");
        assertThat(call("GET", "/sync/nightly", null, KEY).statusCode()).as("no such job").isEqualTo(404);
        assertThat(call("POST", "/sync/nightly/run", null, KEY).statusCode()).isEqualTo(404);
    }

    @Test
    void aVendorBesideTheRequestIdsReplaysThatVendorsDeadLetterOnlyAsTheConsolesButtonDoes() throws Exception {
        expandable = WireMockVendors.expandable(closing);
        expandable.stubFor(post(urlEqualTo("/api/customer-contact-update")).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json").withBody("{\"MESSAGE\":\"Contact record is locked\"}")));
        expandable.stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching("/soliditech/.*"))
                .willReturn(aResponse().withStatus(422).withBody("{\"error\":\"no such account\"}")));
        relay = newRelay().set("relay.http.api-keys", KEY)
                .set("relay.vendors.expandable.base-url", expandable.baseUrl() + "/api")
                .set("relay.vendors.expandable.max-attempts", "1")
                .set("relay.vendors.soliditech.base-url", expandable.baseUrl() + "/soliditech")
                .set("relay.vendors.soliditech.api-key", "k").start();
        String both = "{\"id\":\"both-1\",\"kind\":\"contact\",\"targets\":{\"expandable\":{\"customerId\":\"ABCCORP\","
                + "\"contactId\":\"LOCKED\"},\"soliditech\":{\"accountId\":\"404\",\"contactId\":\"9\"}},"
                + "\"data\":{\"title\":\"t\"}}";
        assertThat(call("POST", "/updates", both, KEY).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> relay.deadLetters().size() == 2);
        // Expandable mended, so that the replayed delivery ends delivered rather than in a new dead letter
        expandable.stubFor(post(urlEqualTo("/api/customer-contact-update")).willReturn(okJson("{}")));

        HttpResponse<String> replay = call("POST", "/dead-letters/replay",
                "{\"requestIds\":[\"both-1\"],\"vendor\":\"expandable\"}", KEY);
        assertThat(replay.statusCode()).isEqualTo(200);
        assertThat(Json.parse(replay.body()).path("replayed").asInt()).as("expandable's letter only").isEqualTo(1);
        await().atMost(Duration.ofSeconds(20)).until(() -> relay.store().count(DeliveryStatus.DELIVERED, "expandable") == 1);
        assertThat(relay.deadLetters()).extracting(l -> l.path("vendor").asText()).containsExactly("soliditech");
    }

    @Test
    void aDeadLetterReplayedAfterTheVendorIsMendedIsDeliveredOnceNeverTwiceAndASecondReplaySendsNothing() throws Exception {
        expandable = WireMockVendors.expandable(closing);
        expandable.stubFor(post(urlEqualTo("/api/customer-contact-update")).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"MESSAGE\":\"Contact record is locked\",\"MESSAGE_CODE\":\"E1042\"}")));
        relay = newRelay().set("relay.http.api-keys", KEY)
                .set("relay.vendors.expandable.base-url", expandable.baseUrl() + "/api")
                .set("relay.vendors.expandable.max-attempts", "2").start();
        for (String id : List.of("locked-1", "locked-2")) {
            assertThat(call("POST", "/updates", Requests.expandableContact(id, "ABCCORP", id, "{\"title\":\"t\"}"),
                    KEY).statusCode()).isEqualTo(202);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> relay.deadLetters().size() == 2
                && relay.store().count(DeliveryStatus.DEAD, "expandable") == 2);

        HttpResponse<String> listed = call("GET", "/dead-letters?vendor=expandable&reason=exhausted", null, KEY);
        assertThat(listed.statusCode()).isEqualTo(200);
        JsonNode letters = Json.parse(listed.body());
        assertThat(letters).hasSize(2);
        assertThat(letters.get(0).path("error").path("vendorCode").asText()).isEqualTo("E1042");
        assertThat(letters.get(0).path("file").asText()).endsWith(".json");
        assertThat(Json.parse(call("GET", "/requests/locked-1", null, KEY).body()).path("deliveries").get(0)
                .path("status").asText()).isEqualTo("dead");

        expandable.stubFor(post(urlEqualTo("/api/customer-contact-update")).willReturn(okJson("{}")));
        // locked-2 is sent again by its producer and delivered before anyone replays its dead letter
        assertThat(call("POST", "/updates", Requests.expandableContact("locked-2", "ABCCORP", "locked-2",
                "{\"title\":\"t\"}"), KEY).statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> relay.store().count(DeliveryStatus.DELIVERED, "expandable") == 1);
        HttpResponse<String> replay = call("POST", "/dead-letters/replay", "{\"vendor\":\"expandable\"}", KEY);
        assertThat(replay.statusCode()).isEqualTo(200);
        assertThat(Json.parse(replay.body()).path("replayed").asInt()).as("locked-1 only").isEqualTo(1);
        await().atMost(Duration.ofSeconds(20)).until(() -> relay.store().count(DeliveryStatus.DELIVERED, "expandable") == 2);

        HttpResponse<String> second = call("POST", "/dead-letters/replay", "{\"all\":true}", KEY);
        assertThat(Json.parse(second.body()).path("replayed").asInt()).isZero();
        assertThat(relay.deadLetters()).as("the replayed files left the folder").isEmpty();
        try (var replayed = Files.list(relay.deadLetterDir().resolve(".replayed"))) {
            assertThat(replayed.count()).isEqualTo(2);
        }
        for (String id : List.of("locked-1", "locked-2")) {
            // attempts 1 and 2 failed, then one delivery (the replay, or the producer's resend): three calls in all,
            // and no fourth after the replays
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> expandable
                    .countRequestsMatching(postRequestedFor(urlEqualTo("/api/customer-contact-update"))
                            .withRequestBody(matchingJsonPath("$.CUST_CONTACT", equalTo(id))).build())
                    .getCount() == 3);
        }
    }

    @Test
    void withNoKeyConfiguredOneIsMadeAtFirstStartKeptForItsOwnerOnlyAndOnlyItsPathIsLogged() throws Exception {
        long mark = TestLog.mark();
        relay = newRelay().start();
        Path file = dir.resolve("data").resolve("http-api-key");
        String key = Files.readString(file).trim();
        assertThat(key).hasSizeGreaterThanOrEqualTo(40);
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(TestLog.since(mark)).contains(file.toAbsolutePath().toString()).doesNotContain(key);
        assertThat(call("GET", "/vendors", null, key).statusCode()).isEqualTo(200);

        relay.close();
        relay = newRelay().start();
        assertThat(call("GET", "/vendors", null, key).statusCode()).as("the kept key, after a restart").isEqualTo(200);
        assertThat(Files.readString(file).trim()).isEqualTo(key);
    }

    @Test
    void theConsolePageIsServedWithoutAKey() throws Exception {
        start();
        HttpResponse<String> page = call("GET", "/", null, null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(page.body()).contains("Customer Relay").contains("/dead-letters/replay");
    }
}
