package com.customerrelay.support;

/** Request texts used across tests. */
public final class Requests {

    private Requests() {
    }

    public static String expandableContact(String id, String customerId, String contactId, String dataJson) {
        return "{\"id\":\"" + id + "\",\"kind\":\"contact\",\"targets\":{\"expandable\":{\"customerId\":\""
                + customerId + "\",\"contactId\":\"" + contactId + "\"}},\"data\":" + dataJson + "}";
    }

    /**
     * An Expandable contact update whose record and {@code SOFCT_USER_1} both carry {@code marker}, so a stub can
     * count it (VendorStub("SOFCT_USER_1")).
     */
    public static String marked(String marker) {
        return marked(marker, "BULK", marker, "t");
    }

    /**
     * An Expandable update of contact {@code contactId} of {@code customerId} setting its title, with {@code marker}
     * as its id and its {@code SOFCT_USER_1}, so a stub can tell it apart (VendorStub("SOFCT_USER_1")).
     */
    public static String marked(String marker, String customerId, String contactId, String title) {
        return "{\"id\":\"" + marker + "\",\"kind\":\"contact\",\"targets\":{\"expandable\":{\"customerId\":\""
                + customerId + "\",\"contactId\":\"" + contactId + "\"}},\"data\":{\"title\":\"" + title
                + "\"},\"vendorFields\":{\"expandable\":{\"SOFCT_USER_1\":\"" + marker + "\"}}}";
    }

    public static String emailChange(String id, String contactId, String email) {
        return expandableContact(id, "ABCCORP", contactId, "{\"email\":\"" + email + "\"}");
    }
}
