package com.customerrelay.connector.expandable;

import com.customerrelay.core.Json;
import com.customerrelay.core.Secrets;
import com.customerrelay.core.VendorSettings;
import com.customerrelay.delivery.VendorHttp;
import com.customerrelay.delivery.Outcome;
import com.customerrelay.delivery.OutcomeException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Map;

/** Expandable's session token from auth-token-get, cached and shared by all deliveries, refreshed on demand. */
final class ExpandableTokens {

    private static final Logger LOG = LoggerFactory.getLogger(ExpandableTokens.class);

    private final VendorHttp http;
    private final String url;
    private final String dataSource;
    private final String userName;
    private final String password;
    private String token;

    ExpandableTokens(VendorHttp http, VendorSettings settings) {
        this.http = http;
        this.url = settings.baseUrl() + "/auth-token-get";
        this.dataSource = settings.setting("data-source", "");
        this.userName = settings.setting("user-name", "");
        this.password = settings.secret("password");
    }

    synchronized String current() throws IOException, InterruptedException, OutcomeException {
        if (token == null) {
            token = login();
        }
        return token;
    }

    /** Replaces {@code stale} with a new token, unless another delivery has done so already. */
    synchronized String refresh(String stale) throws IOException, InterruptedException, OutcomeException {
        if (token == null || token.equals(stale)) {
            LOG.info("Expandable refused the session token; requesting a new one");
            token = login();
        }
        return token;
    }

    private String login() throws IOException, InterruptedException, OutcomeException {
        ObjectNode body = Json.object();
        body.put("DATA_SOURCE", dataSource);
        body.put("USER_NAME", userName);
        body.put("PASSWORD", password);
        VendorHttp.Response response = http.send("POST", url, Map.of(), Json.write(body));
        String tokenValue = null;
        String message = null;
        try {
            JsonNode answer = Json.parse(response.body());
            tokenValue = answer.path("AUTH_TOKEN").asText(null);
            message = answer.path("MESSAGE").asText(null);
        } catch (Exception notJson) {
            message = null;
        }
        if (response.ok() && tokenValue != null && !tokenValue.isBlank()) {
            Secrets.replace(token, tokenValue);
            return tokenValue;
        }
        String detail = "Expandable login (auth-token-get) answered " + response.status()
                + (message == null ? "" : ": " + Secrets.mask(message));
        if (VendorHttp.isTransient(response.status())) {
            throw new OutcomeException(Outcome.retry(detail, response.status(), message, null, response.retryAfterMs()));
        }
        throw new OutcomeException(Outcome.rejected(detail + " — check relay.vendors.expandable.data-source, "
                + ".user-name and .password", response.status(), message, null));
    }
}
