package com.customerrelay.outcome;

import com.customerrelay.core.Json;
import com.customerrelay.support.Http;
import com.customerrelay.support.OutcomeConsumer;
import com.customerrelay.support.RelayHarness;
import com.customerrelay.support.RelayTestCase;
import com.customerrelay.support.Requests;
import com.customerrelay.support.WireMockVendors;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Outcomes back to producers (PRODUCT.md §8), read by a real JMS consumer of the embedded broker's outcome queue:
 * one message for each final outcome — delivered, rejected, exhausted, skipped, invalid — from the queue, file and
 * HTTP intakes, carrying the ids, the vendor's record id, the error and where the request came from (never the
 * request), the correlation id it came with, and a copy to its JMSReplyTo. And the attempts of a delivery that
 * failed twice and then succeeded, as GET /requests/{id} lists them.
 */
class OutcomeMessagesTest extends RelayTestCase {

    private static final String KEY = "outcome-test-key";
    private static final String PASSWORD = "exp-password-canary-4411";
    private static final Duration WAIT = Duration.ofSeconds(30);

    WireMockServer expandable;
    RelayHarness relay;
    OutcomeConsumer outcomes;
    String broker;

    @BeforeEach
    void setUp() {
        expandable = WireMockVendors.expandable(closing);
        contactAnswers("C-OK", okJson("{\"CUSTOMER_ID\":\"ABCCORP\",\"CUST_CONTACT\":\"C-OK\"}"));
        contactAnswers("C-SKIP", okJson("{\"CUSTOMER_ID\":\"ABCCORP\",\"CUST_CONTACT\":\"C-SKIP\"}"));
        contactAnswers("C-LOCKED", aResponse().withStatus(500)
                .withBody("{\"MESSAGE\":\"Contact record is locked\",\"MESSAGE_CODE\":\"E1042\"}"));
        contactAnswers("C-GONE", aResponse().withStatus(422)
                .withBody("{\"MESSAGE\":\"No such contact\",\"MESSAGE_CODE\":\"E0404\"}"));
        // fails twice with the vendor's message, then succeeds
        for (String[] step : new String[][] {{Scenario.STARTED, "once"}, {"once", "twice"}}) {
            expandable.stubFor(post(urlEqualTo("/api/customer-contact-update"))
                    .withRequestBody(matchingJsonPath("$.CUST_CONTACT", equalTo("C-FLAKY")))
                    .inScenario("flaky").whenScenarioStateIs(step[0]).willSetStateTo(step[1])
                    .willReturn(aResponse().withStatus(500)
                            .withBody("{\"MESSAGE\":\"Try again shortly\",\"MESSAGE_CODE\":\"E0503\"}")));
        }
        expandable.stubFor(post(urlEqualTo("/api/customer-contact-update"))
                .withRequestBody(matchingJsonPath("$.CUST_CONTACT", equalTo("C-FLAKY")))
                .inScenario("flaky").whenScenarioStateIs("twice")
                .willReturn(okJson("{\"CUSTOMER_ID\":\"ABCCORP\",\"CUST_CONTACT\":\"C-FLAKY\"}")));

        relay = newRelay().set("relay.http.api-keys", KEY)
                .set("relay.vendors.expandable.base-url", expandable.baseUrl() + "/api")
                .set("relay.vendors.expandable.password", PASSWORD)
                .set("relay.vendors.expandable.max-attempts", "3");
        broker = relay.brokerOnFreePort();
        relay.start();
        outcomes = closing.add(new OutcomeConsumer(broker, "relay.outcomes"));
    }

    private void contactAnswers(String contact, com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder answer) {
        expandable.stubFor(post(urlEqualTo("/api/customer-contact-update"))
                .withRequestBody(matchingJsonPath("$.CUST_CONTACT", equalTo(contact))).willReturn(answer));
    }

