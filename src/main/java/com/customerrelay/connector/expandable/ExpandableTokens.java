package com.customerrelay.connector.expandable;

import com.customerrelay.core.Json;
import com.customerrelay.core.Secrets;
import com.customerrelay.core.VendorSettings;
import com.customerrelay.connector.Outcome;
import com.customerrelay.connector.OutcomeException;
import com.customerrelay.connector.VendorAnswer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The credential step of Expandable's delivery route: the session token from auth-token-get (the route
 * {@code expandable-login}), cached and shared by all deliveries, put into the update body as AUTH_TOKEN, and
 * renewed once when Expandable answers 401 (the update's route then attaches the new one).
 */
public final class ExpandableTokens {

    /** Exchange property: the update body without its token, as the mapper made it. */
    public static final String PAYLOAD = "expandablePayload";
    private static final String SENT_TOKEN = "expandableSentToken";
    private static final Logger LOG = LoggerFactory.getLogger(ExpandableTokens.class);

    private final ProducerTemplate template;
    private final String dataSource;
    private final String userName;
    private final String password;
    private String token;

    ExpandableTokens(VendorSettings settings, ProducerTemplate template) {
        this.template = template;
        this.dataSource = settings.setting("data-source", "");
        this.userName = settings.setting("user-name", "");
        this.password = settings.secret("password");
    }

    /** The body of auth-token-get. */
    public ObjectNode credentials() {
        ObjectNode body = Json.object();
        body.put("DATA_SOURCE", dataSource);
        body.put("USER_NAME", userName);
        body.put("PASSWORD", password);
        return body;
    }

    /** The update body with the current session token (logging in first if there is none). */
    public ObjectNode attach(@ExchangeProperty(PAYLOAD) ObjectNode payload, Exchange exchange) throws Exception {
        String current = current();
        exchange.setProperty(SENT_TOKEN, current);
        ObjectNode body = payload.deepCopy();
        body.put("AUTH_TOKEN", current);
        return body;
    }

    /** The session token just sent was refused: the next {@link #attach} gets a new one. */
    public void renew(Exchange exchange) throws Exception {
        refresh(exchange.getProperty(SENT_TOKEN, String.class));
    }

    private synchronized String current() throws Exception {
        if (token == null) {
            token = login();
        }
        return token;
    }

    /** Replaces {@code stale} with a new token, unless another delivery has done so already. */
    private synchronized String refresh(String stale) throws Exception {
        if (token == null || token.equals(stale)) {
            LOG.info("Expandable refused the session token; requesting a new one");
            token = login();
        }
        return token;
    }

    private String login() throws Exception {
        VendorAnswer response = VendorAnswer.request(template, "direct:expandable-login");
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
        if (response.isTransient()) {
            throw new OutcomeException(Outcome.retry(detail, response).vendorSaid(message));
        }
        throw new OutcomeException(Outcome.rejected(detail + " — check relay.vendors.expandable.data-source, "
                + ".user-name and .password", response).vendorSaid(message));
    }
}
