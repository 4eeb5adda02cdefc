package com.customerrelay.connector.rpm;

import com.customerrelay.core.RecordKey;
import com.customerrelay.core.VendorProfile;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Set;

/** RPM Software serves kind contact (CustomerContactEdit), keyed by integer CustomerID and ContactID. */
public final class RpmProfile implements VendorProfile {

    public static final String NAME = "rpm";
    static final Set<String> SALUTATIONS = Set.of("", "Mr", "Ms", "Dr");
    /** RPM's limit per contact; canonical data maps to four types at most, so it is checked on the merged contact. */
    static final int MAX_PHONES = 4;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> credentialKeys() {
        return List.of("api-key");
    }

    @Override
    public Set<String> kinds() {
        return Set.of("contact");
    }

    @Override
    public Set<String> fields(String kind) {
        return Set.of("firstName", "lastName", "salutation", "title", "email", "phones.business", "phones.home",
                "phones.fax", "phones.other");
    }

    @Override
    public String keyType(String key) {
        return switch (key) {
            case "customerId", "contactId" -> "integer";
            case "primary" -> "boolean";
            default -> "string";
        };
    }

    @Override
    public void validateKeys(String kind, JsonNode keys, String path, List<String> errors) {
        VendorProfile.allowOnly(keys, path, Set.of("customerId", "contactId", "primary"), errors);
        VendorProfile.requireInteger(keys, path, "customerId", errors);
        VendorProfile.requireInteger(keys, path, "contactId", errors);
        JsonNode primary = keys.get("primary");
        if (primary != null && !primary.isBoolean()) {
            errors.add(path + ".primary must be true or false");
        }
    }

    @Override
    public void validateData(String kind, JsonNode data, List<String> errors) {
        JsonNode salutation = data.get("salutation");
        if (salutation != null && salutation.isTextual() && !SALUTATIONS.contains(salutation.asText())) {
            errors.add("data.salutation must be one of \"\", \"Mr\", \"Ms\", \"Dr\" for rpm, not \""
                    + salutation.asText() + "\"");
        }
        for (String name : List.of("firstName", "lastName")) {
            JsonNode value = data.get(name);
            if (value != null && (value.isNull() || value.asText().isBlank())) {
                errors.add("data." + name + " cannot be cleared for rpm (RPM requires FirstName and LastName)");
            }
        }
    }

    @Override
    public String recordKey(String kind, JsonNode keys) {
        return RecordKey.of(String.valueOf(keys.get("customerId").asLong()),
                String.valueOf(keys.get("contactId").asLong()));
    }
}
