package com.customerrelay.connector.soliditech;

import com.customerrelay.core.Json;
import com.customerrelay.core.UpdateRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Canonical contact or customer → Soliditech update body (VENDORS.md §1, §2): camelCase names, the customer's groups
 * nested (businessDetails, primaryContact, physicalAddress, postalAddress). Only members the request carries are
 * sent; a null is sent as JSON null to clear; vendorFields.soliditech (flat) go on top as given.
 */
public final class SoliditechMapper {

    static final Map<String, String> CONTACT = new LinkedHashMap<>();
    static final Map<String, String> CUSTOMER = new LinkedHashMap<>();

    static {
        CONTACT.put("firstName", "firstName");
        CONTACT.put("lastName", "lastName");
        CONTACT.put("initial", "initials");
        CONTACT.put("salutation", "title");
        CONTACT.put("title", "jobTitle");
        CONTACT.put("email", "email");
        CONTACT.put("phones.business", "workPhone");
        CONTACT.put("phones.home", "homePhone");
        CONTACT.put("phones.mobile", "cellPhone");
        CONTACT.put("phones.fax", "fax");
        CONTACT.put("contactType", "contactType");
        CONTACT.put("contactLevel", "contactLevel");
        CONTACT.put("decisionMaker", "isDecisionMaker");
        CONTACT.put("preferences.newsletter", "sendNewsletter");
        CONTACT.put("preferences.invoices", "sendInvoices");

        CUSTOMER.put("name", "businessDetails.businessName");
        CUSTOMER.put("email", "primaryContact.email");
        CUSTOMER.put("language", "preferredLanguage");
        for (String group : new String[] {"address", "postalAddress"}) {
            String target = group.equals("address") ? "physicalAddress" : "postalAddress";
            for (String line : new String[] {"line1", "line2", "line3", "city", "postalCode", "country"}) {
                CUSTOMER.put(group + "." + line, target + "." + line);
            }
            CUSTOMER.put(group + ".state", target + ".province");
        }
        for (String same : new String[] {"accountUse", "accountClass", "taxType", "priceListId", "invoiceCycleType",
            "dealer", "ticketCenter", "salesManager"}) {
            CUSTOMER.put(same, same);
        }
        CUSTOMER.put("business.name", "businessDetails.businessName");
        CUSTOMER.put("business.idNumberType", "businessDetails.idNumberType");
        CUSTOMER.put("business.idNumber", "businessDetails.idNumber");
        CUSTOMER.put("business.vatNumber", "businessDetails.vatNumber");
        CUSTOMER.put("business.phone", "businessDetails.phoneNumber");
        CUSTOMER.put("primaryContact.salutation", "primaryContact.title");
        CUSTOMER.put("primaryContact.firstName", "primaryContact.firstName");
        CUSTOMER.put("primaryContact.lastName", "primaryContact.lastName");
        CUSTOMER.put("primaryContact.title", "primaryContact.jobTitle");
        CUSTOMER.put("primaryContact.phone", "primaryContact.phoneNumber");
        CUSTOMER.put("primaryContact.fax", "primaryContact.fax");
        CUSTOMER.put("primaryContact.email", "primaryContact.email");
    }

    public ObjectNode map(UpdateRequest request) {
        Map<String, String> names = "contact".equals(request.kind()) ? CONTACT : CUSTOMER;
        ObjectNode body = Json.object();
        request.leaves().forEach((canonical, value) -> {
            String target = names.get(canonical);
            if (target != null) {
                put(body, target, convert(canonical, value));
            }
        });
        request.vendorFields(SoliditechProfile.NAME).fields()
                .forEachRemaining(f -> body.set(f.getKey(), f.getValue()));
        return body;
    }

    private static JsonNode convert(String canonical, JsonNode value) {
        if (value.isNull()) {
            return NullNode.getInstance();
        }
        if (canonical.equals("contactLevel")) {
            return TextNode.valueOf(value.asText().equals("primary") ? "Primary" : "Secondary");
        }
        return value;
    }

    /** Sets a dotted path such as "physicalAddress.city", creating the group object as needed. */
    private static void put(ObjectNode body, String path, JsonNode value) {
        int dot = path.indexOf('.');
        if (dot < 0) {
            body.set(path, value);
            return;
        }
        String group = path.substring(0, dot);
        JsonNode existing = body.get(group);
        ObjectNode node = existing instanceof ObjectNode object ? object : body.putObject(group);
        node.set(path.substring(dot + 1), value);
    }
}
