package com.customerrelay.vendor.socialhub;

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
    public Set<String> kinds() {
        return Set.of("customer");
    }

    @Override
    public Set<String> fields(String kind) {
        return Set.of("name", "email", "gender", "birthday", "language", "address.line1", "address.line2",
                "address.line3", "address.city", "address.state", "address.postalCode", "address.country",
                "consent.sms", "consent.email");
    }

    @Override
    public void validateKeys(String kind, JsonNode keys, String path, List<String> errors) {
        VendorProfile.allowOnly(keys, path, Set.of("customerCode"), errors);
        VendorProfile.requireString(keys, path, "customerCode", errors);
    }

    @Override
    public String recordKey(String kind, JsonNode keys) {
        return keys.get("customerCode").asText();
    }
}
