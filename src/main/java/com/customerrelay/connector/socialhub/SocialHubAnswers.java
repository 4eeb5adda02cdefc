package com.customerrelay.connector.socialhub;

import com.customerrelay.core.Json;
import com.customerrelay.core.Secrets;
import com.customerrelay.connector.Outcome;
import com.customerrelay.connector.VendorAnswer;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;

import java.util.Set;

/**
 * The answer steps of SocialHub's delivery route (Update Customer Information; its call is
 * {@link SocialHubCalls}). Answers come as {"code":"200",…}; any other code is an
 * error even under HTTP 200.
 */
public final class SocialHubAnswers {

    static final Set<String> TRANSIENT_CODES = Set.of("408", "425", "429", "500", "502", "503", "504");

    /** HTTP 401, or an envelope whose code or text says the access token is invalid or expired. */
    public boolean tokenRefused(Exchange exchange) {
        VendorAnswer answer = VendorAnswer.of(exchange);
        return tokenRefused(answer, parse(answer));
    }

    /** SocialHub's answer to the update; a refused token here was renewed once already, so it is final. */
    public Outcome update(Exchange exchange) {
        VendorAnswer answer = VendorAnswer.of(exchange);
        JsonNode body = parse(answer);
        Outcome outcome = classify(answer, body);
        if (tokenRefused(answer, body)) {
            return Outcome.rejected("SocialHub refused a freshly issued access token: " + outcome.message(),
                    answer).vendorSaid(outcome.vendorMessage(), outcome.vendorCode());
        }
        return outcome;
    }

    static boolean tokenRefused(VendorAnswer answer, JsonNode body) {
        if (answer.status() == 401) {
            return true;
        }
        String code = body.path("code").asText("");
        String text = String.valueOf(messageOf(body)).toLowerCase();
        return "401".equals(code) || (text.contains("token") && (text.contains("invalid")
                || text.contains("expired")));
    }

    static Outcome classify(VendorAnswer answer, JsonNode body) {
        String code = body.path("code").asText("");
        String text = Secrets.mask(messageOf(body));
        String vendorCode = code.isEmpty() ? null : code;
        if (answer.ok() && "200".equals(code)) {
            return Outcome.delivered();
        }
        String message = "SocialHub answered " + answer.status() + (code.isEmpty() ? "" : " with code " + code)
                + (text == null ? "" : ": " + text);
        if (answer.isTransient() || TRANSIENT_CODES.contains(code)) {
            return Outcome.retry(message, answer).vendorSaid(text, vendorCode);
        }
        if (answer.ok() && code.isEmpty()) {
            return Outcome.retry(message + " (no result code)", answer).vendorSaid(text);
        }
        return Outcome.rejected(message, answer).vendorSaid(text, vendorCode);
    }

    static JsonNode parse(VendorAnswer answer) {
        try {
            JsonNode body = Json.parse(answer.body() == null ? "" : answer.body());
            return body == null ? Json.object() : body;
        } catch (Exception notJson) {
            return Json.object();
        }
    }

    /** SocialHub's error text: resultMessage or msg (or message). */
    static String messageOf(JsonNode body) {
        for (String name : new String[] {"resultMessage", "msg", "message"}) {
            if (body.path(name).isTextual() && !body.path(name).asText().isBlank()) {
                return body.path(name).asText();
            }
        }
        return null;
    }
}
