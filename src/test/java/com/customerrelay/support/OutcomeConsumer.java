package com.customerrelay.support;

import com.customerrelay.core.Json;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;


/**
 * A producer team's consumer of the relay's outcome messages: a JMS listener on a queue of the broker, over TCP as
 * any outside client, keeping each message's JSON and JMSCorrelationID in the order they arrived.
 */
public final class OutcomeConsumer implements AutoCloseable {

    /** One outcome message as received. */
    public record Received(JsonNode body, String correlationId) {
    }

    private final BrokerConnection broker;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    public OutcomeConsumer(String brokerUrl, String queue) {
        try {
            broker = new BrokerConnection(brokerUrl);
            Session session = broker.connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
            consumer.setMessageListener(message -> {
                try {
                    received.add(new Received(Json.parse(((TextMessage) message).getText()),
                            message.getJMSCorrelationID()));
                } catch (Exception e) {
                    throw new IllegalStateException("an outcome message that is not JSON text", e);
                }
            });
            broker.connection.start();
        } catch (JMSException e) {
            throw new IllegalStateException("cannot consume " + queue + " at " + brokerUrl, e);
        }
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    /** Waits until at least {@code count} messages have come, and returns them all. */
    public List<Received> await(int count, Duration atMost) {
        org.awaitility.Awaitility.await().atMost(atMost).until(() -> received.size() >= count);
        return received();
    }

    /** The first message for {@code requestId} at {@code vendor} (null: vendor-less), waiting for it. */
    public JsonNode of(String requestId, String vendor, Duration atMost) {
        org.awaitility.Awaitility.await().atMost(atMost).until(() -> find(requestId, vendor) != null);
        return find(requestId, vendor).body();
    }

    public Received find(String requestId, String vendor) {
        return received.stream().filter(r -> requestId.equals(r.body().path("requestId").asText())
                && (vendor == null ? r.body().path("vendor").isNull() : vendor.equals(r.body().path("vendor")
                .asText()))).findFirst().orElse(null);
    }

    @Override
    public void close() {
        broker.close();
    }
}
