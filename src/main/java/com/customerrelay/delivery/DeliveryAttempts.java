package com.customerrelay.delivery;

import com.customerrelay.deadletter.DeadLetterWriter;
import com.customerrelay.connector.Outcome;
import com.customerrelay.connector.Connector;
import com.customerrelay.core.Json;
import com.customerrelay.core.SafeText;
import com.customerrelay.core.Secrets;
import com.customerrelay.core.UpdateRequest;
import com.customerrelay.core.VendorSettings;
import com.customerrelay.store.StoreUnavailableException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The durable ends of a vendor's delivery route ({@code routes/delivery-<vendor>.camel.yaml}): {@link #take} takes
 * a claimed delivery in (or finishes a stale one as skipped), {@link #record} records what the attempt came to —
 * delivered, due again later (never sleeping here), or written as a dead letter — and {@link #failed} records
 * the outcome {@link DeliveryFailures} made of a failed step (the vendor unreachable or too slow, a login refused,
 * an unexpected error).
 */
public final class DeliveryAttempts {

    /** Exchange property holding the claimed {@link Delivery} while its route runs. */
    public static final String DELIVERY = "relayDelivery";
    /** Exchange property holding the delivery's {@link com.customerrelay.core.UpdateRequest}. */
    public static final String REQUEST = Connector.REQUEST;
    /** Exchange property: true when the delivery is to be sent, false when it was finished as stale. */
    public static final String DUE = "relayDue";
    /** How long a delivery waits when the store could not be asked about its record before the attempt. */
    static final long STORE_AWAY_WAIT_MS = 1_000;
    private static final String FINISHED = "relayFinished";
    /** Exchange property: System.nanoTime() when the vendor's circuit let the delivery call the vendor. */
    private static final String ADMITTED = "relayAdmittedAt";
    /** Exchange property: the wall-clock time (epoch ms) of {@link #ADMITTED}, kept with the attempt. */
    private static final String ADMITTED_AT = "relayAdmittedAtMs";

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryAttempts.class);

    private final DeliveryQueries store;
    private final DeadLetterWriter deadLetters;
    private final Map<String, VendorSettings> settings;
    private final Map<String, String> displayNames;
    private final Dispatcher dispatcher;
    private final VendorCircuits circuits;
    private final DeliveryMetrics metrics;
    private final OutcomeNotices notices;
    private final Map<String, AtomicLong> recent = new ConcurrentHashMap<>();
    private final AtomicLong deliveredTotal = new AtomicLong();

    /**
     * @param settings     each vendor's settings, by name
     * @param displayNames each vendor's name as people write it, for messages
     */
    public DeliveryAttempts(DeliveryQueries store, DeadLetterWriter deadLetters, Map<String, VendorSettings> settings,
                          Map<String, String> displayNames, Dispatcher dispatcher, VendorCircuits circuits,
                          DeliveryMetrics metrics, OutcomeNotices notices) {
        this.store = store;
        this.deadLetters = deadLetters;
        this.settings = settings;
        this.displayNames = displayNames;
        this.dispatcher = dispatcher;
        this.circuits = circuits;
        this.metrics = metrics;
        this.notices = notices;
    }

    /**
     * Takes the claimed delivery in the body: keeps it in {@link #DELIVERY}, its request in {@link #REQUEST} and
     * in the body, and sets {@link #DUE} to whether it is to be sent. A stale one is finished here as skipped; one
     * its vendor's circuit does not let through (paused, or open since it was claimed) waits again, the claim not
     * counted as an attempt — or, past give-up-after-hours behind an open circuit, ends as exhausted.
     */
    public void take(Exchange exchange) throws InvalidPayloadException {
        Delivery delivery = exchange.getMessage().getMandatoryBody(Delivery.class);
        exchange.setProperty(DELIVERY, delivery);
        exchange.setProperty(DUE, Boolean.FALSE);
        if (dispatcher.stopping()) {
            // the relay is stopping: a delivery not yet begun goes back to waiting, not counted, instead of making
            // the stop wait for its calls
            finish(exchange, Finish.waitIn(delivery, 0, null));
            return;
        }
        Finish skipped;
        try {
            skipped = staleSkip(delivery);
        } catch (StoreUnavailableException storeAway) {
            // the store cannot say whether a newer update was delivered: the delivery waits, not counted, instead of
            // using up an attempt on the store's absence (a busy pool or an outage), and is not sent meanwhile
            finish(exchange, Finish.waitIn(delivery, STORE_AWAY_WAIT_MS, null));
            return;
        }
        if (skipped != null) {
            finish(exchange, skipped);
            return;
        }
        VendorCircuit circuit = circuits.of(delivery.vendor());
        if (!circuit.admit()) {
            finish(exchange, heldBack(delivery, circuit));
            return;
        }
        exchange.setProperty(ADMITTED, System.nanoTime());
        exchange.setProperty(ADMITTED_AT, System.currentTimeMillis());
        UpdateRequest request = delivery.request();
        exchange.setProperty(REQUEST, request);
        exchange.getMessage().setBody(request);
        exchange.setProperty(DUE, Boolean.TRUE);
    }

    /** Records the attempt's {@link Outcome}, the body left by the vendor's answer processor. */
    public void record(Exchange exchange) throws InvalidPayloadException {
        Delivery delivery = exchange.getProperty(DELIVERY, Delivery.class);
        Outcome outcome = exchange.getMessage().getMandatoryBody(Outcome.class);
        if (exchange.getProperty(FINISHED) == null) {
            finish(exchange, finishOf(exchange, delivery, outcome));
        }
    }

    /**
     * Records the outcome of an attempt a step of which failed, which the failure's method of
     * {@link DeliveryFailures} left in the body (routes/errors.camel.yaml, delivery-failures); nothing when the
     * failure came before the delivery was taken, or after its outcome was recorded.
     */
    public void failed(Exchange exchange) throws InvalidPayloadException {
        Delivery delivery = exchange.getProperty(DELIVERY, Delivery.class);
        if (delivery == null || exchange.getProperty(FINISHED) != null) {
            return;
        }
        record(exchange);
    }

    /** Hands the attempt's outcome, and with it the delivery's place, back to the dispatcher, once. */
    private void finish(Exchange exchange, Finish outcome) {
        exchange.setProperty(FINISHED, Boolean.TRUE);
        dispatcher.finished(outcome);
    }

    /** A delivery its vendor's circuit did not let call the vendor. */
    private Finish heldBack(Delivery delivery, VendorCircuit circuit) {
        VendorSettings vendor = settings.get(delivery.vendor());
        long age = System.currentTimeMillis() - delivery.createdAt();
        if (circuit.state() != VendorCircuit.State.PAUSED && age >= circuit.giveUpAfterMs()) {
            Outcome gaveUp = Outcome.unreachable("not delivered within " + hours(circuit.giveUpAfterMs())
                    + " h of its acceptance (relay.vendors." + vendor.vendor() + ".give-up-after-hours): "
                    + displayNames.getOrDefault(vendor.vendor(), vendor.vendor()) + " was down, its circuit "
                    + circuit.state().label + " since " + java.time.Instant.ofEpochMilli(circuit.since())
                    + "; last failure: " + circuit.lastFailure());
            return exhausted(delivery, gaveUp, delivery.countedAttempt() - 1, null)
                    .with(new Attempt(System.currentTimeMillis(), 0, null, "circuit-open", null, null, null));
        }
        Finish held = Finish.waitIn(delivery, 0, null);
        return circuit.state() == VendorCircuit.State.PAUSED ? held
                : held.with(new Attempt(System.currentTimeMillis(), 0, null, "circuit-open", null, null, null));
    }

    /** Ends the delivery as exhausted; {@code call}: the attempt result of the call that ended it (null: none made). */
    private Finish exhausted(Delivery delivery, Outcome outcome, int attempts, String call) {
        writeDeadLetter(delivery, "exhausted", outcome, attempts);
        tally(delivery, "exhausted", call);
        String error = errorJson(outcome);
        return Finish.dead(delivery, error)
                .with(notices.of(delivery, "exhausted", Math.max(0, attempts), null, error));
    }

    private static String hours(long ms) {
        double h = ms / 3_600_000.0;
        return h == Math.rint(h) ? Long.toString((long) h) : Double.toString(h);
    }

    /** What the store is to record for {@code outcome}; a dead letter is written here, before that. */
    private Finish finishOf(Exchange exchange, Delivery delivery, Outcome outcome) {
        Long admitted = exchange.getProperty(ADMITTED, Long.class);
        if (admitted == null) {
            return finishOf(delivery, outcome);
        }
        exchange.removeProperty(ADMITTED);
        long nanos = System.nanoTime() - admitted;
        circuits.of(delivery.vendor()).record(outcome, nanos);
        Finish finish = finishOf(delivery, outcome);
        String result = switch (finish.status()) {
            case DELIVERED -> "ok";
            case PENDING -> "retry";
            default -> "failed";
        };
        Long at = exchange.getProperty(ADMITTED_AT, Long.class);
        // a delivered answer's status is camel-http's header: the outcome carries statuses of failures only
        Integer status = outcome.httpStatus() != null ? outcome.httpStatus()
                : exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        return finish.with(new Attempt(at == null ? System.currentTimeMillis() : at, nanos / 1_000_000,
                status, result, outcome.vendorMessage(), outcome.vendorCode(), outcome.vendorRecordId()));
    }

    private Finish finishOf(Delivery delivery, Outcome outcome) {
        VendorSettings vendor = settings.get(delivery.vendor());
        VendorCircuit circuit = circuits.of(delivery.vendor());
        switch (outcome.type()) {
            case DELIVERED -> {
                tally(delivery, "delivered", "ok");
                deliveredTotal.incrementAndGet();
                LOG.debug("Delivered request {} to {} (attempt {})", delivery.requestId(), delivery.vendor(),
                        delivery.attempt());
                return Finish.delivered(delivery).with(notices.of(delivery, "delivered",
                        delivery.countedAttempt(), outcome.vendorRecordId(), null));
            }
            case REJECTED -> {
                writeDeadLetter(delivery, "rejected", outcome, delivery.countedAttempt());
                tally(delivery, "rejected", "failed");
                String error = errorJson(outcome);
                return Finish.dead(delivery, error).with(notices.of(delivery, "rejected",
                        delivery.countedAttempt(), null, error));
            }
            case RETRY -> {
                // a call that says the vendor is down does not use up the delivery's attempts (PRODUCT.md §3a)
                boolean down = outcome.vendorDown();
                int counted = delivery.countedAttempt() - (down ? 1 : 0);
                long age = System.currentTimeMillis() - delivery.createdAt();
                if (age >= circuit.giveUpAfterMs()) {
                    return exhausted(delivery, outcome.withMessage(outcome.message() + "; given up "
                            + hours(circuit.giveUpAfterMs()) + " h after its acceptance (relay.vendors."
                            + vendor.vendor() + ".give-up-after-hours)"), counted, "failed");
                }
                if (!down && counted >= vendor.maxAttempts()) {
                    return exhausted(delivery, outcome, counted, "failed");
                }
                tally(delivery, null, "retry");
                if (down) {
                    // said once by the circuit when it opens, not once per call
                    long delay = circuit.delayWhileDown(delivery.unanswered() + 1, outcome);
                    LOG.debug("Request {} to {}: the vendor is down ({}); not counted as an attempt, due again in {} "
                            + "ms", SafeText.value(delivery.requestId()), delivery.vendor(),
                            SafeText.value(Secrets.mask(outcome.message())), delay);
                    return Finish.waitIn(delivery, delay, errorJson(outcome));
                }
                long delay = RetryPolicy.delayMs(vendor, counted, circuit.retryAfterMs(outcome));
                LOG.info("Request {} to {}: attempt {} of {} failed ({}); next attempt in {} ms",
                        SafeText.value(delivery.requestId()), delivery.vendor(), counted,
                        vendor.maxAttempts(), SafeText.value(Secrets.mask(outcome.message())), delay);
                return Finish.retryIn(delivery, delay, errorJson(outcome));
            }
            default -> throw new IllegalStateException("unhandled outcome " + outcome.type());
        }
    }

    /**
     * An update that occurred before one already delivered for the same record is not sent (it would overwrite
     * newer data); it is finished as SKIPPED, with the reason, and logged.
     */
    private Finish staleSkip(Delivery delivery) {
        if (delivery.occurredAt() == null) {
            return null;
        }
        Long newest = store.lastDeliveredOccurredAt(delivery.vendor(), delivery.recordKey());
        if (newest == null || newest <= delivery.occurredAt()) {
            return null;
        }
        String reason = "skipped: an update of this record that occurred at " + java.time.Instant.ofEpochMilli(newest)
                + " was already delivered; this one occurred at " + java.time.Instant.ofEpochMilli(delivery.occurredAt());
        tally(delivery, "skipped", null);
        LOG.info("Request {} to {} {}", SafeText.value(delivery.requestId()), delivery.vendor(), reason);
        String reasonJson = Json.write(Json.object().put("message", reason));
        return Finish.skipped(delivery, reasonJson)
                .with(notices.of(delivery, "skipped", delivery.countedAttempt() - 1, null, reasonJson));
    }

    /**
     * Counts what an attempt came to, for the periodic log report and for the metrics: {@code outcome} the
     * delivery's final outcome (null while it is to be tried again), {@code attempt} the attempt's result (null when
     * no call was made).
     */
    private void tally(Delivery delivery, String outcome, String attempt) {
        recent.computeIfAbsent(delivery.vendor() + " " + (outcome == null ? "retrying" : outcome),
                k -> new AtomicLong()).incrementAndGet();
        if (outcome != null) {
            metrics.finished(delivery.vendor(), outcome, delivery.createdAt());
        }
        if (attempt != null) {
            metrics.attempt(delivery.vendor(), attempt);
        }
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

    private void writeDeadLetter(Delivery delivery, String reason, Outcome outcome, int attempts) {
        JsonNode request = null;
        JsonNode source = null;
        try {
            request = Json.parse(delivery.requestJson());
            source = delivery.sourceJson() == null ? null : Json.parse(delivery.sourceJson());
        } catch (Exception e) {
            LOG.warn("Stored request {} could not be read back for its dead letter",
                    SafeText.value(delivery.requestId()));
        }
        deadLetters.write(DeadLetterWriter.Letter.givenUp(delivery.requestId(), delivery.vendor(), delivery.kind(),
                reason, outcome, attempts, delivery.firstAttemptAt(), source, request, delivery.requestJson()));
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
