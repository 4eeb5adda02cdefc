package com.customerrelay.connector.soliditech;

import com.customerrelay.core.SafeText;
import com.customerrelay.core.UpdateRequest;
import com.customerrelay.core.VendorSettings;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.component.http.HttpMethods;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * What Soliditech's delivery route sends (its answers are {@link SoliditechAnswers}). The wire details are not
 * published, so method and paths come from config (relay.vendors.soliditech.method, .customer-path, .contact-path).
 */
public final class SoliditechCalls {

    private final String customerPath;
    private final String contactPath;

    SoliditechCalls(VendorSettings settings) {
        // the method itself is set once by the soliditech-update route, from the same key; checked here so that a
        // bad one stops the start with a message naming the key
        String configured = settings.setting("method", "PUT").trim().toUpperCase();
        try {
            HttpMethods.valueOf(configured);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("relay.vendors.soliditech.method must be an HTTP method such as PUT, "
                    + "POST or PATCH, not '" + SafeText.value(configured) + "'");
        }
        this.customerPath = settings.setting("customer-path", "/customers/{accountId}");
        this.contactPath = settings.setting("contact-path", "/customers/{accountId}/contacts/{contactId}");
    }

    /** The request's path: customer-path or contact-path with its keys filled in, each encoded as a segment. */
    public String path(UpdateRequest request) {
        JsonNode keys = request.keys(SoliditechProfile.NAME);
        String path = "contact".equals(request.kind()) ? contactPath : customerPath;
        path = path.replace("{accountId}", encode(keys.get("accountId").asText()));
        if (keys.hasNonNull("contactId")) {
            path = path.replace("{contactId}", encode(keys.get("contactId").asText()));
        }
        return path;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
