package com.customerrelay.intake;

import com.customerrelay.core.Json;
import com.customerrelay.core.RequestValidator;
import com.customerrelay.core.SafeText;
import com.customerrelay.core.UpdateRequest;
import com.customerrelay.core.VendorProfile;
import com.customerrelay.deadletter.DeadLetterReplay;
import com.customerrelay.deadletter.DeadLetterWriter;
import com.customerrelay.delivery.Acceptance;
import com.customerrelay.delivery.DeliveryAcceptance;
import com.customerrelay.delivery.NewDelivery;
import com.customerrelay.delivery.OutboxTable;
import com.customerrelay.delivery.OutcomeNotice;
import com.customerrelay.delivery.OutcomeNotices;
import com.customerrelay.observe.RelayMetrics;
import com.customerrelay.store.StoreUnavailableException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Function;

/**
 * Takes one request from any intake: validates it, then either hands one delivery per target to the store (which
 * makes the relay responsible for it, once per request id and vendor) or writes it as an {@code invalid} dead
 * letter. Bad input never throws from here; only a failing store does ({@link StoreUnavailableException}), so the
 * caller can keep its input and try again.
 */
public final class RequestIntake {

    private static final Logger LOG = LoggerFactory.getLogger(RequestIntake.class);
    private static final int ACCEPTED = 0;
    private static final int DUPLICATE = 1;
    private static final int INVALID = 2;

    private final RequestValidator validator;
    private final DeliveryAcceptance acceptance;
    private final OutboxTable outbox;
    private final DeadLetterWriter deadLetters;
    private final Map<String, AtomicLongArray> tallies = new ConcurrentHashMap<>();
    private final RelayMetrics metrics;
    private final OutcomeNotices notices;

    /** What became of one item handed to {@link #accept}: the vendors per result, and the messages of the invalid. */
    public record Receipt(IntakeItem item, List<String> accepted, List<String> duplicates, List<String> invalid) {

        /** The request's id as the validator gives it (derived from the content when the request has none). */
        public String id() {
            return idOf(item);
        }
    }

    public RequestIntake(RequestValidator validator, DeliveryAcceptance acceptance, OutboxTable outbox,
                         DeadLetterWriter deadLetters, RelayMetrics metrics, OutcomeNotices notices) {
        this.validator = validator;
        this.acceptance = acceptance;
        this.outbox = outbox;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.notices = notices;
    }

    /**
     * Takes several requests at once: the invalid ones are dead-lettered, the deliveries of the valid ones are
     * committed to the store together (one write for the lot, which is what makes large files and busy queues
     * fast while every accepted request is on disk before its file moves to .done or its message is acknowledged).
     * Whatever one request holds, it is accepted or becomes its own dead letter: it never fails the others.
     *
     * @throws StoreUnavailableException when the store cannot take the lot; nothing of it was accepted
     */
    public void accept(List<IntakeItem> items) {
        acceptFor(items, null);
    }

    /**
     * As {@link #accept(List)} (which YAML routes call by name, so this is not an overload of it), for
     * {@code onlyVendor} alone when it is not null (a replayed dead letter), and
     * saying what became of each item, in order.
     */
    public List<Receipt> acceptFor(List<IntakeItem> items, String onlyVendor) {
        return receipts(items, onlyVendor, acceptance::accept);
    }

    /**
     * As {@link #accept(List)}, with {@code alsoCommit} run in the transaction that accepts the requests (a sync
     * job's fingerprints); a request whose id was delivered before is delivered again (a record that changed back
     * to an earlier state makes the same id again).
     */
    public List<Receipt> acceptWith(List<IntakeItem> items, DeliveryAcceptance.AfterAccepting alsoCommit) {
        return receipts(items, null, deliveries -> acceptance.acceptWith(deliveries, alsoCommit));
    }

    /** A replayed dead letter's request, taken in again for {@code vendor} alone (DeadLetterReplay). */
    public DeadLetterReplay.Resubmitted resubmit(JsonNode request, ObjectNode source, String vendor) {
        Receipt receipt = acceptFor(List.of(new IntakeItem(request, null, null, source)), vendor).get(0);
        return !receipt.accepted().isEmpty() ? DeadLetterReplay.Resubmitted.ACCEPTED
                : !receipt.duplicates().isEmpty() ? DeadLetterReplay.Resubmitted.ALREADY_THERE
                : DeadLetterReplay.Resubmitted.REFUSED;
    }

