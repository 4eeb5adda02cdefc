package com.customerrelay.intake;

import com.customerrelay.core.Json;
import com.customerrelay.core.RequestValidator;
import com.customerrelay.core.UpdateRequest;
import com.customerrelay.core.VendorProfile;
import com.customerrelay.delivery.DeadLetterWriter;
import com.customerrelay.delivery.DeliveryStore;
import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Takes one request from any intake: validates it, then either hands one delivery per target to the store (which
 * makes the relay responsible for it, once per request id and vendor) or writes it as an {@code invalid} dead
 * letter. Bad input never throws from here; only a failing store does, so the caller can refuse the input.
 */
public final class RequestIntake {

    private static final Logger LOG = LoggerFactory.getLogger(RequestIntake.class);

    private final RequestValidator validator;
    private final DeliveryStore store;
    private final DeadLetterWriter deadLetters;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong invalid = new AtomicLong();

    public RequestIntake(RequestValidator validator, DeliveryStore store, DeadLetterWriter deadLetters) {
        this.validator = validator;
        this.store = store;
        this.deadLetters = deadLetters;
    }

    public void accept(IntakeItem item) {
        if (item.json() == null) {
            invalid.incrementAndGet();
            deadLetters.write(new DeadLetterWriter.Letter(RequestValidator.deriveId(item.rawText()), null, null,
                    "invalid", item.parseError(), null, null, null, 0, null, null, item.source(), null,
                    item.rawText()));
            return;
        }
        RequestValidator.Result result = validator.validate(item.json());
        if (!result.valid()) {
            invalid.incrementAndGet();
            String kind = item.json().path("kind").isTextual() ? item.json().path("kind").asText() : null;
            List<String> vendors = result.vendors().isEmpty() ? java.util.Collections.singletonList(null)
                    : result.vendors();
            for (String vendor : vendors) {
                deadLetters.write(new DeadLetterWriter.Letter(result.id(), vendor, kind, "invalid", result.message(),
                        null, null, null, 0, null, null, item.source(), item.json(), null));
            }
            return;
        }
        UpdateRequest request = result.request();
        String json = Json.write(request.raw());
        String source = Json.write(item.source());
        for (String vendor : request.vendors()) {
            VendorProfile profile = validator.profile(vendor);
            JsonNode keys = request.keys(vendor);
            Set<String> fields = profile.fields(request.kind());
            String skipped = request.leaves().keySet().stream().filter(f -> !fields.contains(f))
                    .collect(Collectors.joining(","));
            boolean fresh = store.enqueue(request.id(), vendor, request.kind(),
                    profile.recordKey(request.kind(), keys), json, source, skipped.isEmpty() ? null : skipped);
            if (fresh) {
                accepted.incrementAndGet();
                if (!skipped.isEmpty()) {
                    LOG.debug("Request {} to {}: no place at {} for {}", request.id(), vendor, vendor, skipped);
                }
            } else {
                duplicates.incrementAndGet();
                LOG.info("Request {} to {} was already accepted; this copy from {} is ignored", request.id(), vendor,
                        item.source().path("name").asText());
            }
        }
    }

    public long accepted() {
        return accepted.get();
    }

    public long duplicates() {
        return duplicates.get();
    }

    public long invalid() {
        return invalid.get();
    }
}
