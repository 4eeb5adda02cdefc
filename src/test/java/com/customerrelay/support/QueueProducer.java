package com.customerrelay.support;

import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import java.util.List;

/** Puts persistent text messages on a queue, as an outside producer would (over TCP, in one transaction per batch). */
public final class QueueProducer implements AutoCloseable {

    private final BrokerConnection broker;
    private final Session session;
    private final MessageProducer producer;
    private java.util.function.Function<String, String> groupOf = body -> null;

    public QueueProducer(String brokerUrl, String queue) {
        try {
            broker = new BrokerConnection(brokerUrl);
            session = broker.connection.createSession(true, Session.SESSION_TRANSACTED);
            producer = session.createProducer(session.createQueue(queue));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
        } catch (JMSException e) {
            throw new IllegalStateException("cannot connect to " + brokerUrl, e);
        }
    }

    /**
     * Sends each message in the Artemis message group {@code groupOf} gives for its body (JMSXGroupID; null: none),
     * as a producer does that keeps one record's updates in order across several consumers.
     */
    public QueueProducer grouped(java.util.function.Function<String, String> groupOf) {
        this.groupOf = groupOf;
        return this;
    }

    /** Sends one message carrying string properties (a producer's own headers, which must never reach a vendor). */
    public void sendWithProperties(String body, java.util.Map<String, String> properties) {
        try {
            jakarta.jms.TextMessage message = session.createTextMessage(body);
            for (java.util.Map.Entry<String, String> property : properties.entrySet()) {
                message.setStringProperty(property.getKey(), property.getValue());
            }
            producer.send(message);
            session.commit();
        } catch (JMSException e) {
            throw new IllegalStateException("cannot send", e);
        }
    }

    public void send(String... bodies) {
        send(List.of(bodies));
    }

    public void send(List<String> bodies) {
        try {
            int inBatch = 0;
            for (String body : bodies) {
                jakarta.jms.TextMessage message = session.createTextMessage(body);
                String group = groupOf.apply(body);
                if (group != null) {
                    message.setStringProperty("JMSXGroupID", group);
                }
                producer.send(message);
                if (++inBatch == 200) {
                    session.commit();
                    inBatch = 0;
                }
            }
            session.commit();
        } catch (JMSException e) {
            throw new IllegalStateException("cannot send", e);
        }
    }

    @Override
    public void close() {
        broker.close();
    }
}
