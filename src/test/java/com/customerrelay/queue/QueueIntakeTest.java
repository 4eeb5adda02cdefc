package com.customerrelay.queue;

import com.customerrelay.connector.expandable.ExpandableSandbox;
import com.customerrelay.delivery.DeliveryStatus;
import com.customerrelay.support.QueueProducer;
import com.customerrelay.support.RelayHarness;
import com.customerrelay.support.RelayTestCase;
import com.customerrelay.support.Requests;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The JMS intake on the relay's embedded, persistent Artemis broker. */
class QueueIntakeTest extends RelayTestCase {

    RelayHarness relay;
    String brokerUrl;
    ExpandableSandbox sandbox;

    @BeforeEach
    void setUp() {
        relay = newRelay();
        brokerUrl = relay.brokerOnFreePort();
        relay.start();
        sandbox = relay.bean("expandableSandbox", ExpandableSandbox.class);
    }

    @Test
    void aMessageOfOneRequestAndAMessageOfSeveralAreDelivered() {
        try (QueueProducer producer = new QueueProducer(brokerUrl, "relay.updates")) {
            producer.send(Requests.emailChange("q-1", "JHERNANDEZ", "juan@q.example"),
                    "[" + Requests.emailChange("q-2", "MSMITH", "mary@q.example") + ","
                            + Requests.expandableContact("q-3", "XYZLTD", "PCHEN", "{\"title\":\"Lead\"}") + "]");
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> relay.store().count(DeliveryStatus.DELIVERED, "expandable") == 3);
        assertThat(sandbox.contact("ABCCORP", "JHERNANDEZ").path("E_MAIL").asText()).isEqualTo("juan@q.example");
        assertThat(sandbox.contact("ABCCORP", "MSMITH").path("E_MAIL").asText()).isEqualTo("mary@q.example");
        assertThat(sandbox.contact("XYZLTD", "PCHEN").path("TITLE").asText()).isEqualTo("Lead");
        assertThat(Files.exists(dir.resolve("data").resolve("broker").resolve("journal")))
                .as("the embedded broker is persistent").isTrue();
    }

    @Test
    void anInvalidMessageIsDeadLetteredWithItsRawTextAndTheQueueKeepsFlowing() {
        try (QueueProducer producer = new QueueProducer(brokerUrl, "relay.updates")) {
            producer.send("{\"kind\":\"contact\", oops", "[1, " + Requests.emailChange("q-5", "MSMITH", "m@q.x") + "]",
                    Requests.emailChange("q-4", "JHERNANDEZ", "after@q.example"));
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> relay.store().count(DeliveryStatus.DELIVERED, "expandable") == 2
                && relay.deadLetters().size() == 2);
        JsonNode raw = relay.deadLetters().stream().filter(l -> l.path("request").isTextual()).findFirst().orElseThrow();
        assertThat(raw.path("reason").asText()).isEqualTo("invalid");
        assertThat(raw.path("request").asText()).isEqualTo("{\"kind\":\"contact\", oops");
        assertThat(raw.at("/source/intake").asText()).isEqualTo("queue");
        assertThat(raw.at("/source/name").asText()).isEqualTo("relay.updates");
        assertThat(raw.at("/source/messageId").asText()).isNotEmpty();
        assertThat(raw.at("/error/message").asText()).contains("on relay.updates is not valid JSON");
        JsonNode element = relay.deadLetters().stream().filter(l -> l.path("request").isNumber()).findFirst()
                .orElseThrow();
        assertThat(element.at("/error/message").asText()).isEqualTo("request must be a JSON object, not a number");
        assertThat(element.at("/source/index").asInt()).isZero();
        assertThat(sandbox.contact("ABCCORP", "JHERNANDEZ").path("E_MAIL").asText()).isEqualTo("after@q.example");
    }
}
