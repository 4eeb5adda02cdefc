package com.customerrelay.connector;

/**
 * What one attempt at a delivery came to. {@code message} must already be free of secrets; vendor texts
 * are kept apart so the dead letter can carry them. {@code unreachable}: the call got no answer at all (no
 * connection, the connection dropped, no answer within timeout-ms). {@code vendorRecordId}: the vendor's own id of
 * the record a delivery wrote, where its answer carries one (RPM's ContactID, Expandable's CUST_CONTACT).
 */
public record Outcome(Type type, String message, Integer httpStatus, String vendorMessage, String vendorCode,
                      Long retryAfterMs, boolean unreachable, String vendorRecordId) {

    public enum Type { DELIVERED, RETRY, REJECTED }

    public static Outcome delivered() {
        return delivered(null);
    }

    /** Delivered; the vendor's answer named the record it wrote {@code vendorRecordId} (null: it named none). */
    public static Outcome delivered(String vendorRecordId) {
        return new Outcome(Type.DELIVERED, null, null, null, null, null, false, vendorRecordId);
    }

    /** This outcome with another message (its status and vendor texts kept). */
    public Outcome withMessage(String message) {
        return new Outcome(type, message, httpStatus, vendorMessage, vendorCode, retryAfterMs, unreachable,
                vendorRecordId);
    }

    /** A failure of the relay's side of an attempt, not an answer of the vendor: tried again, counted. */
    public static Outcome retry(String message) {
        return new Outcome(Type.RETRY, message, null, null, null, null, false, null);
    }

    /** A failure the vendor's answer says may pass: tried again, not before its Retry-After when it gave one. */
    public static Outcome retry(String message, VendorAnswer answer) {
        return new Outcome(Type.RETRY, message, answer.status(), null, null, answer.retryAfterMs(), false, null);
    }

    /** The vendor could not be reached or did not answer: tried again, and a sign that the vendor is down. */
    public static Outcome unreachable(String message) {
        return new Outcome(Type.RETRY, message, null, null, null, null, true, null);
    }

    /** The vendor's answer refused the request for good: dead-lettered. */
    public static Outcome rejected(String message, VendorAnswer answer) {
        return new Outcome(Type.REJECTED, message, answer.status(), null, null, null, false, null);
    }

    /** Refused for good before any write, on what the vendor holds (RPM's contact), not on an HTTP answer. */
    public static Outcome rejected(String message) {
        return new Outcome(Type.REJECTED, message, null, null, null, null, false, null);
    }

    /** This outcome with the vendor's own words for the dead letter: its message and its code (either may be null). */
    public Outcome vendorSaid(String vendorMessage, String vendorCode) {
        return new Outcome(type, message, httpStatus, vendorMessage, vendorCode, retryAfterMs, unreachable,
                vendorRecordId);
    }

    /** This outcome with the vendor's own message for the dead letter (a vendor that gives no code). */
    public Outcome vendorSaid(String vendorMessage) {
        return vendorSaid(vendorMessage, null);
    }

    /**
     * Whether this says the vendor is down rather than that this request failed (PRODUCT.md §3a): no answer, or a
     * 502, 503 or 504 (the vendor's gateway or the vendor itself saying it cannot serve now), or a 429 (it asks
     * for fewer calls). Such a failure counts against the vendor's circuit and does not use up the delivery's
     * attempts. Every other answer — a 500 with the vendor's own message, a 4xx, an error in a 200 body — is the
     * vendor answering about this request.
     */
    public boolean vendorDown() {
        if (type != Type.RETRY) {
            return false;
        }
        if (unreachable) {
            return true;
        }
        return httpStatus != null && (httpStatus == 429 || httpStatus == 502 || httpStatus == 503
                || httpStatus == 504);
    }
}
