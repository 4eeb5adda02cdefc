package com.customerrelay.connector.rpm;

import com.customerrelay.core.Json;
import com.customerrelay.core.Secrets;
import com.customerrelay.core.UpdateRequest;
import com.customerrelay.core.VendorSettings;
import com.customerrelay.delivery.Delivery;
import com.customerrelay.delivery.VendorHttp;
import com.customerrelay.delivery.Outcome;
import com.customerrelay.delivery.VendorClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.Map;

/**
 * RPM's CustomerContactEdit, made safe: reads the customer with {@code Customer}, merges the request over the
 * contact ({@link RpmContactMerge}) and sends the whole contact back. Every call is a POST with the key in header
 * {@code RpmApiKey}; errors come as {@code {"Result":{"Error":…}}}, usually under HTTP 200.
 */
public final class RpmClient implements VendorClient {

    static final String KEY_HEADER = "RpmApiKey";

    private final VendorHttp http;
    private final String customerUrl;
    private final String editUrl;
    private final Map<String, String> headers;
    private final long timeoutMs;

    public RpmClient(VendorSettings settings, VendorHttp http) {
        this.http = http;
        this.customerUrl = settings.baseUrl() + "/Customer";
        this.editUrl = settings.baseUrl() + "/CustomerContactEdit";
        String key = settings.secret("api-key");
        this.headers = key.isEmpty() ? Map.of() : Map.of(KEY_HEADER, key);
        this.timeoutMs = settings.timeoutMs();
    }

    @Override
    public String vendor() {
        return RpmProfile.NAME;
    }

    /** Customer (read), then CustomerContactEdit (write). */
    @Override
    public int callsPerAttempt() {
        return 2;
    }

    @Override
    public Outcome deliver(Delivery delivery) {
        UpdateRequest request = delivery.request();
        JsonNode keys = request.keys(RpmProfile.NAME);
        long customerId = keys.get("customerId").asLong();
        long contactId = keys.get("contactId").asLong();
        try {
            ObjectNode read = Json.object().put("CustomerID", customerId);
            VendorHttp.Response customer = http.send("POST", customerUrl, headers, Json.write(read));
            Answer answer = Answer.of(customer, "Customer");
            if (answer.failure != null) {
                return answer.failure;
            }
            JsonNode entry = null;
            for (JsonNode candidate : answer.result.path("Contacts")) {
                if (candidate.path("Contact").path("ContactID").asLong() == contactId) {
                    entry = candidate;
                    break;
                }
            }
            if (entry == null) {
                return Outcome.rejected("RPM customer " + customerId + " has no contact " + contactId, null,
                        "Contact not found", null);
            }
            RpmContactMerge.Merged merged = RpmContactMerge.merge(entry, request, customerId);
            if (merged.refusal() != null) {
                return merged.refusal();
            }
            VendorHttp.Response edit = http.send("POST", editUrl, headers, Json.write(merged.body()));
            Answer written = Answer.of(edit, "CustomerContactEdit");
            return written.failure != null ? written.failure : Outcome.delivered();
        } catch (IOException e) {
            return VendorHttp.ioFailure("RPM", e, timeoutMs);
        } catch (InterruptedException e) {
            return VendorHttp.interrupted("RPM");
        }
    }

    /** An RPM answer: its Result, or how the delivery fails. */
    record Answer(JsonNode result, Outcome failure) {

        static Answer of(VendorHttp.Response response, String call) {
            int status = response.status();
            JsonNode body;
            try {
                body = Json.parse(response.body() == null ? "" : response.body());
            } catch (Exception notJson) {
                body = null;
            }
            String error = body == null ? null : errorText(body.path("Result").path("Error"));
            if (!response.ok()) {
                String message = "RPM " + call + " answered " + status + (error == null ? "" : ": " + error);
                if (VendorHttp.isTransient(status)) {
                    return new Answer(null, Outcome.retry(message, status, error, null, response.retryAfterMs()));
                }
                if (status == 401 || status == 403) {
                    return new Answer(null, Outcome.rejected(message + " — check relay.vendors.rpm.api-key", status,
                            error, null));
                }
                return new Answer(null, Outcome.rejected(message, status, error, null));
            }
            if (body == null || !body.path("Result").isObject()) {
                return new Answer(null, Outcome.retry("RPM " + call + " answered " + status + " without a Result",
                        status, null, null, null));
            }
            if (error != null) {
                String message = "RPM " + call + " failed: " + error;
                if (error.contains("API daily limit reached")) {
                    return new Answer(null, Outcome.retry(message, status, error, null, response.retryAfterMs()));
                }
                if (error.contains("Valid key required")) {
                    return new Answer(null, Outcome.rejected(message + " — check relay.vendors.rpm.api-key", status,
                            error, null));
                }
                return new Answer(null, Outcome.rejected(message, status, error, null));
            }
            return new Answer(body.path("Result"), null);
        }

        private static String errorText(JsonNode error) {
            if (error.isMissingNode() || error.isNull()) {
                return null;
            }
            String text = error.isObject() ? error.path("Message").asText(error.toString()) : error.asText();
            return Secrets.mask(text);
        }
    }
}
