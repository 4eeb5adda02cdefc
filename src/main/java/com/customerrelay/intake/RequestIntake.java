package com.customerrelay.intake;

import com.customerrelay.core.Json;
import com.customerrelay.core.RequestValidator;
import com.customerrelay.core.UpdateRequest;
import com.customerrelay.core.VendorProfile;
import com.customerrelay.delivery.DeadLetterWriter;
import com.customerrelay.delivery.DeliveryStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.Collectors;

/**
 * Takes one request from any intake: validates it, then either hands one delivery per target to the store (which
 * makes the relay responsible for it, once per request id and vendor) or writes it as an {@code invalid} dead
 * letter. Bad input never throws from here; only a failing store does, so the caller can refuse the input.
 */
public final class RequestIntake {

    private static final Logger LOG = LoggerFactory.getLogger(RequestIntake.class);
    private static final int ACCEPTED = 0;
    private static final int DUPLICATE = 1;
    private static final int INVALID = 2;

    private final RequestValidator validator;
    private final DeliveryStore store;
    private final DeadLetterWriter deadLetters;
    private final Map<String, AtomicLongArray> tallies = new ConcurrentHashMap<>();

    public RequestIntake(RequestValidator validator, DeliveryStore store, DeadLetterWriter deadLetters) {
        this.validator = validator;
        this.store = store;
        this.deadLetters = deadLetters;
    }

    /**
     * Takes several requests at once: the invalid ones are dead-lettered, the deliveries of the valid ones are
     * committed to the store together (one write for the lot, which is what makes large files and busy queues
     * fast while every accepted request is on disk before its file moves to .done or its message is acknowledged).
     */
    public void acceptAll(List<IntakeItem> items) {
        List<DeliveryStore.NewDelivery> deliveries = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (IntakeItem item : items) {
            String name = item.source().path("name").asText();
            AtomicLongArray tally = tallies.computeIfAbsent(name, k -> new AtomicLongArray(3));
            if (item.json() == null) {
                tally.incrementAndGet(INVALID);
                deadLetters.write(new DeadLetterWriter.Letter(RequestValidator.deriveId(item.rawText()), null, null,
                        "invalid", item.parseError(), null, null, null, 0, null, null, item.source(), null,
                        item.rawText()));
                continue;
            }
            RequestValidator.Result result = validator.validate(item.json());
            String kind = item.json().path("kind").isTextual() ? item.json().path("kind").asText() : null;
            if (result.vendors().isEmpty()) {
                tally.incrementAndGet(INVALID);
                deadLetters.write(new DeadLetterWriter.Letter(result.id(), null, kind, "invalid",
                        result.message(null), null, null, null, 0, null, null, item.source(), item.json(), null));
                continue;
            }
            UpdateRequest request = result.request();
            String json = result.json();
            String source = Json.write(item.source());
            Set<String> present = request == null ? Set.of() : request.leaves().keySet();
            for (String vendor : result.vendors()) {
                if (!result.deliverable(vendor)) {
                    tally.incrementAndGet(INVALID);
                    deadLetters.write(new DeadLetterWriter.Letter(result.id(), vendor, kind, "invalid",
                            result.message(vendor), null, null, null, 0, null, null, item.source(), item.json(),
                            null));
                    continue;
                }
                VendorProfile profile = validator.profile(vendor);
                Set<String> fields = profile.fields(request.kind());
                String skipped = present.stream().filter(f -> !fields.contains(f)).collect(Collectors.joining(","));
                Long occurredAt = request.occurredAt() == null ? null : request.occurredAt().toEpochMilli();
                deliveries.add(new DeliveryStore.NewDelivery(request.id(), vendor, request.kind(),
                        profile.recordKey(request.kind(), request.keys(vendor)), occurredAt, json, source,
                        skipped.isEmpty() ? null : skipped));
                names.add(name);
            }
        }
        List<Boolean> fresh = store.enqueueAll(deliveries);
        for (int i = 0; i < deliveries.size(); i++) {
            DeliveryStore.NewDelivery delivery = deliveries.get(i);
            AtomicLongArray tally = tallies.computeIfAbsent(names.get(i), k -> new AtomicLongArray(3));
            if (fresh.get(i)) {
                tally.incrementAndGet(ACCEPTED);
                if (delivery.skipped() != null) {
                    LOG.debug("Request {} to {}: no place at {} for {}", delivery.requestId(), delivery.vendor(),
                            delivery.vendor(), delivery.skipped());
                }
            } else {
                tally.incrementAndGet(DUPLICATE);
                LOG.info("Request {} to {} was already accepted; this copy from {} is ignored", delivery.requestId(),
                        delivery.vendor(), names.get(i));
            }
        }
    }

    /** Logs what one dropped file (or message) came to, once it has been read through. */
    public void fileDone(String name) {
        AtomicLongArray tally = tallies.remove(name);
        if (tally == null) {
            tally = new AtomicLongArray(3);
        }
        LOG.info("{} read: {} deliveries accepted, {} duplicates ignored, {} invalid requests dead-lettered", name,
                tally.get(ACCEPTED), tally.get(DUPLICATE), tally.get(INVALID));
    }
}
