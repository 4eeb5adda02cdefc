package com.customerrelay.connector.soliditech;

import com.customerrelay.core.Json;
import com.customerrelay.core.Secrets;
import com.customerrelay.connector.Outcome;
import com.customerrelay.connector.VendorAnswer;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;

/**
 * The answer steps of Soliditech's delivery route (Update Customer, Update Customer Contact; its calls are
 * {@link SoliditechCalls}). A 2xx answer counts only when it carries a {@code result} without an error.
 */
public final class SoliditechAnswers {

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
                return Outcome.retry(message, answer).vendorSaid(error);
            }
            if (status == 401 || status == 403) {
                return Outcome.rejected(message + " — check relay.vendors.soliditech.api-key (and .api-key-header)",
                        answer).vendorSaid(error);
            }
            return Outcome.rejected(message, answer).vendorSaid(error);
        }
        if (body == null || !body.has("result") || body.get("result").isNull()) {
            return Outcome.rejected("Soliditech answered " + status + " without a result"
                    + (error == null ? "" : ": " + error), answer).vendorSaid(error);
        }
        if (error != null) {
            return Outcome.rejected("Soliditech answered " + status + " with an error: " + error, answer)
                    .vendorSaid(error);
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
