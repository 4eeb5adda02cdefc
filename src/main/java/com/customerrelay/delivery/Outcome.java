package com.customerrelay.delivery;

/**
 * What one attempt at a delivery came to. {@code message} must already be free of secrets; vendor texts
 * are kept apart so the dead letter can carry them.
 */
public record Outcome(Type type, String message, Integer httpStatus, String vendorMessage, String vendorCode,
                      Long retryAfterMs) {

    public enum Type { DELIVERED, RETRY, REJECTED }

    public static Outcome delivered() {
        return new Outcome(Type.DELIVERED, null, null, null, null, null);
    }

    public static Outcome retry(String message, Integer status, String vendorMessage, String vendorCode,
                                Long retryAfterMs) {
        return new Outcome(Type.RETRY, message, status, vendorMessage, vendorCode, retryAfterMs);
    }

    public static Outcome rejected(String message, Integer status, String vendorMessage, String vendorCode) {
        return new Outcome(Type.REJECTED, message, status, vendorMessage, vendorCode, null);
    }
}
