package com.customerrelay.core;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Set;

/** What the core needs to know about a vendor to validate a request for it, before any delivery. */
public interface VendorProfile {

    /** Name used in {@code targets} and {@code vendorFields}. */
    String name();

    /** Kinds this vendor serves. */
    Set<String> kinds();

    /**
     * The keys under relay.vendors.&lt;name&gt;. the vendor needs once it delivers to a real base-url (VENDORS.md):
     * its credential. {@code --check} names those missing.
     */
    default List<String> credentialKeys() {
        return List.of();
    }

    /** Canonical leaf paths (see {@link CanonicalFields}) this vendor has a place for, per kind. */
    Set<String> fields(String kind);

    /**
     * The fields of {@code present} (a request's canonical leaf paths) this vendor has no place for in a request of
     * {@code kind}: skipped for this vendor, and the skip recorded (VENDORS.md).
     */
    default List<String> skipped(Set<String> present, String kind) {
        Set<String> fields = fields(kind);
        return present.stream().filter(f -> !fields.contains(f)).toList();
    }

    /** Checks {@code targets.<name>}: the record keys. {@code path} is "targets.&lt;name&gt;". */
    void validateKeys(String kind, JsonNode keys, String path, List<String> errors);

    /**
     * The JSON type a target key takes: "string" (the default), "integer" or "boolean". A sync job converts a
     * column's value to it (a CSV cell is always text).
     */
    default String keyType(String key) {
        return "string";
    }

    /** Vendor-specific rules on canonical data (e.g. RPM's salutations); data is already type-checked. */
    default void validateData(String kind, JsonNode data, List<String> errors) {
    }

    /** Vendor-specific rules on {@code vendorFields.<name>}, already known to be a flat object. */
    default void validateVendorFields(String kind, JsonNode fields, List<String> errors) {
    }

    /**
     * Identifies the record at the vendor, for ordering updates of the same record; build it with
     * {@link RecordKey#of(String...)} so that different keys never give the same record key.
     */
    String recordKey(String kind, JsonNode keys);

    /** Helpers for key checks. */
    static void requireString(JsonNode keys, String path, String name, List<String> errors) {
        JsonNode value = keys.get(name);
        if (value == null || value.isNull()) {
            errors.add(path + "." + name + " is required");
        } else if (!value.isTextual()) {
            errors.add(path + "." + name + " must be a string, not " + Json.typeName(value));
        } else if (value.asText().isBlank()) {
            errors.add(path + "." + name + " must not be empty");
        }
    }

    /**
     * A string key that goes into a vendor's URL path: besides being a non-empty string it may not be "." or "..",
     * which a server may resolve as "this folder" or "the folder above" and so reach another record.
     */
    static void requirePathSegment(JsonNode keys, String path, String name, List<String> errors) {
        int before = errors.size();
        requireString(keys, path, name, errors);
        String value = errors.size() == before ? keys.get(name).asText() : null;
        if (".".equals(value) || "..".equals(value)) {
            errors.add(path + "." + name + " must not be \"" + value + "\": it goes into the vendor's URL path");
        }
    }

    static void requireInteger(JsonNode keys, String path, String name, List<String> errors) {
        JsonNode value = keys.get(name);
        if (value == null || value.isNull()) {
            errors.add(path + "." + name + " is required");
        } else if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            errors.add(path + "." + name + " must be an integer, not " + Json.typeName(value));
        } else if (value.asLong() <= 0) {
            errors.add(path + "." + name + " must be a positive integer");
        }
    }

    static void allowOnly(JsonNode keys, String path, Set<String> allowed, List<String> errors) {
        keys.fieldNames().forEachRemaining(name -> {
            if (!allowed.contains(name)) {
                errors.add(path + "." + SafeText.name(name) + " is not a key of this target (expected "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        });
    }
}
