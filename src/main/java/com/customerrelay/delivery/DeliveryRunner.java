package com.customerrelay.delivery;

import com.customerrelay.core.Json;
import com.customerrelay.core.SafeText;
import com.customerrelay.core.Secrets;
import com.customerrelay.core.VendorSettings;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs one attempt of a claimed delivery with the vendor's client and records what came of it: delivered,
 * waiting for a later attempt (never sleeping here), or written as a dead letter.
 */
public final class DeliveryRunner {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryRunner.class);

    private final DeliveryStore store;
    private final DeadLetterWriter deadLetters;
    private final Map<String, VendorClient> clients;
    private final Map<String, VendorSettings> settings;
    private Dispatcher dispatcher;
    private final Map<String, AtomicLong> recent = new ConcurrentHashMap<>();
    private final AtomicLong deliveredTotal = new AtomicLong();

    public DeliveryRunner(DeliveryStore store, DeadLetterWriter deadLetters, Map<String, VendorClient> clients,
                          Map<String, VendorSettings> settings) {
        this.store = store;
        this.deadLetters = deadLetters;
        this.clients = clients;
        this.settings = settings;
    }

    public void setDispatcher(Dispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    public void deliver(Delivery delivery) {
        try {
            if (stale(delivery)) {
                return;
            }
            Outcome outcome;
            try {
                VendorClient client = clients.get(delivery.vendor());
                outcome = client == null
                        ? Outcome.rejected("no client is configured for vendor " + delivery.vendor(),
                        null, null, null)
                        : client.deliver(delivery);
            } catch (RuntimeException e) {
                outcome = Outcome.retry("unexpected error in the " + delivery.vendor() + " client: "
                        + e.getClass().getSimpleName() + ": " + Secrets.mask(e.getMessage()), null, null, null, null);
                LOG.error("Delivery {} of request {} to {} failed unexpectedly: {}", delivery.id(),
                        SafeText.value(delivery.requestId()), delivery.vendor(),
                        SafeText.value(Secrets.mask(String.valueOf(e.getMessage()))));
            }
            record(delivery, outcome);
        } finally {
            if (dispatcher != null) {
                dispatcher.finished(delivery.vendor());
            }
        }
    }

    private void record(Delivery delivery, Outcome outcome) {
        VendorSettings vendor = settings.get(delivery.vendor());
        switch (outcome.type()) {
            case DELIVERED -> {
                store.delivered(delivery);
                count(delivery.vendor() + " delivered");
                deliveredTotal.incrementAndGet();
                LOG.debug("Delivered request {} to {} (attempt {})", delivery.requestId(), delivery.vendor(),
                        delivery.attempt());
            }
            case REJECTED -> {
                writeDeadLetter(delivery, "rejected", outcome);
                store.dead(delivery, errorJson(outcome));
                count(delivery.vendor() + " rejected");
            }
            case RETRY -> {
                if (delivery.attempt() >= vendor.maxAttempts()) {
                    writeDeadLetter(delivery, "exhausted", outcome);
                    store.dead(delivery, errorJson(outcome));
                    count(delivery.vendor() + " exhausted");
                } else {
                    long delay = RetryPolicy.delayMs(vendor, delivery.attempt(), outcome.retryAfterMs());
                    store.retryIn(delivery, delay, errorJson(outcome));
                    count(delivery.vendor() + " retrying");
                    LOG.info("Request {} to {}: attempt {} of {} failed ({}); next attempt in {} ms",
                            SafeText.value(delivery.requestId()), delivery.vendor(), delivery.attempt(),
                            vendor.maxAttempts(), SafeText.value(Secrets.mask(outcome.message())), delay);
                }
            }
            default -> throw new IllegalStateException("unhandled outcome " + outcome.type());
        }
    }

    /**
     * An update that occurred before one already delivered for the same record is not sent (it would overwrite
     * newer data); it is finished as SKIPPED, with the reason, and logged.
     */
    private boolean stale(Delivery delivery) {
        if (delivery.occurredAt() == null) {
            return false;
        }
        Long newest = store.lastDeliveredOccurredAt(delivery.vendor(), delivery.recordKey());
        if (newest == null || newest <= delivery.occurredAt()) {
            return false;
        }
        String reason = "skipped: an update of this record that occurred at " + java.time.Instant.ofEpochMilli(newest)
                + " was already delivered; this one occurred at " + java.time.Instant.ofEpochMilli(delivery.occurredAt());
        store.skip(delivery, Json.write(Json.object().put("message", reason)));
        count(delivery.vendor() + " skipped");
        LOG.info("Request {} to {} {}", SafeText.value(delivery.requestId()), delivery.vendor(), reason);
        return true;
    }

    private void count(String what) {
        recent.computeIfAbsent(what, k -> new AtomicLong()).incrementAndGet();
    }

    /** Deliveries this relay has completed since it started. */
    public long deliveredTotal() {
        return deliveredTotal.get();
    }

    /** Logs what deliveries came to since the last call (called by the delivery-stats timer). */
    public void logStats() {
        Map<String, Long> counts = new TreeMap<>();
        recent.forEach((what, n) -> {
            long value = n.getAndSet(0);
            if (value > 0) {
                counts.put(what, value);
            }
        });
        if (!counts.isEmpty()) {
            StringBuilder line = new StringBuilder();
            counts.forEach((what, n) -> line.append(line.length() == 0 ? "" : ", ").append(what).append(' ').append(n));
            LOG.info("Deliveries since last report: {}; unfinished: {}", line, store.unfinished());
        }
    }

    private void writeDeadLetter(Delivery delivery, String reason, Outcome outcome) {
        JsonNode request = null;
        JsonNode source = null;
        try {
            request = Json.parse(delivery.requestJson());
            source = delivery.sourceJson() == null ? null : Json.parse(delivery.sourceJson());
        } catch (Exception e) {
            LOG.warn("Stored request {} could not be read back for its dead letter",
                    SafeText.value(delivery.requestId()));
        }
        deadLetters.write(new DeadLetterWriter.Letter(delivery.requestId(), delivery.vendor(), delivery.kind(), reason,
                outcome.message(), outcome.httpStatus(), outcome.vendorMessage(), outcome.vendorCode(),
                delivery.attempt(), delivery.firstAttemptAt(), System.currentTimeMillis(), source, request,
                request == null ? delivery.requestJson() : null));
    }

    private static String errorJson(Outcome outcome) {
        ObjectNode error = Json.object();
        error.put("message", Secrets.mask(outcome.message()));
        if (outcome.httpStatus() != null) {
            error.put("httpStatus", outcome.httpStatus());
        }
        if (outcome.vendorMessage() != null) {
            error.put("vendorMessage", Secrets.mask(outcome.vendorMessage()));
        }
        if (outcome.vendorCode() != null) {
            error.put("vendorCode", outcome.vendorCode());
        }
        return Json.write(error);
    }
}
