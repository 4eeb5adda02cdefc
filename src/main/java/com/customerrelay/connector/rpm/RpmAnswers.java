package com.customerrelay.connector.rpm;

import com.customerrelay.core.Json;
import com.customerrelay.core.Secrets;
import com.customerrelay.core.UpdateRequest;
import com.customerrelay.connector.Connector;
import com.customerrelay.connector.Outcome;
import com.customerrelay.connector.OutcomeException;
import com.customerrelay.connector.VendorAnswer;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;

/**
 * The answer steps of RPM's delivery route (its calls are {@link RpmCalls}): errors come as
 * {@code {"Result":{"Error":…}}}, usually under HTTP 200.
 */
public final class RpmAnswers {

    /**
     * RPM's answer to {@code Customer}: the entry of the contact to update ({"Contact": {...}, "IsPrimary": …});
     * an error, or a customer without that contact, ends the attempt.
     */
    public JsonNode contact(Exchange exchange, @ExchangeProperty(Connector.REQUEST) UpdateRequest request)
            throws OutcomeException {
        JsonNode result = result(VendorAnswer.of(exchange), "Customer");
        JsonNode keys = request.keys(RpmProfile.NAME);
        long contactId = keys.get("contactId").asLong();
        for (JsonNode candidate : result.path("Contacts")) {
            if (candidate.path("Contact").path("ContactID").asLong() == contactId) {
                return candidate;
            }
        }
        throw new OutcomeException(Outcome.rejected("RPM customer " + keys.get("customerId").asLong()
                + " has no contact " + contactId).vendorSaid("Contact not found"));
    }

    /** RPM's answer to {@code CustomerContactEdit}. */
    public Outcome edit(Exchange exchange) {
        try {
            JsonNode result = result(VendorAnswer.of(exchange), "CustomerContactEdit");
            JsonNode id = result.path("Contact").path("ContactID");
            return Outcome.delivered(id.isValueNode() && !id.isNull() ? id.asText() : null);
        } catch (OutcomeException failure) {
            return failure.outcome();
        }
    }

    /** The Result of an RPM answer, or how the delivery fails. */
    static JsonNode result(VendorAnswer answer, String call) throws OutcomeException {
        int status = answer.status();
        JsonNode body;
        try {
            body = Json.parse(answer.body() == null ? "" : answer.body());
        } catch (Exception notJson) {
            body = null;
        }
        String error = body == null ? null : errorText(body.path("Result").path("Error"));
        if (!answer.ok()) {
            String message = "RPM " + call + " answered " + status + (error == null ? "" : ": " + error);
            if (answer.isTransient()) {
                throw new OutcomeException(Outcome.retry(message, answer).vendorSaid(error));
            }
            if (status == 401 || status == 403) {
                throw new OutcomeException(Outcome.rejected(message + " — check relay.vendors.rpm.api-key", answer)
                        .vendorSaid(error));
            }
            throw new OutcomeException(Outcome.rejected(message, answer).vendorSaid(error));
        }
        if (body == null || !body.path("Result").isObject()) {
            throw new OutcomeException(Outcome.retry("RPM " + call + " answered " + status + " without a Result",
                    answer));
        }
        if (error != null) {
            String message = "RPM " + call + " failed: " + error;
            if (error.contains("API daily limit reached")) {
                throw new OutcomeException(Outcome.retry(message, answer).vendorSaid(error));
            }
            if (error.contains("Valid key required")) {
                throw new OutcomeException(Outcome.rejected(message + " — check relay.vendors.rpm.api-key", answer)
                        .vendorSaid(error));
            }
            throw new OutcomeException(Outcome.rejected(message, answer).vendorSaid(error));
        }
        return body.path("Result");
    }

    private static String errorText(JsonNode error) {
        if (error.isMissingNode() || error.isNull()) {
            return null;
        }
        String text = error.isObject() ? error.path("Message").asText(error.toString()) : error.asText();
        return Secrets.mask(text);
    }
}