    @Test
    void everyFinalOutcomeIsPublishedFromEveryIntakeWithItsIdsAndNoneOfTheRequest() throws Exception {
        String replies;
        try (OutcomeConsumer replyQueue = new OutcomeConsumer(broker, "crm.replies")) {
            // the queue: a correlation id and a reply address, as a CRM doing request-reply sends them
            sendToQueue(Requests.expandableContact("q-ok", "ABCCORP", "C-OK",
                    "{\"email\":\"private.person@example.com\"}"), "corr-q-1", "crm.replies");
            JsonNode delivered = outcomes.of("q-ok", "expandable", WAIT);
            assertThat(delivered.path("outcome").asText()).isEqualTo("delivered");
            assertThat(delivered.path("attempts").asInt()).isEqualTo(1);
            assertThat(delivered.path("vendorRecordId").asText()).isEqualTo("C-OK");
            assertThat(delivered.path("error").isNull()).isTrue();
            assertThat(delivered.path("correlationId").asText()).isEqualTo("corr-q-1");
            assertThat(delivered.path("source").path("intake").asText()).isEqualTo("queue");
            assertThat(delivered.path("source").path("name").asText()).isEqualTo("relay.updates");
            assertThat(delivered.path("source").path("messageId").asText()).isNotEmpty();
            assertThat(delivered.path("source").has("replyTo")).as("the reply address is not a source").isFalse();
            Instant accepted = Instant.parse(delivered.path("acceptedAt").asText());
            assertThat(Instant.parse(delivered.path("finishedAt").asText())).isAfterOrEqualTo(accepted);
            assertThat(outcomes.find("q-ok", "expandable").correlationId()).as("JMSCorrelationID").isEqualTo("corr-q-1");
            assertThat(delivered.has("request")).isFalse();
            assertThat(delivered.toString()).doesNotContain("private.person");

            JsonNode reply = replyQueue.of("q-ok", "expandable", WAIT);
            assertThat(reply).as("the same message to the JMSReplyTo").isEqualTo(delivered);
            replies = reply.toString();
        }
        assertThat(replies).doesNotContain(PASSWORD);

        // a dropped file: the vendor refuses it for good, or it stays locked until the attempts run out
        relay.drop("crm.ndjson", Requests.expandableContact("f-gone", "ABCCORP", "C-GONE", "{\"title\":\"x\"}") + "\n"
                + Requests.expandableContact("f-locked", "ABCCORP", "C-LOCKED", "{\"title\":\"y\"}") + "\n");
        JsonNode rejected = outcomes.of("f-gone", "expandable", WAIT);
        assertThat(rejected.path("outcome").asText()).isEqualTo("rejected");
        assertThat(rejected.path("attempts").asInt()).isEqualTo(1);
        assertThat(rejected.path("error").path("httpStatus").asInt()).isEqualTo(422);
        assertThat(rejected.path("error").path("vendorMessage").asText()).isEqualTo("No such contact");
        assertThat(rejected.path("error").path("vendorCode").asText()).isEqualTo("E0404");
        assertThat(rejected.path("source").path("intake").asText()).isEqualTo("file");
        assertThat(rejected.path("source").path("name").asText()).isEqualTo("crm.ndjson");
        assertThat(rejected.path("source").path("line").asInt()).isEqualTo(1);
        assertThat(rejected.path("correlationId").isNull()).isTrue();
        JsonNode exhausted = outcomes.of("f-locked", "expandable", WAIT);
        assertThat(exhausted.path("outcome").asText()).isEqualTo("exhausted");
        assertThat(exhausted.path("attempts").asInt()).isEqualTo(3);
        assertThat(exhausted.path("error").path("message").asText()).contains("Contact record is locked");
        assertThat(exhausted.path("error").path("vendorCode").asText()).isEqualTo("E1042");
        assertThat(exhausted.path("source").path("line").asInt()).isEqualTo(2);

        // HTTP: an invalid request, and an update older than one already delivered (skipped)
        HttpResponse<String> posted = postUpdates("[{\"id\":\"h-bad\",\"kind\":\"contact\",\"targets\":{\"expandable\":"
                + "{\"customerId\":\"ABCCORP\"}},\"data\":{\"title\":\"x\"}},"
                + skipRequest("h-new", "2026-11-22T11:00:00Z") + "]", "corr-h-1");
        assertThat(posted.statusCode()).isEqualTo(202);
        JsonNode invalid = outcomes.of("h-bad", "expandable", WAIT);
        assertThat(invalid.path("outcome").asText()).isEqualTo("invalid");
        assertThat(invalid.path("attempts").asInt()).isZero();
        assertThat(invalid.path("error").path("message").asText()).contains("contactId");
        assertThat(invalid.path("source").path("intake").asText()).isEqualTo("http");
        assertThat(invalid.path("correlationId").asText()).isEqualTo("corr-h-1");
        assertThat(outcomes.of("h-new", "expandable", WAIT).path("outcome").asText()).isEqualTo("delivered");
        assertThat(postUpdates(skipRequest("h-old", "2026-11-22T10:00:00Z"), null).statusCode()).isEqualTo(202);
        JsonNode skipped = outcomes.of("h-old", "expandable", WAIT);
        assertThat(skipped.path("outcome").asText()).isEqualTo("skipped");
        assertThat(skipped.path("attempts").asInt()).isZero();
        assertThat(skipped.path("error").path("message").asText()).contains("already delivered");

        List<OutcomeConsumer.Received> all = outcomes.received();
        assertThat(all).as("one message per outcome, none twice").hasSize(6);
        assertThat(all).allSatisfy(r -> assertThat(r.body().toString()).doesNotContain(PASSWORD)
                .doesNotContain("\"data\""));
        assertThat(relay.outbox().size()).as("the outbox is emptied once published").isZero();
    }

