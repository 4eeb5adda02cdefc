package com.customerrelay.connector.socialhub;

import com.customerrelay.core.Json;
import com.customerrelay.core.UpdateRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Canonical customer → SocialHub updateInfo body (VENDORS.md §1, §3). Only members the request carries are sent —
 * unlike SocialHub's own client, which sends every field and forces the consent flags to 1, so a request without
 * consent members sends no flag. Flags are 0/1, gender 0/1/2, the address lines are joined into one string and the
 * postal code goes in {@code postelCode} (sic). A null clears a text field (""); gender, birthday and flags cannot
 * be cleared and a null for them is left out.
 */
public final class SocialHubMapper {

    private static final List<String> ADDRESS_LINES = List.of("address.line1", "address.line2", "address.line3",
            "address.city", "address.state", "address.country");

    public ObjectNode map(UpdateRequest request) {
        Map<String, JsonNode> leaves = request.leaves();
        ObjectNode body = Json.object();
        text(leaves, "email", body, "email");
        text(leaves, "name", body, "name");
        JsonNode gender = leaves.get("gender");
        if (gender != null && !gender.isNull()) {
            body.put("gender", switch (gender.asText()) {
                case "male" -> 1;
                case "female" -> 2;
                default -> 0;
            });
        }
        JsonNode birthday = leaves.get("birthday");
        if (birthday != null && !birthday.isNull()) {
            body.put("birthday", birthday.asText());
        }
        text(leaves, "address.postalCode", body, "postelCode");
        if (ADDRESS_LINES.stream().anyMatch(leaves::containsKey)) {
            List<String> parts = new ArrayList<>();
            for (String line : ADDRESS_LINES) {
                JsonNode value = leaves.get(line);
                if (value != null && !value.isNull() && !value.asText().isBlank()) {
                    parts.add(value.asText().trim());
                }
            }
            body.put("address", String.join(", ", parts));
        }
        flag(leaves, "consent.sms", body, "receiveSmsFlag");
        flag(leaves, "consent.email", body, "receiveEmailFlag");
        text(leaves, "language", body, "language");
        request.vendorFields(SocialHubProfile.NAME).fields().forEachRemaining(f -> body.set(f.getKey(), f.getValue()));
        return body;
    }

    private static void text(Map<String, JsonNode> leaves, String canonical, ObjectNode body, String field) {
        if (leaves.containsKey(canonical)) {
            JsonNode value = leaves.get(canonical);
            body.put(field, value.isNull() ? "" : value.asText());
        }
    }

    private static void flag(Map<String, JsonNode> leaves, String canonical, ObjectNode body, String field) {
        JsonNode value = leaves.get(canonical);
        if (value != null && !value.isNull()) {
            body.put(field, value.asBoolean() ? 1 : 0);
        }
    }
}
