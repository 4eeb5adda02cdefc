package com.customerrelay.connector.soliditech;

import com.customerrelay.core.Json;
import com.customerrelay.core.Secrets;
import com.customerrelay.core.UpdateRequest;
import com.customerrelay.core.VendorSettings;
import com.customerrelay.delivery.Delivery;
import com.customerrelay.delivery.VendorHttp;
import com.customerrelay.delivery.Outcome;
import com.customerrelay.delivery.VendorClient;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Soliditech's Update Customer and Update Customer Contact. Their wire details are not published, so method, paths
 * and the API-key header come from config (relay.vendors.soliditech.method, .customer-path, .contact-path,
 * .api-key-header). A 2xx answer counts only when it carries a {@code result} without an error member.
 */
public final class SoliditechClient implements VendorClient {

    private final VendorHttp http;
    private final String baseUrl;
    private final String method;
    private final String customerPath;
    private final String contactPath;
    private final Map<String, String> headers;
    private final long timeoutMs;
    private final SoliditechMapper mapper = new SoliditechMapper();

    public SoliditechClient(VendorSettings settings, VendorHttp http) {
        this.http = http;
        this.baseUrl = settings.baseUrl();
        this.method = settings.setting("method", "PUT").toUpperCase();
        this.customerPath = settings.setting("customer-path", "/customers/{accountId}");
        this.contactPath = settings.setting("contact-path", "/customers/{accountId}/contacts/{contactId}");
        String key = settings.secret("api-key");
        String header = settings.setting("api-key-header", "X-API-Key");
        this.headers = key.isEmpty() ? Map.of() : Map.of(header, key);
        this.timeoutMs = settings.timeoutMs();
    }

    @Override
    public String vendor() {
        return SoliditechProfile.NAME;
    }

    String url(UpdateRequest request) {
        JsonNode keys = request.keys(SoliditechProfile.NAME);
        String path = "contact".equals(request.kind()) ? contactPath : customerPath;
        path = path.replace("{accountId}", encode(keys.get("accountId").asText()));
        if (keys.hasNonNull("contactId")) {
            path = path.replace("{contactId}", encode(keys.get("contactId").asText()));
        }
        return baseUrl + path;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public Outcome deliver(Delivery delivery) {
        UpdateRequest request = delivery.request();
        try {
            VendorHttp.Response response = http.send(method, url(request), headers, Json.write(mapper.map(request)));
            return classify(response);
        } catch (IOException e) {
            return VendorHttp.ioFailure("Soliditech", e, timeoutMs);
        } catch (InterruptedException e) {
            return VendorHttp.interrupted("Soliditech");
        }
    }

    static Outcome classify(VendorHttp.Response response) {
        JsonNode body;
        try {
            body = Json.parse(response.body() == null || response.body().isBlank() ? "{}" : response.body());
        } catch (Exception notJson) {
            body = null;
        }
        int status = response.status();
        String error = body == null ? null : errorText(body);
        if (!response.ok()) {
            String message = "Soliditech answered " + status + (error == null ? "" : ": " + error);
            if (VendorHttp.isTransient(status)) {
                return Outcome.retry(message, status, error, null, response.retryAfterMs());
            }
            if (status == 401 || status == 403) {
                return Outcome.rejected(message + " — check relay.vendors.soliditech.api-key (and .api-key-header)",
                        status, error, null);
            }
            return Outcome.rejected(message, status, error, null);
        }
        if (body == null || !body.has("result") || body.get("result").isNull()) {
            return Outcome.rejected("Soliditech answered " + status + " without a result"
                    + (error == null ? "" : ": " + error), status, error, null);
        }
        if (error != null) {
            return Outcome.rejected("Soliditech answered " + status + " with an error: " + error, status, error, null);
        }
        return Outcome.delivered();
    }

    /** The error text of an answer: result.error, error, or errors/message beside it. */
    private static String errorText(JsonNode body) {
        for (JsonNode candidate : new JsonNode[] {body.path("result").path("error"), body.path("error"),
            body.path("errors"), body.path("result").path("errors")}) {
            if (candidate.isMissingNode() || candidate.isNull() || (candidate.isBoolean() && !candidate.asBoolean())) {
                continue;
            }
            String text = candidate.isTextual() ? candidate.asText()
                    : candidate.path("message").asText(candidate.toString());
            return Secrets.mask(text);
        }
        if (body.path("message").isTextual() && !body.has("result")) {
            return Secrets.mask(body.path("message").asText());
        }
        return null;
    }
}
