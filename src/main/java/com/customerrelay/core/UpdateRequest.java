package com.customerrelay.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A validated update request (PRODUCT.md §1). {@code raw} is the request as received. */
public record UpdateRequest(String id, String kind, Instant occurredAt, ObjectNode raw) {

    public List<String> vendors() {
        List<String> names = new ArrayList<>();
        raw.get("targets").fieldNames().forEachRemaining(names::add);
        return names;
    }

    public JsonNode keys(String vendor) {
        return raw.get("targets").get(vendor);
    }

    /** The vendor's flat vendorFields object, or an empty object. */
    public ObjectNode vendorFields(String vendor) {
        JsonNode all = raw.get("vendorFields");
        JsonNode fields = all != null && all.isObject() ? all.get(vendor) : null;
        return fields != null && fields.isObject() ? (ObjectNode) fields : Json.object();
    }

    /** Canonical data as leaf path → value (see {@link CanonicalFields#leaves}). */
    public Map<String, JsonNode> leaves() {
        return CanonicalFields.leaves(kind, raw.get("data"));
    }

    /** Reads a request back from its stored JSON; it was validated when it was accepted. */
    public static UpdateRequest fromStored(String id, String json) {
        try {
            ObjectNode raw = (ObjectNode) Json.parse(json);
            JsonNode occurred = raw.get("occurredAt");
            Instant occurredAt = occurred != null && occurred.isTextual() ? Instant.parse(occurred.asText()) : null;
            return new UpdateRequest(id, raw.get("kind").asText(), occurredAt, raw);
        } catch (Exception e) {
            throw new IllegalStateException("stored request " + id + " cannot be read back", e);
        }
    }
}
