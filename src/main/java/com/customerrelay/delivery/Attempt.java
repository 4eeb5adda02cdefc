package com.customerrelay.delivery;

/**
 * One attempt at a delivery as the store keeps it for {@code GET /requests/{id}} (the last
 * {@link DispatchRounds#KEPT_ATTEMPTS} of each delivery): when it began ({@code at}, epoch ms), how long the vendor
 * took, and what it came to — {@code result} ok, retry, failed, or circuit-open (no call made: the vendor's circuit
 * held it back). The vendor's texts are already free of secrets.
 */
public record Attempt(long at, long millis, Integer httpStatus, String result, String vendorMessage,
                      String vendorCode, String vendorRecordId) {
}
