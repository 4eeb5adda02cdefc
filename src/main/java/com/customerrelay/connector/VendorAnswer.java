package com.customerrelay.connector;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * A vendor's answer as camel-http left it on the exchange (status in {@code CamelHttpResponseCode}, the body, and
 * {@code Retry-After}), read once by the vendor's answer processor.
 */
public record VendorAnswer(int status, String body, Long retryAfterMs) {

    public static VendorAnswer of(Exchange exchange) {
        Message message = exchange.getMessage();
        Integer status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        String retryAfter = message.getHeader("Retry-After", String.class);
        return new VendorAnswer(status == null ? 0 : status, message.getBody(String.class),
                retryAfter == null ? null : parseRetryAfter(retryAfter));
    }

    /**
     * Sends a fresh exchange to {@code uri} (a vendor's login route) and reads the vendor's answer; a call that
     * failed below HTTP rethrows its exception, for the delivery route's failure handling to classify.
     */
    public static VendorAnswer request(ProducerTemplate template, String uri) throws Exception {
        Exchange call = template.request(uri, exchange -> { });
        if (call.getException() != null) {
            throw call.getException();
        }
        return of(call);
    }

    public boolean ok() {
        return status >= 200 && status < 300;
    }

    /** Statuses that may clear by themselves (PRODUCT.md §3). */
    public boolean isTransient() {
        return isTransient(status);
    }

    /** Statuses that may clear by themselves (PRODUCT.md §3). */
    public static boolean isTransient(int status) {
        return status == 408 || status == 425 || status == 429 || status >= 500;
    }

    /** Retry-After as delay-seconds or an HTTP date; null when it is neither. */
    public static Long parseRetryAfter(String value) {
        String v = value.trim();
        if (!v.isEmpty() && v.length() <= 30 && v.chars().allMatch(Character::isDigit)) {
            // delay-seconds; a value too large for a long in milliseconds stands for "very long" (the relay then
            // cuts it to max-retry-after-ms), never overflows to "now"
            return v.length() > 15 ? Long.MAX_VALUE : Long.parseLong(v) * 1000;
        }
        try {
            return Math.max(0, Long.parseLong(v)) * 1000;
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                return Math.max(0, at.toInstant().toEpochMilli() - System.currentTimeMillis());
            } catch (RuntimeException notDate) {
                return null;
            }
        }
    }
}
