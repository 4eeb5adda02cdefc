package com.customerrelay.connector.socialhub;

import com.customerrelay.core.RecordKey;
import com.customerrelay.core.VendorProfile;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Set;

/** SocialHub serves kind customer, keyed by customerCode. */
public final class SocialHubProfile implements VendorProfile {

    public static final String NAME = "socialhub";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> credentialKeys() {
        return List.of("app-id", "app-secret");
    }

    @Override
    public Set<String> kinds() {
        return Set.of("customer");
    }

    @Override
    public Set<String> fields(String kind) {
        return Set.of("name", "email", "gender", "birthday", "language", "address.line1", "address.line2",
                "address.line3", "address.city", "address.state", "address.postalCode", "address.country",
                "consent.sms", "consent.email");
    }

    /**
     * SocialHub keeps the address as one string, so sending some address lines would replace the whole address,
     * not leave the others unchanged: an address for SocialHub must carry at least line1 and city, or clear it.
     */
    @Override
    public void validateData(String kind, JsonNode data, List<String> errors) {
        JsonNode address = data.get("address");
        if (address == null || !address.isObject()) {
            return;
        }
        boolean anyLine = false;
        boolean allNull = true;
        for (String line : List.of("line1", "line2", "line3", "city", "state", "country")) {
            JsonNode value = address.get(line);
            if (value != null) {
                anyLine = true;
                allNull &= value.isNull();
            }
        }
        boolean whole = address.hasNonNull("line1") && address.hasNonNull("city");
        if (anyLine && !allNull && !whole) {
            errors.add("data.address must give at least line1 and city for socialhub: SocialHub keeps the address as "
                    + "one string, so a partial address would replace all of it");
        }
    }

    @Override
    public void validateKeys(String kind, JsonNode keys, String path, List<String> errors) {
        VendorProfile.allowOnly(keys, path, Set.of("customerCode"), errors);
        VendorProfile.requirePathSegment(keys, path, "customerCode", errors);
    }

    @Override
    public String recordKey(String kind, JsonNode keys) {
        return RecordKey.of(keys.get("customerCode").asText());
    }
}
