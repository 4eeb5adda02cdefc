package com.customerrelay.delivery;

import com.customerrelay.core.UpdateRequest;

/**
 * One request on its way to one vendor, as claimed from the store for an attempt ({@code createdAt}: accepted).
 * {@code attempt} counts every claim, this one included; {@code unanswered} those before it that did not count
 * against max-attempts (the vendor down, paused or its circuit open).
 */
public record Delivery(long id, String requestId, String vendor, String kind, int attempt, long firstAttemptAt,
                       String requestJson, String sourceJson, String recordKey, Long occurredAt, long createdAt,
                       int unanswered) {

    /** This attempt's number among those that count against max-attempts. */
    public int countedAttempt() {
        return attempt - unanswered;
    }

    public UpdateRequest request() {
        return UpdateRequest.fromStored(requestId, requestJson);
    }
}
