package com.customerrelay.connector.expandable;

import com.customerrelay.core.RecordKey;
import com.customerrelay.core.VendorProfile;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Set;

/** Expandable ERP serves kind contact, keyed by CUSTOMER_ID and CUST_CONTACT. */
public final class ExpandableProfile implements VendorProfile {

    public static final String NAME = "expandable";
    static final int MAX_NOTES = 32_765;
    /** Members the relay itself fills in; a producer cannot set them through vendorFields. */
    static final Set<String> RESERVED = Set.of("AUTH_TOKEN", "CUSTOMER_ID", "CUST_CONTACT");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> credentialKeys() {
        return List.of("data-source", "user-name", "password");
    }

    @Override
    public Set<String> kinds() {
        return Set.of("contact");
    }

    @Override
    public Set<String> fields(String kind) {
        return ExpandableMapper.FIELDS.keySet();
    }

    @Override
    public void validateKeys(String kind, JsonNode keys, String path, List<String> errors) {
        VendorProfile.allowOnly(keys, path, Set.of("customerId", "contactId"), errors);
        VendorProfile.requireString(keys, path, "customerId", errors);
        VendorProfile.requireString(keys, path, "contactId", errors);
    }

    @Override
    public void validateData(String kind, JsonNode data, List<String> errors) {
        JsonNode notes = data.get("notes");
        if (notes != null && notes.isTextual() && notes.asText().length() > MAX_NOTES) {
            errors.add("data.notes must be at most " + MAX_NOTES + " characters for expandable (it has "
                    + notes.asText().length() + ")");
        }
    }

    @Override
    public void validateVendorFields(String kind, JsonNode fields, List<String> errors) {
        fields.fieldNames().forEachRemaining(name -> {
            if (RESERVED.contains(name)) {
                errors.add("vendorFields.expandable." + name + " is set by the relay and cannot be given");
            }
        });
        JsonNode notes = fields.get("NOTES");
        if (notes != null && notes.asText().length() > MAX_NOTES) {
            errors.add("vendorFields.expandable.NOTES must be at most " + MAX_NOTES + " characters");
        }
    }

    @Override
    public String recordKey(String kind, JsonNode keys) {
        return RecordKey.of(keys.get("customerId").asText(), keys.get("contactId").asText());
    }
}
