package com.customerrelay.connector.expandable;

import com.customerrelay.core.Json;
import com.customerrelay.core.Secrets;
import com.customerrelay.connector.Outcome;
import com.customerrelay.connector.VendorAnswer;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;

/**
 * Reads Expandable's answer to customer-contact-update: 2xx is delivered; other statuses are classified as
 * PRODUCT.md §3 says, with MESSAGE and MESSAGE_CODE kept for the dead letter. A 401 here comes after the token was
 * renewed once, so it is final.
 */
public final class ExpandableAnswers {

    public Outcome update(Exchange exchange) {
        return classify(VendorAnswer.of(exchange));
    }

    static Outcome classify(VendorAnswer answer) {
        if (answer.ok()) {
            return Outcome.delivered(contactOf(answer));
        }
        Error error = Error.of(answer);
        if (answer.status() == 401) {
            return Outcome.rejected("Expandable refused a freshly issued session token (401" + error.suffix() + ")",
                    answer).vendorSaid(error.message, error.code);
        }
        String message = "Expandable answered " + answer.status() + error.suffix();
        if (answer.isTransient()) {
            return Outcome.retry(message, answer).vendorSaid(error.message, error.code);
        }
        return Outcome.rejected(message, answer).vendorSaid(error.message, error.code);
    }

    /** CUST_CONTACT of the contact the answer gives back, or null. */
    private static String contactOf(VendorAnswer answer) {
        try {
            JsonNode id = Json.parse(answer.body() == null || answer.body().isBlank() ? "{}" : answer.body())
                    .path("CUST_CONTACT");
            return id.isValueNode() && !id.isNull() ? id.asText() : null;
        } catch (Exception notJson) {
            return null;
        }
    }

    /** MESSAGE and MESSAGE_CODE of an error answer, or its first line of text. */
    private record Error(String message, String code) {
        static Error of(VendorAnswer answer) {
            String body = answer.body() == null ? "" : answer.body().trim();
            try {
                JsonNode json = Json.parse(body);
                if (json != null && json.isObject()) {
                    return new Error(Secrets.mask(json.path("MESSAGE").asText(null)),
                            Secrets.mask(json.path("MESSAGE_CODE").asText(null)));
                }
            } catch (Exception notJson) {
                // fall through to plain text
            }
            String line = body.lines().findFirst().orElse("");
            if (line.length() > 300) {
                line = line.substring(0, 300);
            }
            return new Error(line.isEmpty() ? null : Secrets.mask(line), null);
        }

        String suffix() {
            return message == null || message.isEmpty() ? "" : ": " + message;
        }
    }
}