    @Test
    void aDeliveryThatFailedTwiceThenSucceededListsItsThreeAttempts() throws Exception {
        assertThat(postUpdates(Requests.expandableContact("flaky-1", "ABCCORP", "C-FLAKY", "{\"title\":\"x\"}"), null)
                .statusCode()).isEqualTo(202);
        JsonNode delivered = outcomes.of("flaky-1", "expandable", WAIT);
        assertThat(delivered.path("outcome").asText()).isEqualTo("delivered");
        assertThat(delivered.path("attempts").asInt()).isEqualTo(3);
        assertThat(delivered.path("vendorRecordId").asText()).isEqualTo("C-FLAKY");

        HttpResponse<String> status = Http.get(relay.apiUrl() + "/requests/flaky-1", "X-API-Key", KEY);
        JsonNode delivery = Json.parse(status.body()).path("deliveries").get(0);
        assertThat(delivery.path("attempts").asInt()).isEqualTo(3);
        JsonNode attempts = delivery.path("lastAttempts");
        assertThat(attempts).hasSize(3);
        for (int i = 0; i < 2; i++) {
            JsonNode failed = attempts.get(i);
            assertThat(failed.path("result").asText()).isEqualTo("retry");
            assertThat(failed.path("httpStatus").asInt()).isEqualTo(500);
            assertThat(failed.path("vendorMessage").asText()).isEqualTo("Try again shortly");
            assertThat(failed.path("vendorCode").asText()).isEqualTo("E0503");
            assertThat(failed.path("seconds").asDouble()).isGreaterThanOrEqualTo(0);
            assertThat(failed.has("vendorRecordId")).isFalse();
        }
        JsonNode ok = attempts.get(2);
        assertThat(ok.path("result").asText()).isEqualTo("ok");
        assertThat(ok.path("httpStatus").asInt()).isEqualTo(200);
        assertThat(ok.path("vendorRecordId").asText()).isEqualTo("C-FLAKY");
        assertThat(Instant.parse(attempts.get(0).path("at").asText()))
                .isBefore(Instant.parse(attempts.get(1).path("at").asText()))
                .isBefore(Instant.parse(ok.path("at").asText()));
    }

    private static String skipRequest(String id, String occurredAt) {
        return "{\"id\":\"" + id + "\",\"kind\":\"contact\",\"occurredAt\":\"" + occurredAt + "\",\"targets\":"
                + "{\"expandable\":{\"customerId\":\"ABCCORP\",\"contactId\":\"C-SKIP\"}},\"data\":{\"title\":\"t\"}}";
    }

    private HttpResponse<String> postUpdates(String body, String correlationId) throws Exception {
        return correlationId == null ? Http.send("POST", relay.apiUrl() + "/updates", body, "X-API-Key", KEY)
                : Http.send("POST", relay.apiUrl() + "/updates", body, "X-API-Key", KEY,
                "X-Correlation-Id", correlationId);
    }

    private void sendToQueue(String body, String correlationId, String replyTo) throws Exception {
        try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(broker);
             Connection connection = factory.createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue("relay.updates"));
            TextMessage message = session.createTextMessage(body);
            message.setJMSCorrelationID(correlationId);
            message.setJMSReplyTo(session.createQueue(replyTo));
            producer.send(message);
        }
    }
}
