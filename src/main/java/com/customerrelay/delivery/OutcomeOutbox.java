package com.customerrelay.delivery;

import com.customerrelay.core.Json;
import com.customerrelay.core.SafeText;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The store's side of the outcomes route ({@code routes/outcomes.camel.yaml}): hands it a round of the outbox's
 * waiting messages in the order they were written, publishes the round to the broker, makes it Kafka records, and
 * removes the round once acknowledged. A round whose publishing failed stays, and with it every later one, so one
 * record's outcomes never pass each other; the route then waits a little longer each time (up to {@link #MAX_PAUSE_MS})
 * instead of trying the broker every poll. Called by the route's one timer thread.
 */
public final class OutcomeOutbox {

    private static final Logger LOG = LoggerFactory.getLogger(OutcomeOutbox.class);
    static final int BATCH = 500;
    static final long LEASE_MS = 15_000;
    static final long MAX_PAUSE_MS = 10_000;

    private final OutboxTable outbox;
    /** This relay, as the holder of the outbox's turn (one relay publishes at a time). */
    private final String holder = UUID.randomUUID().toString();
    private final List<Long> sent = new ArrayList<>();
    private long pauseMs;
    private long pausedUntil;
    private long failingSince;
    private long publishedSinceFailure;

    private final String queue;
    private final org.springframework.jms.core.JmsTemplate jms;

    /**
     * @param queue relay.outcomes.queue (empty: none; a request's JMSReplyTo still gets its outcomes)
     * @param connections a cached connection to the relay's broker
     */
    public OutcomeOutbox(OutboxTable outbox, String queue, jakarta.jms.ConnectionFactory connections) {
        this.outbox = outbox;
        this.queue = queue == null ? "" : queue.trim();
        this.jms = new org.springframework.jms.core.JmsTemplate(connections);
        this.jms.setSessionTransacted(true);
    }

    /**
     * Sends the round's messages in the body to the outcome queue and to their JMSReplyTo, in their order, in one
     * JMS transaction: none is acknowledged unless all are. Each carries its correlation id as JMSCorrelationID.
     * <p>
     * Not camel-jms: it commits each send on its own (its JmsTemplate commits a transacted session after every
     * message), and each persistent send then waits for a journal sync of its own — 200 outcome messages a second
     * on the embedded broker, measured, behind deliveries at 2,000. One commit per round syncs once for up to
     * {@link #BATCH}. Spring's JmsTemplate (spring-jms, which camel-jms brings) does the session handling.
     */
    public void publishToBroker(List<OutboxTable.Waiting> messages) {
        if (messages.isEmpty()) {
            return;
        }
        jms.execute(session -> {
            jakarta.jms.MessageProducer producer = session.createProducer(null);
            producer.setDeliveryMode(jakarta.jms.DeliveryMode.PERSISTENT);
            jakarta.jms.Queue outcomes = queue.isEmpty() ? null : session.createQueue(queue);
            for (OutboxTable.Waiting waiting : messages) {
                jakarta.jms.TextMessage message = session.createTextMessage(waiting.body());
                String correlationId = correlationId(waiting);
                if (correlationId != null) {
                    message.setJMSCorrelationID(correlationId);
                }
                if (outcomes != null) {
                    producer.send(outcomes, message);
                }
                jakarta.jms.Destination reply = replyTo(session, waiting.replyTo());
                if (reply != null) {
                    producer.send(reply, message);
                }
            }
            producer.close();
            // execute() leaves a transacted session's commit to its callback
            session.commit();
            return null;
        }, true);
    }

    /**
     * The round's messages in the body as Kafka records for camel-kafka, which sends a list as one batch and waits
     * for each acknowledgement: each keyed by its record, with its correlation id as relay-correlation-id.
     */
    public List<Exchange> asKafkaRecords(Exchange exchange, List<OutboxTable.Waiting> messages) {
        // exchanges, not messages: with batchWithIndividualHeaders camel-kafka gives each record its exchange's headers
        List<Exchange> records = new ArrayList<>();
        for (OutboxTable.Waiting waiting : messages) {
            Exchange record = new org.apache.camel.support.DefaultExchange(exchange.getContext());
            record.getIn().setBody(waiting.body());
            record.getIn().setHeader("kafka.KEY", waiting.key());
            String correlationId = correlationId(waiting);
            if (correlationId != null) {
                record.getIn().setHeader("relay-correlation-id", correlationId);
            }
            records.add(record);
        }
        return records;
    }

    /** Notes the round's messages as acknowledged by every producer they went to. */
    public void sentAll(List<OutboxTable.Waiting> messages) {
        messages.forEach(m -> sent.add(m.id()));
    }

    private static String correlationId(OutboxTable.Waiting waiting) {
        try {
            return Json.parse(waiting.body()).path("correlationId").asText(null);
        } catch (Exception unreadable) {
            return null;
        }
    }

    /** A stored JMSReplyTo ({@code queue:name} or {@code topic:name}) as a destination, or null. */
    private static jakarta.jms.Destination replyTo(jakarta.jms.Session session, String replyTo)
            throws jakarta.jms.JMSException {
        if (replyTo == null) {
            return null;
        }
        if (replyTo.startsWith("queue:")) {
            return session.createQueue(replyTo.substring("queue:".length()));
        }
        if (replyTo.startsWith("topic:")) {
            return session.createTopic(replyTo.substring("topic:".length()));
        }
        return null;
    }

    /** The next waiting messages (none while pausing after a failure, or while another relay publishes). */
    public List<OutboxTable.Waiting> next() {
        if (System.currentTimeMillis() < pausedUntil) {
            return List.of();
        }
        return outbox.turn(holder, LEASE_MS, BATCH);
    }

    /** Removes the acknowledged messages from the outbox; after a failure, says once that the others wait. */
    public void removeSent() {
        List<Long> ids = List.copyOf(sent);
        sent.clear();
        outbox.remove(ids);
        if (failingSince > 0 && !ids.isEmpty()) {
            publishedSinceFailure += ids.size();
        }
    }

    /** The route's failure handler: the messages wait in the store; the next try comes after a pause. */
    public void failed(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        pauseMs = pauseMs == 0 ? 500 : Math.min(MAX_PAUSE_MS, pauseMs * 2);
        pausedUntil = System.currentTimeMillis() + pauseMs;
        if (failingSince == 0) {
            failingSince = System.currentTimeMillis();
            LOG.warn("Outcome messages cannot be published ({}); they wait in the state store and are sent once it "
                    + "works again", SafeText.value(DeliveryFailures.rootCause(failure)));
        }
    }

    /** After a successful round: says when publishing works again after a failure. */
    public void recovered() {
        if (failingSince > 0 && publishedSinceFailure > 0) {
            LOG.info("Outcome messages are published again ({} s after the first failure)",
                    (System.currentTimeMillis() - failingSince) / 1000);
            failingSince = 0;
            publishedSinceFailure = 0;
            pauseMs = 0;
        } else if (failingSince == 0) {
            pauseMs = 0;
        }
    }
}
