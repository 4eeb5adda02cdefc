package com.customerrelay.connector.expandable;

import com.customerrelay.core.Json;
import com.customerrelay.core.UpdateRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Canonical contact → Expandable customer-contact-update body (VENDORS.md §1, §5). Only members present in the
 * request are sent; null clears the field (sent as ""); every value is a string; vendorFields go on top as given.
 * AUTH_TOKEN is not added here: the route's credential step (ExpandableTokens) adds it at send time, so it is never
 * stored.
 */
public final class ExpandableMapper {

    static final Map<String, String> FIELDS = new LinkedHashMap<>();

    static {
        FIELDS.put("firstName", "FIRST_NAME");
        FIELDS.put("lastName", "LAST_NAME");
        FIELDS.put("initial", "INITIAL");
        FIELDS.put("title", "TITLE");
        FIELDS.put("email", "E_MAIL");
        FIELDS.put("email2", "E_MAIL_2");
        FIELDS.put("phones.business", "PHONE_NO");
        FIELDS.put("phones.mobile", "CELL_PHONE_NO");
        FIELDS.put("phones.fax", "FAX_NO");
        FIELDS.put("phones.pager", "PAGER_NO");
        FIELDS.put("address.line1", "ADDRESS_1");
        FIELDS.put("address.line2", "ADDRESS_2");
        FIELDS.put("address.line3", "ADDRESS_3");
        FIELDS.put("address.city", "CITY");
        FIELDS.put("address.state", "STATE");
        FIELDS.put("address.postalCode", "ZIP_CODE");
        FIELDS.put("address.country", "COUNTRY");
        FIELDS.put("mailStop", "MAIL_STOP");
        FIELDS.put("webAddress", "WEB_ADDRESS");
        FIELDS.put("status", "CONTACT_STATUS");
        FIELDS.put("notes", "NOTES");
        FIELDS.put("attachments", "ATTACHMENTS");
    }

    public ObjectNode map(UpdateRequest request) {
        JsonNode keys = request.keys(ExpandableProfile.NAME);
        ObjectNode body = Json.object();
        body.put("CUSTOMER_ID", keys.get("customerId").asText());
        body.put("CUST_CONTACT", keys.get("contactId").asText());
        for (Map.Entry<String, JsonNode> leaf : request.leaves().entrySet()) {
            String field = FIELDS.get(leaf.getKey());
            if (field != null) {
                body.put(field, text(leaf.getValue()));
            }
        }
        request.vendorFields(ExpandableProfile.NAME).fields()
                .forEachRemaining(f -> body.put(f.getKey(), text(f.getValue())));
        return body;
    }

    private static String text(JsonNode value) {
        if (value == null || value.isNull()) {
            return "";
        }
        if (value.isArray()) {
            List<String> parts = new ArrayList<>();
            value.forEach(v -> parts.add(v.asText()));
            return String.join("|", parts);
        }
        return value.asText();
    }
}
