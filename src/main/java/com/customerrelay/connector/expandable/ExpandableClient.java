package com.customerrelay.connector.expandable;

import com.customerrelay.core.Json;
import com.customerrelay.core.Secrets;
import com.customerrelay.core.VendorSettings;
import com.customerrelay.delivery.Delivery;
import com.customerrelay.delivery.VendorHttp;
import com.customerrelay.delivery.Outcome;
import com.customerrelay.delivery.OutcomeException;
import com.customerrelay.delivery.VendorClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.Map;

/**
 * Delivers a contact update to Expandable's customer-contact-update with the session token in the body. A 401
 * refreshes the token once; errors are classified by status, with MESSAGE and MESSAGE_CODE kept for the record.
 */
public final class ExpandableClient implements VendorClient {

    private final VendorHttp http;
    private final String updateUrl;
    private final long timeoutMs;
    private final ExpandableTokens tokens;
    private final ExpandableMapper mapper = new ExpandableMapper();

    public ExpandableClient(VendorSettings settings, VendorHttp http) {
        this.http = http;
        this.updateUrl = settings.baseUrl() + "/customer-contact-update";
        this.timeoutMs = settings.timeoutMs();
        this.tokens = new ExpandableTokens(http, settings);
    }

    @Override
    public String vendor() {
        return ExpandableProfile.NAME;
    }

    /** Auth-token-get and the update, both again after a 401. */
    @Override
    public int callsPerAttempt() {
        return 4;
    }

    @Override
    public Outcome deliver(Delivery delivery) {
        ObjectNode body = mapper.map(delivery.request());
        try {
            String token = tokens.current();
            VendorHttp.Response response = send(body, token);
            if (response.status() == 401) {
                token = tokens.refresh(token);
                response = send(body, token);
                if (response.status() == 401) {
                    Error error = Error.of(response);
                    return Outcome.rejected("Expandable refused a freshly issued session token (401"
                            + error.suffix() + ")", 401, error.message, error.code);
                }
            }
            return classify(response);
        } catch (OutcomeException failure) {
            return failure.outcome();
        } catch (IOException e) {
            return VendorHttp.ioFailure("Expandable", e, timeoutMs);
        } catch (InterruptedException e) {
            return VendorHttp.interrupted("Expandable");
        }
    }

    private VendorHttp.Response send(ObjectNode body, String token) throws IOException, InterruptedException {
        ObjectNode withToken = body.deepCopy();
        withToken.put("AUTH_TOKEN", token);
        return http.send("POST", updateUrl, Map.of(), Json.write(withToken));
    }

    static Outcome classify(VendorHttp.Response response) {
        if (response.ok()) {
            return Outcome.delivered();
        }
        Error error = Error.of(response);
        String message = "Expandable answered " + response.status() + error.suffix();
        if (VendorHttp.isTransient(response.status())) {
            return Outcome.retry(message, response.status(), error.message, error.code, response.retryAfterMs());
        }
        return Outcome.rejected(message, response.status(), error.message, error.code);
    }

    /** MESSAGE and MESSAGE_CODE of an error answer, or its first line of text. */
    private record Error(String message, String code) {
        static Error of(VendorHttp.Response response) {
            String body = response.body() == null ? "" : response.body().trim();
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
