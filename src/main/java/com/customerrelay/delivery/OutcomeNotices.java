package com.customerrelay.delivery;

import com.customerrelay.core.Json;
import com.customerrelay.core.Secrets;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;

/**
 * Writes the outcome messages of PRODUCT.md §8: ids, the outcome and where the request came from — never the
 * request itself, and the error's texts masked as in dead letters. Off (every method answers null) when neither
 * relay.outcomes.queue nor the Kafka intake is set, so that nothing waits in the outbox for nobody.
 */
public final class OutcomeNotices {

    /** The members of a stored request's source that are the producer's reply address, not where it came from. */
    public static final String CORRELATION_ID = "correlationId";
    public static final String REPLY_TO = "replyTo";

    private final boolean on;

    public OutcomeNotices(boolean on) {
        this.on = on;
    }

    public boolean on() {
        return on;
    }

    /** The message of a delivery that finished as {@code outcome} (delivered, rejected, exhausted, skipped). */
    public OutcomeNotice of(Delivery delivery, String outcome, int attempts, String vendorRecordId, String errorJson) {
        if (!on) {
            return null;
        }
        JsonNode source = null;
        try {
            source = delivery.sourceJson() == null ? null : Json.parse(delivery.sourceJson());
        } catch (Exception unreadable) {
            // kept without its source rather than not sent
        }
        JsonNode error = null;
        try {
            error = errorJson == null ? null : Json.parse(errorJson);
        } catch (Exception unreadable) {
            error = Json.object().put("message", Secrets.mask(errorJson));
        }
        return notice(delivery.requestId(), delivery.vendor(), outcome, attempts, delivery.createdAt(),
                vendorRecordId, error, source, delivery.recordKey());
    }

    /** The message of a request that was invalid for {@code vendor} (null: for every target). */
    public OutcomeNotice invalid(String requestId, String vendor, JsonNode source, String message) {
        if (!on) {
            return null;
        }
        return notice(requestId, vendor, "invalid", 0, null, null,
                Json.object().put("message", Secrets.mask(message)), source, requestId);
    }

    private static OutcomeNotice notice(String requestId, String vendor, String outcome, int attempts,
                                        Long acceptedAt, String vendorRecordId, JsonNode error, JsonNode source,
                                        String key) {
        ObjectNode body = Json.object();
        body.put("requestId", requestId);
        body.put("vendor", vendor);
        body.put("outcome", outcome);
        body.put("attempts", attempts);
        body.put("acceptedAt", acceptedAt == null ? null : Instant.ofEpochMilli(acceptedAt).toString());
        body.put("finishedAt", Instant.now().toString());
        body.put("vendorRecordId", vendorRecordId);
        body.set("error", error);
        String replyTo = null;
        String correlationId = null;
        if (source != null && source.isObject()) {
            ObjectNode where = ((ObjectNode) source).deepCopy();
            replyTo = where.path(REPLY_TO).asText(null);
            correlationId = where.path(CORRELATION_ID).asText(null);
            where.remove(REPLY_TO);
            where.remove(CORRELATION_ID);
            body.set("source", where);
        } else {
            body.putNull("source");
        }
        body.put("correlationId", correlationId);
        return new OutcomeNotice(key, replyTo, Json.write(body));
    }
}
