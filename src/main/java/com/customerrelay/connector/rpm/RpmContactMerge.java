package com.customerrelay.connector.rpm;

import com.customerrelay.core.Json;
import com.customerrelay.core.UpdateRequest;
import com.customerrelay.connector.Connector;
import com.customerrelay.connector.Outcome;
import com.customerrelay.connector.OutcomeException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Read, merge, write: CustomerContactEdit clears Salutation, Title and Email when they are not sent, so the body
 * is the contact as RPM holds it with the request's members laid over it. Phones are merged by type, keeping each
 * existing entry's PhoneNumberID; IsPrimary keeps a primary contact primary.
 */
public final class RpmContactMerge {

    /** Canonical phone member → RPM phone Type. */
    static final Map<String, Integer> PHONE_TYPES = new LinkedHashMap<>();
    /** Canonical member → RPM Contact member. */
    static final Map<String, String> FIELDS = new LinkedHashMap<>();

    static {
        PHONE_TYPES.put("phones.business", 1);
        PHONE_TYPES.put("phones.home", 2);
        PHONE_TYPES.put("phones.fax", 3);
        PHONE_TYPES.put("phones.other", 6);
        FIELDS.put("firstName", "FirstName");
        FIELDS.put("lastName", "LastName");
        FIELDS.put("salutation", "Salutation");
        FIELDS.put("title", "Title");
        FIELDS.put("email", "Email");
    }

    /**
     * The merge step of RPM's delivery route: the contact as RPM holds it (the body, from {@link RpmAnswers#contact})
     * with the request laid over it, as CustomerContactEdit's body; a merged contact RPM would refuse ends the
     * attempt as rejected.
     */
    public ObjectNode merge(@Body JsonNode entry, @ExchangeProperty(Connector.REQUEST) UpdateRequest request)
            throws OutcomeException {
        long customerId = request.keys(RpmProfile.NAME).get("customerId").asLong();
        Merged merged = merge(entry, request, customerId);
        if (merged.refusal() != null) {
            throw new OutcomeException(merged.refusal());
        }
        return merged.body();
    }

    /** The CustomerContactEdit body, or the reason it cannot be sent. */
    record Merged(ObjectNode body, Outcome refusal) {
    }

    /**
     * @param entry   the contact's entry from the Customer call: {"Contact": {...}, "IsPrimary": bool}
     * @param request the update
     */
    static Merged merge(JsonNode entry, UpdateRequest request, long customerId) {
        JsonNode existing = entry.path("Contact");
        JsonNode keys = request.keys(RpmProfile.NAME);
        long contactId = keys.get("contactId").asLong();

        ObjectNode contact = Json.object();
        contact.put("ContactID", contactId);
        for (String field : FIELDS.values()) {
            contact.put(field, existing.path(field).asText(""));
        }
        ArrayNode phones = contact.putArray("PhoneNumbers");
        for (JsonNode phone : existing.path("PhoneNumbers")) {
            ObjectNode copy = phones.addObject();
            if (phone.hasNonNull("PhoneNumberID")) {
                copy.put("PhoneNumberID", phone.get("PhoneNumberID").asLong());
            }
            copy.put("Type", phone.path("Type").asInt());
            copy.put("Number", phone.path("Number").asText(""));
        }

        Map<String, JsonNode> leaves = request.leaves();
        FIELDS.forEach((canonical, field) -> {
            if (leaves.containsKey(canonical)) {
                JsonNode value = leaves.get(canonical);
                contact.put(field, value.isNull() ? "" : value.asText());
            }
        });
        PHONE_TYPES.forEach((canonical, type) -> {
            if (!leaves.containsKey(canonical)) {
                return;
            }
            JsonNode value = leaves.get(canonical);
            ObjectNode current = null;
            for (JsonNode phone : phones) {
                if (phone.path("Type").asInt() == type) {
                    current = (ObjectNode) phone;
                    break;
                }
            }
            if (current != null) {
                current.put("Number", value.isNull() ? "" : value.asText());
            } else if (!value.isNull()) {
                ObjectNode added = phones.addObject();
                added.put("Type", type);
                added.put("Number", value.asText());
            }
        });
        request.vendorFields(RpmProfile.NAME).fields().forEachRemaining(f -> contact.set(f.getKey(), f.getValue()));

        if (contact.path("FirstName").asText("").isBlank() || contact.path("LastName").asText("").isBlank()) {
            return new Merged(null, Outcome.rejected("RPM requires FirstName and LastName, and contact " + contactId
                    + " would have none"));
        }
        if (phones.size() > RpmProfile.MAX_PHONES) {
            return new Merged(null, Outcome.rejected("RPM takes at most " + RpmProfile.MAX_PHONES
                    + " phone numbers; contact " + contactId + " would have " + phones.size()));
        }
        boolean isPrimary = entry.path("IsPrimary").asBoolean(false);
        JsonNode wanted = keys.get("primary");
        if (wanted != null && !wanted.asBoolean() && isPrimary) {
            return new Merged(null, Outcome.rejected("RPM cannot demote a primary contact: contact " + contactId
                    + " is the primary contact of customer " + customerId + " and targets.rpm.primary is false"));
        }
        ObjectNode body = Json.object();
        body.put("CustomerID", customerId);
        body.put("IsPrimary", isPrimary || (wanted != null && wanted.asBoolean()));
        body.set("Contact", contact);
        return new Merged(body, null);
    }
}
