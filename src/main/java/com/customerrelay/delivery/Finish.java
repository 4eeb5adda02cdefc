package com.customerrelay.delivery;

/**
 * What one attempt came to, to be written with the next dispatch round ({@link DispatchRounds#round}):
 * {@code status} DELIVERED, DEAD or SKIPPED (finished), or PENDING (due again {@code delayMs} later, on the store's
 * clock; {@code counted} false when the attempt does not count against max-attempts). {@code attempt} is kept for
 * GET /requests/{id} and {@code notice} goes to the outbox in the same transaction (either null: none).
 */
public record Finish(Delivery delivery, DeliveryStatus status, long delayMs, String errorJson, boolean counted,
                     Attempt attempt, OutcomeNotice notice) {

    public static Finish delivered(Delivery delivery) {
        return new Finish(delivery, DeliveryStatus.DELIVERED, 0, null, true, null, null);
    }

    public static Finish dead(Delivery delivery, String errorJson) {
        return new Finish(delivery, DeliveryStatus.DEAD, 0, errorJson, true, null, null);
    }

    /** Finished without sending it: a later update of its record was delivered already. */
    public static Finish skipped(Delivery delivery, String reasonJson) {
        return new Finish(delivery, DeliveryStatus.SKIPPED, 0, reasonJson, true, null, null);
    }

    public static Finish retryIn(Delivery delivery, long delayMs, String errorJson) {
        return new Finish(delivery, DeliveryStatus.PENDING, delayMs, errorJson, true, null, null);
    }

    /**
     * Due again {@code delayMs} later, this attempt not counted against max-attempts: its vendor was down, or it was
     * not sent at all (the vendor paused or its circuit open). {@code errorJson} null keeps the last error.
     */
    public static Finish waitIn(Delivery delivery, long delayMs, String errorJson) {
        return new Finish(delivery, DeliveryStatus.PENDING, delayMs, errorJson, false, null, null);
    }

    /** This outcome, with the attempt that came to it kept for GET /requests/{id} (null: none to keep). */
    public Finish with(Attempt made) {
        return new Finish(delivery, status, delayMs, errorJson, counted, made, notice);
    }

    /** This outcome, with its outcome message put in the outbox in the same transaction (null: none). */
    public Finish with(OutcomeNotice message) {
        return new Finish(delivery, status, delayMs, errorJson, counted, attempt, message);
    }
}
