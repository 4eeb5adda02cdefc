package com.customerrelay.hardening;

import com.customerrelay.support.QueueProducer;
import com.customerrelay.support.RelayHarness;
import com.customerrelay.support.RelayTestCase;
import com.customerrelay.support.Requests;
import com.customerrelay.support.VendorStub;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A request over relay.intake.max-request-bytes — a line, an element of a .json array, a request in a queue
 * message — is refused as an {@code invalid} dead letter holding only its start, with its file and line; the
 * requests around it are delivered.
 */
class OversizedRequestTest extends RelayTestCase {

    private static final int LIMIT = 4096;

    VendorStub vendor = newVendor();
    RelayHarness relay;

    /** A request of about {@code bytes} bytes, mostly a long note. */
    static String big(String marker, int bytes) {
        return "{\"id\":\"" + marker + "\",\"kind\":\"contact\",\"targets\":{\"expandable\":{\"customerId\":\"BULK\","
                + "\"contactId\":\"" + marker + "\"}},\"data\":{\"notes\":\"" + "n".repeat(bytes) + "\"}}";
    }

    private RelayHarness start() {
        relay = newRelay(vendor)
                .set("relay.intake.max-request-bytes", String.valueOf(LIMIT));
        return relay;
    }

    @Test
    void anOversizedLineOrArrayElementIsRefusedWithItsStartAndTheRestIsDelivered() {
        start().start();
        relay.drop("big.ndjson", Requests.marked("l1") + "\n" + big("too-big-line", 50_000) + "\n"
                + Requests.marked("l3") + "\n");
        relay.drop("big.json", "[\n" + Requests.marked("a1") + ",\n" + big("too-big-element", 50_000) + ",\n"
                + Requests.marked("a3")
                + "\n]");
        relay.awaitDone("big.ndjson");
        relay.awaitDone("big.json");
        await().atMost(Duration.ofSeconds(20)).until(() -> vendor.distinct() == 4);
        assertThat(vendor.perMarker()).containsOnlyKeys("l1", "l3", "a1", "a3");

        List<JsonNode> letters = relay.deadLetters();
        assertThat(letters).hasSize(2);
        JsonNode line = letters.stream().filter(l -> l.at("/source/name").asText().equals("big.ndjson")).findFirst()
                .orElseThrow();
        assertThat(line.path("reason").asText()).isEqualTo("invalid");
        assertThat(line.at("/source/line").asInt()).isEqualTo(2);
        assertThat(line.at("/error/message").asText()).contains("line 2 of big.ndjson is "
                + big("too-big-line", 50_000).length() + " bytes, over the limit of 4096 bytes");
        assertThat(line.path("request").asText()).startsWith("{\"id\":\"too-big-line\"").hasSizeLessThan(400);
        assertThat(line.path("requestId").asText()).as("the id its kept start names").isEqualTo("too-big-line");
        JsonNode element = letters.stream().filter(l -> l.at("/source/name").asText().equals("big.json")).findFirst()
                .orElseThrow();
        assertThat(element.at("/source/line").asInt()).isEqualTo(3);
        assertThat(element.at("/error/message").asText()).contains("array element 1 of big.json (line 3)")
                .contains("over the limit of 4096 bytes");
        assertThat(element.path("request").asText()).startsWith("{\"id\":\"too-big-element\"").hasSizeLessThan(400);
        assertThat(element.path("requestId").asText()).isEqualTo("too-big-element");
    }

