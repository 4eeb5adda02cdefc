package com.customerrelay.delivery;

/**
 * Where a delivery stands, as {@code relay_delivery.status} keeps it (by name) and as {@code GET /requests/{id}}
 * shows it ({@link #shown}).
 */
public enum DeliveryStatus {
    /** Waiting for its first attempt or its next one. */
    PENDING("pending"),
    /** Claimed by a relay, its attempt under way (leased). */
    INFLIGHT("in-flight"),
    DELIVERED("delivered"),
    /** Given up on: a dead letter was written. */
    DEAD("dead"),
    /** Finished without sending it: a later update of its record was delivered already. */
    SKIPPED("skipped");

    private final String shown;

    DeliveryStatus(String shown) {
        this.shown = shown;
    }

    /** The name the HTTP API and the console use. */
    public String shown() {
        return shown;
    }

    /** No attempt will follow. */
    public boolean finished() {
        return this == DELIVERED || this == DEAD || this == SKIPPED;
    }
}
