package com.customerrelay.delivery;

import com.customerrelay.core.Json;
import com.customerrelay.core.SafeText;
import com.customerrelay.core.Secrets;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The store's side of the outcomes route ({@code routes/outcomes.camel.yaml}): hands it the outbox's waiting
 * messages in the order they were written, readies each for its producers, and removes the ones the broker or
 * Kafka acknowledged. A message whose publishing failed stays, and with it every later one, so one record's
 * outcomes never pass each other; the route then waits a little longer each time (up to {@link #MAX_PAUSE_MS})
 * instead of trying the broker every poll. Called by the route's one timer thread.
 */
public final class OutcomeOutbox {

    private static final Logger LOG = LoggerFactory.getLogger(OutcomeOutbox.class);
    /** Variable holding the JMS destination of the request's JMSReplyTo, as a camel-jms endpoint path. */
    public static final String REPLY_TO = "replyTo";
    static final int BATCH = 500;
    static final long LEASE_MS = 15_000;
    static final long MAX_PAUSE_MS = 10_000;

    private final DeliveryStore store;
    /** This relay, as the holder of the outbox's turn (one relay publishes at a time). */
    private final String holder = UUID.randomUUID().toString();
    private final List<Long> sent = new ArrayList<>();
    private long pauseMs;
    private long pausedUntil;
    private long failingSince;
    private long publishedSinceFailure;

    public OutcomeOutbox(DeliveryStore store) {
        this.store = store;
    }

    /** The next waiting messages (none while pausing after a failure, or while another relay publishes). */
    public List<DeliveryStore.Waiting> next() {
        if (System.currentTimeMillis() < pausedUntil) {
            return List.of();
        }
        return store.outboxTurn(holder, LEASE_MS, BATCH);
    }

    /**
     * Makes the waiting message in the body the message to publish: its JSON as the body, its correlation id as
     * JMSCorrelationID (and the Kafka header relay-correlation-id), its record as the Kafka key, and its JMSReplyTo
     * in the variable {@link #REPLY_TO}.
     */
    public void prepare(Exchange exchange) throws InvalidPayloadException {
        DeliveryStore.Waiting waiting = exchange.getMessage().getMandatoryBody(DeliveryStore.Waiting.class);
        exchange.setProperty("relayOutboxId", waiting.id());
        exchange.getMessage().setBody(waiting.body());
        exchange.getMessage().setHeader("kafka.KEY", waiting.key());
        String correlationId = null;
        try {
            correlationId = Json.parse(waiting.body()).path("correlationId").asText(null);
        } catch (Exception unreadable) {
            // written by this relay as JSON; published as it is
        }
        if (correlationId != null) {
            exchange.getMessage().setHeader("JMSCorrelationID", correlationId);
            exchange.getMessage().setHeader("relay-correlation-id", correlationId);
        }
        exchange.setVariable(REPLY_TO, waiting.replyTo());
    }

    /** Notes the message as acknowledged by every producer it went to. */
    public void sent(Exchange exchange) {
        sent.add(exchange.getProperty("relayOutboxId", Long.class));
    }

    /** Removes the acknowledged messages from the outbox; after a failure, says once that the others wait. */
    public void removeSent() {
        List<Long> ids = List.copyOf(sent);
        sent.clear();
        store.removeFromOutbox(ids);
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
                    + "works again", SafeText.value(Secrets.mask(String.valueOf(rootMessage(failure)))));
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

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == null ? "unknown" : root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