    @Test
    void anOversizedRequestInAQueueMessageIsRefusedAndTheOthersAreDelivered() {
        start();
        String broker = relay.brokerOnFreePort();
        relay.start();
        try (QueueProducer producer = new QueueProducer(broker, "relay.updates")) {
            producer.send("[" + Requests.marked("q1") + "," + big("too-big-in-message", 20_000) + ","
                            + Requests.marked("q3") + "]",
                    big("too-big-message", 20_000), Requests.marked("q5"));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> vendor.distinct() == 3 && relay.deadLetters().size() == 2);
        assertThat(vendor.perMarker()).containsOnlyKeys("q1", "q3", "q5");
        for (JsonNode letter : relay.deadLetters()) {
            assertThat(letter.path("reason").asText()).isEqualTo("invalid");
            assertThat(letter.at("/error/message").asText()).contains("over the limit of 4096 bytes");
            assertThat(letter.path("request").asText()).startsWith("{\"id\":\"too-big-").hasSizeLessThan(400);
        }
        assertThat(relay.deadLetters()).extracting(l -> l.at("/source/index").asInt(-1)).containsExactlyInAnyOrder(1,
                -1);
    }

    @Test
    void aMessageOverTheMessageLimitIsRefusedUnreadAndTheQueueFlowsOn() {
        start().set("relay.queue.max-message-bytes", "32768");
        String broker = relay.brokerOnFreePort();
        relay.start();
        // many requests each under the request limit, together over the message limit
        StringBuilder many = new StringBuilder("[");
        for (int i = 0; i < 200; i++) {
            many.append(i == 0 ? "" : ",").append(Requests.marked("in-big-" + i));
        }
        many.append("]");
        assertThat(many.length()).isGreaterThan(32768);
        try (QueueProducer producer = new QueueProducer(broker, "relay.updates")) {
            producer.send(Requests.marked("m1"), many.toString(), Requests.marked("m3"));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> vendor.distinct() == 2 && relay.deadLetters().size() == 1);
        assertThat(vendor.perMarker()).containsOnlyKeys("m1", "m3");
        JsonNode letter = relay.deadLetters().get(0);
        assertThat(letter.path("reason").asText()).isEqualTo("invalid");
        assertThat(letter.at("/error/message").asText()).contains("is " + many.length() + " bytes, over the limit "
                + "of 32768 bytes for one message (relay.queue.max-message-bytes)");
        assertThat(letter.path("request").asText()).startsWith("[{").hasSizeLessThan(400);
        assertThat(letter.at("/source/intake").asText()).isEqualTo("queue");
    }

    @Test
    void bytesMessagesAreSizedBeforeTheyAreReadAndOtherMessageTypesAreInvalid() throws Exception {
        start().set("relay.queue.max-message-bytes", "32768");
        String broker = relay.brokerOnFreePort();
        relay.start();
        byte[] big = ("[" + Requests.marked("in-bytes") + "," + " ".repeat(40_000) + "]")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory factory =
                     new org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory(broker);
             jakarta.jms.Connection connection = factory.createConnection()) {
            jakarta.jms.Session session = connection.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE);
            jakarta.jms.MessageProducer producer = session.createProducer(session.createQueue("relay.updates"));
            jakarta.jms.BytesMessage fine = session.createBytesMessage();
            fine.writeBytes(Requests.marked("b1").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            producer.send(fine);
            jakarta.jms.BytesMessage tooBig = session.createBytesMessage();
            tooBig.writeBytes(big);
            producer.send(tooBig);
            jakarta.jms.MapMessage map = session.createMapMessage();
            map.setString("id", "as-a-map");
            producer.send(map);
            producer.send(session.createTextMessage(Requests.marked("t3")));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> vendor.distinct() == 2 && relay.deadLetters().size() == 2);
        assertThat(vendor.perMarker()).containsOnlyKeys("b1", "t3");
        List<String> messages = relay.deadLetters().stream().map(l -> l.at("/error/message").asText()).toList();
        assertThat(messages).anySatisfy(m -> assertThat(m).contains("is " + big.length + " bytes, over the limit of "
                + "32768 bytes for one message (relay.queue.max-message-bytes)"));
        assertThat(messages).anySatisfy(m -> assertThat(m).contains("not a text or bytes message"));
        assertThat(relay.deadLetters()).allSatisfy(l -> assertThat(l.path("reason").asText()).isEqualTo("invalid"));
    }
}
