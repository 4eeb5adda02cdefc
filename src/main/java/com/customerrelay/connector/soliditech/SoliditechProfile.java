package com.customerrelay.connector.soliditech;

import com.customerrelay.core.RecordKey;
import com.customerrelay.core.VendorProfile;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Set;

/** Soliditech serves both kinds: customers by accountId, contacts by accountId and contactId. */
public final class SoliditechProfile implements VendorProfile {

    public static final String NAME = "soliditech";

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
        return Set.of("contact", "customer");
    }

    @Override
    public Set<String> fields(String kind) {
        if ("contact".equals(kind)) {
            return Set.of("firstName", "lastName", "initial", "salutation", "title", "email", "phones.business",
                    "phones.home", "phones.mobile", "phones.fax", "contactType", "contactLevel", "decisionMaker",
                    "preferences.newsletter", "preferences.invoices");
        }
        return Set.of("name", "email", "language", "address.line1", "address.line2", "address.line3",
                "address.city", "address.state", "address.postalCode", "address.country", "postalAddress.line1",
                "postalAddress.line2", "postalAddress.line3", "postalAddress.city", "postalAddress.state",
                "postalAddress.postalCode", "postalAddress.country", "accountUse", "accountClass", "taxType",
                "priceListId", "invoiceCycleType", "dealer", "ticketCenter", "salesManager", "business.name",
                "business.idNumberType", "business.idNumber", "business.vatNumber", "business.phone",
                "primaryContact.salutation", "primaryContact.firstName", "primaryContact.lastName",
                "primaryContact.title", "primaryContact.phone", "primaryContact.fax", "primaryContact.email");
    }

    @Override
    public void validateKeys(String kind, JsonNode keys, String path, List<String> errors) {
        boolean contact = "contact".equals(kind);
        VendorProfile.allowOnly(keys, path, contact ? Set.of("accountId", "contactId") : Set.of("accountId"), errors);
        VendorProfile.requirePathSegment(keys, path, "accountId", errors);
        if (contact) {
            VendorProfile.requirePathSegment(keys, path, "contactId", errors);
        }
    }

    @Override
    public String recordKey(String kind, JsonNode keys) {
        String account = keys.get("accountId").asText();
        return "contact".equals(kind) ? RecordKey.of(account, keys.get("contactId").asText()) : RecordKey.of(account);
    }
}
