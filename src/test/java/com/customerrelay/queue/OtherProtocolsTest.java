package com.customerrelay.queue;

import com.customerrelay.connector.expandable.ExpandableSandbox;
import com.customerrelay.delivery.DeliveryStatus;
import com.customerrelay.support.RelayHarness;
import com.customerrelay.support.RelayTestCase;
import com.customerrelay.support.Requests;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Producers that do not speak Artemis's core protocol reach the relay through the embedded broker's one port, as
 * producers in Python, Node.js or Go would: an AMQP 1.0 producer (the Qpid JMS client) and a STOMP producer (a
 * plain socket writing STOMP frames) each deliver a request to the Expandable sandbox, and a body that is not JSON
 * is an invalid dead letter as on the JMS path.
 */
class OtherProtocolsTest extends RelayTestCase {

    RelayHarness relay;
    int port;
    ExpandableSandbox sandbox;

    @BeforeEach
    void setUp() {
        relay = newRelay();
        port = URI.create(relay.brokerOnFreePort()).getPort();
        relay.start();
        sandbox = relay.bean("expandableSandbox", ExpandableSandbox.class);
    }

    @Test
    void anAmqpProducerDeliversThroughTheDefaultPort() throws Exception {
        JmsConnectionFactory amqp = new JmsConnectionFactory("amqp://localhost:" + port);
        try (Connection connection = amqp.createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue("relay.updates"));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            TextMessage update = session.createTextMessage(
                    Requests.emailChange("amqp-1", "JHERNANDEZ", "juan@amqp.example"));
            // one record's updates in one message group keep their order with several consumers
            update.setStringProperty("JMSXGroupID", "expandable/ABCCORP/JHERNANDEZ");
            producer.send(update);
            producer.send(session.createTextMessage("not json from amqp"));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> relay.store().count(DeliveryStatus.DELIVERED, "expandable") == 1
                && relay.deadLetters().size() == 1);
        assertThat(sandbox.contact("ABCCORP", "JHERNANDEZ").path("E_MAIL").asText()).isEqualTo("juan@amqp.example");
        JsonNode letter = relay.deadLetters().get(0);
        assertThat(letter.get("reason").asText()).isEqualTo("invalid");
        assertThat(letter.get("request").asText()).isEqualTo("not json from amqp");
        assertThat(letter.at("/source/intake").asText()).isEqualTo("queue");
        assertThat(letter.at("/error/message").asText()).contains("is not valid JSON");
    }

    @Test
    void aStompProducerDeliversThroughTheDefaultPort() throws Exception {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            frame(out, "CONNECT\naccept-version:1.2\nhost:localhost\n\n");
            assertThat(readFrame(in)).startsWith("CONNECTED");
            String body = Requests.emailChange("stomp-1", "MSMITH", "mary@stomp.example");
            frame(out, "SEND\ndestination:relay.updates\ndestination-type:ANYCAST\ncontent-type:application/json\n"
                    + "receipt:1\n\n" + body);
            assertThat(readFrame(in)).startsWith("RECEIPT").contains("receipt-id:1");
            frame(out, "SEND\ndestination:relay.updates\ndestination-type:ANYCAST\nreceipt:2\n\n<not json/>");
            assertThat(readFrame(in)).startsWith("RECEIPT");
            frame(out, "DISCONNECT\nreceipt:3\n\n");
            readFrame(in);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> relay.store().count(DeliveryStatus.DELIVERED, "expandable") == 1
                && relay.deadLetters().size() == 1);
        assertThat(sandbox.contact("ABCCORP", "MSMITH").path("E_MAIL").asText()).isEqualTo("mary@stomp.example");
        JsonNode letter = relay.deadLetters().get(0);
        assertThat(letter.get("reason").asText()).isEqualTo("invalid");
        assertThat(letter.get("request").asText()).isEqualTo("<not json/>");
        assertThat(letter.at("/source/intake").asText()).isEqualTo("queue");
    }

    private static void frame(OutputStream out, String frame) throws IOException {
        out.write(frame.getBytes(StandardCharsets.UTF_8));
        out.write(0);
        out.flush();
    }

    /** One STOMP frame as text, up to its NUL (heart-beat line feeds before it skipped). */
    private static String readFrame(InputStream in) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != 0; ) {
            if (b < 0) {
                throw new IOException("the broker closed the connection after: " + frame);
            }
            if (frame.size() == 0 && (b == '\n' || b == '\r')) {
                continue;
            }
            frame.write(b);
        }
        return frame.toString(StandardCharsets.UTF_8);
    }
}
