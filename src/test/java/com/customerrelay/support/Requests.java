package com.customerrelay.support;

/** Request texts used across tests. */
public final class Requests {

    private Requests() {
    }

    public static String expandableContact(String id, String customerId, String contactId, String dataJson) {
        return "{\"id\":\"" + id + "\",\"kind\":\"contact\",\"targets\":{\"expandable\":{\"customerId\":\""
                + customerId + "\",\"contactId\":\"" + contactId + "\"}},\"data\":" + dataJson + "}";
    }

    public static String emailChange(String id, String contactId, String email) {
        return expandableContact(id, "ABCCORP", contactId, "{\"email\":\"" + email + "\"}");
    }
}
