package com.customerrelay.delivery;

/** A delivery to take responsibility for: one request to one vendor, as an intake hands it to the store. */
public record NewDelivery(String requestId, String vendor, String kind, String recordKey, Long occurredAt,
                          String requestJson, String sourceJson, String skipped) {
}
