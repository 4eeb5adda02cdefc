package com.customerrelay.delivery;

import com.customerrelay.core.UpdateRequest;

/** One request on its way to one vendor, as claimed from the store for an attempt ({@code createdAt}: accepted). */
public record Delivery(long id, String requestId, String vendor, String kind, int attempt, long firstAttemptAt,
                       String requestJson, String sourceJson, String recordKey, Long occurredAt, long createdAt) {

    public UpdateRequest request() {
        return UpdateRequest.fromStored(requestId, requestJson);
    }
}
