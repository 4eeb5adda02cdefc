package com.customerrelay.connector.soliditech;

import com.customerrelay.core.Json;
import com.customerrelay.core.SafeText;
import com.customerrelay.core.Secrets;
import com.customerrelay.core.UpdateRequest;
import com.customerrelay.core.VendorSettings;
import com.customerrelay.connector.Outcome;
import com.customerrelay.connector.VendorAnswer;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.apache.camel.component.http.HttpMethods;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The call and answer steps of Soliditech's delivery route (Update Customer, Update Customer Contact). Their wire
 * details are not published, so method and paths come from config (relay.vendors.soliditech.method,
 * .customer-path, .contact-path). A 2xx answer counts only when it carries a {@code result} without an error.
 */
public final class SoliditechAnswers {

    private final HttpMethods method;
    private final String customerPath;
    private final String contactPath;

    SoliditechAnswers(VendorSettings settings) {
        String configured = settings.setting("method", "PUT").trim().toUpperCase();
        try {
            this.method = HttpMethods.valueOf(configured);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("relay.vendors.soliditech.method must be an HTTP method such as PUT, "
                    + "POST or PATCH, not '" + SafeText.value(configured) + "'");
        }
        this.customerPath = settings.setting("customer-path", "/customers/{accountId}");
        this.contactPath = settings.setting("contact-path", "/customers/{accountId}/contacts/{contactId}");
    }

    /** relay.vendors.soliditech.method (as camel-http's enum, which it would otherwise convert on every call). */
    public HttpMethods method() {
        return method;
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

    /** Soliditech's answer to the update. */
    public Outcome update(Exchange exchange) {
        return classify(VendorAnswer.of(exchange));
    }

    static Outcome classify(VendorAnswer answer) {
        JsonNode body;
        try {
            body = Json.parse(answer.body() == null || answer.body().isBlank() ? "{}" : answer.body());
        } catch (Exception notJson) {
            body = null;
        }
        int status = answer.status();
        String error = body == null ? null : errorText(body);
        if (!answer.ok()) {
            String message = "Soliditech answered " + status + (error == null ? "" : ": " + error);
            if (answer.isTransient()) {
                return Outcome.retry(message, status, error, null, answer.retryAfterMs());
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
        JsonNode id = body.path("result").path("id");
        return Outcome.delivered(id.isValueNode() && !id.isNull() ? id.asText() : null);
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
