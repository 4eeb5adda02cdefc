package com.customerrelay.sync;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The CRM contact table the sync tests read (CUST_ID, CONTACT_ID, EMAIL, UPDATED_AT, TIER, …) mapped onto an
 * Expandable contact update, as the {@code relay.sync.<job>.map.*} settings of PRODUCT.md §2a.
 */
final class CrmContacts {

    private CrmContacts() {
    }

    /** The mapping of job {@code job}: customer and contact ids, e-mail, occurredAt, and TIER as SOFCT_USER_1. */
    static Map<String, String> mapping(String job) {
        String p = "relay.sync." + job + ".map.";
        Map<String, String> map = new LinkedHashMap<>();
        map.put(p + "targets.expandable.customerId", "CUST_ID");
        map.put(p + "targets.expandable.contactId", "CONTACT_ID");
        map.put(p + "data.email", "EMAIL");
        map.put(p + "occurredAt", "UPDATED_AT");
        map.put(p + "vendorFields.expandable.SOFCT_USER_1", "TIER");
        return map;
    }
}