    private List<Receipt> receipts(List<IntakeItem> items, String onlyVendor,
                                 Function<List<NewDelivery>, List<Acceptance>> commit) {
        Map<IntakeItem, Receipt> byItem = new IdentityHashMap<>();
        for (IntakeItem item : items) {
            byItem.put(item, new Receipt(item, new ArrayList<>(), new ArrayList<>(), new ArrayList<>()));
        }
        commitAll(items, onlyVendor, byItem, commit);
        List<Receipt> result = new ArrayList<>();
        for (IntakeItem item : items) {
            Receipt receipt = byItem.get(item);
            result.add(receipt);
            if (!receipt.accepted().isEmpty()) {
                metrics.accepted(item.source().path("intake").asText("other"));
            }
        }
        return result;
    }

    private void commitAll(List<IntakeItem> items, String onlyVendor, Map<IntakeItem, Receipt> receipts,
                           Function<List<NewDelivery>, List<Acceptance>> commit) {
        List<NewDelivery> deliveries = new ArrayList<>();
        List<IntakeItem> origins = new ArrayList<>();
        // the invalid requests' dead letters are written once the valid ones are committed: when the store cannot
        // take the lot, the whole batch is read again later (the file left in the inbox, the message in hand), and
        // its invalid requests would otherwise be written again on every try
        List<Runnable> invalids = new ArrayList<>();
        for (IntakeItem item : items) {
            int before = deliveries.size();
            try {
                prepare(item, receipts.get(item), deliveries, origins, onlyVendor, invalids);
            } catch (RuntimeException e) {
                // a rule the validator did not foresee: this request alone is refused, none of its targets kept
                deliveries.subList(before, deliveries.size()).clear();
                origins.subList(before, origins.size()).clear();
                LOG.error("Request from {} could not be taken in: {}", SafeText.value(nameOf(item)),
                        SafeText.value(e.toString()));
                String message = "the request could not be taken in: " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + SafeText.value(e.getMessage()));
                invalids.add(() -> invalid(item, receipts.get(item), idOf(item), null, null, message));
            }
        }
        List<Acceptance> results = commit.apply(deliveries);
        invalids.forEach(Runnable::run);
        for (int i = 0; i < deliveries.size(); i++) {
            NewDelivery delivery = deliveries.get(i);
            IntakeItem item = origins.get(i);
            AtomicLongArray tally = tally(item);
            Receipt receipt = receipts.get(item);
            switch (results.get(i)) {
                case NEW -> {
                    tally.incrementAndGet(ACCEPTED);
                    receipt.accepted().add(delivery.vendor());
                    if (delivery.skipped() != null) {
                        LOG.debug("Request {} to {}: no place at {} for {}", SafeText.value(delivery.requestId()),
                                delivery.vendor(), delivery.vendor(), delivery.skipped());
                    }
                }
                case DUPLICATE -> {
                    tally.incrementAndGet(DUPLICATE);
                    receipt.duplicates().add(delivery.vendor());
                    LOG.info("Request {} to {} was already accepted; this copy from {} is ignored",
                            SafeText.value(delivery.requestId()), delivery.vendor(), SafeText.value(nameOf(item)));
                }
                case REFUSED -> invalid(item, receipt, delivery.requestId(), delivery.vendor(), delivery.kind(),
                        "the state store cannot hold this request (a value it refuses, such as a NUL character)");
            }
        }
    }

    /** Validates one item: invalid targets become dead letters, deliverable ones are added to {@code deliveries}. */
    private void prepare(IntakeItem item, Receipt receipt, List<NewDelivery> deliveries,
                         List<IntakeItem> origins, String onlyVendor, List<Runnable> invalids) {
        if (item.json() == null) {
            invalids.add(() -> invalid(item, receipt, idOf(item), null, null, item.parseError()));
            return;
        }
        RequestValidator.Result result = validator.validate(item.json());
        String kind = item.json().path("kind").isTextual() ? item.json().path("kind").asText() : null;
        if (result.vendors().isEmpty()) {
            invalids.add(() -> invalid(item, receipt, result.id(), null, kind, result.message(null)));
            return;
        }
        UpdateRequest request = result.request();
        String json = result.json();
        String source = Json.write(item.source());
        Set<String> present = request == null ? Set.of() : request.leaves().keySet();
        List<String> undeliverable = new ArrayList<>();
        for (String vendor : result.vendors()) {
            if (onlyVendor != null && !onlyVendor.equals(vendor)) {
                continue;
            }
            if (!result.deliverable(vendor)) {
                undeliverable.add(vendor);
                continue;
            }
            VendorProfile profile = validator.profile(vendor);
            String skipped = String.join(",", profile.skipped(present, request.kind()));
            Long occurredAt = request.occurredAt() == null ? null : request.occurredAt().toEpochMilli();
            deliveries.add(new NewDelivery(request.id(), vendor, request.kind(),
                    profile.recordKey(request.kind(), request.keys(vendor)), occurredAt, json, source,
                    skipped.isEmpty() ? null : skipped));
            origins.add(item);
        }
        if (!undeliverable.isEmpty()) {
            // one dead letter for the request, naming every target it cannot go to: a dead letter per target would
            // let one request of thousands of made-up target names write thousands of copies of itself
            String vendor = undeliverable.size() == 1 ? undeliverable.get(0) : null;
            String message = messageOf(result, undeliverable);
            invalids.add(() -> invalid(item, receipt, result.id(), vendor, kind, message));
        }
    }

    /** The messages that make {@code vendors} undeliverable, the request's own first; at most {@link #MESSAGES}. */
    static String messageOf(RequestValidator.Result result, List<String> vendors) {
        List<String> all = new ArrayList<>(result.requestErrors());
        vendors.forEach(v -> all.addAll(result.targetErrors().getOrDefault(v, List.of())));
        if (all.size() <= MESSAGES) {
            return String.join("; ", all);
        }
        return String.join("; ", all.subList(0, MESSAGES)) + "; and " + (all.size() - MESSAGES) + " more";
    }

    /** The most messages one invalid dead letter lists. */
    private static final int MESSAGES = 20;

    /** Writes one {@code invalid} dead letter for {@code item} (and {@code vendor}, null for the whole request). */
    private void invalid(IntakeItem item, Receipt receipt, String id, String vendor, String kind, String message) {
        tally(item).incrementAndGet(INVALID);
        receipt.invalid().add(message);
        metrics.finished(vendor == null ? "none" : vendor, "invalid", null);
        deadLetters.write(DeadLetterWriter.Letter.invalid(id, vendor, kind, message, item.source(), item.json(),
                item.rawText()));
        OutcomeNotice notice = notices.invalid(id, vendor, item.source(), message);
        if (notice != null) {
            try {
                outbox.add(notice);
            } catch (StoreUnavailableException e) {
                // its dead letter is written; only its outcome message is lost, and the log says so
                LOG.warn("The outcome message of invalid request {} could not be kept: {}", SafeText.value(id),
                        SafeText.value(e.getMessage()));
            }
        }
    }

    /** The request's id as the validator would give it: its own, or one derived from its content or raw text. */
    static String idOf(IntakeItem item) {
        if (item.json() == null) {
            // a request refused for its size keeps the id its kept start names, so its producer finds it by that id
            String given = RequestValidator.idInStart(item.rawText());
            return given != null ? given : RequestValidator.deriveId(String.valueOf(item.rawText()));
        }
        return RequestValidator.idOf(item.json());
    }

    private AtomicLongArray tally(IntakeItem item) {
        return tallies.computeIfAbsent(nameOf(item), k -> new AtomicLongArray(3));
    }

    private static String nameOf(IntakeItem item) {
        return item.source().path("name").asText();
    }

    /** Logs what one source — a dropped file, a sync run — came to, once it has been read through. */
    public void reportRead(String name) {
        AtomicLongArray tally = tallies.remove(name);
        if (tally == null) {
            tally = new AtomicLongArray(3);
        }
        LOG.info("{} read: {} deliveries accepted, {} duplicates ignored, {} invalid requests dead-lettered",
                SafeText.value(name),
                tally.get(ACCEPTED), tally.get(DUPLICATE), tally.get(INVALID));
    }
}
