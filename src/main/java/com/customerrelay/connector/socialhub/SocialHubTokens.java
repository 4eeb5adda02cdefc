package com.customerrelay.connector.socialhub;

import com.customerrelay.core.Json;
import com.customerrelay.core.Secrets;
import com.customerrelay.core.VendorSettings;
import com.customerrelay.connector.VendorAnswer;
import com.customerrelay.connector.Outcome;
import com.customerrelay.connector.OutcomeException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The credential step of SocialHub's delivery route: the access token from {@code /v1/auth/token} (App ID and
 * secret; the route {@code socialhub-login}), cached and shared, put in {@code Authorization}; renewed a minute
 * before the expiry SocialHub gives, when it gives one, and on demand when SocialHub says the token is invalid.
 */
public final class SocialHubTokens {

    private static final String SENT_TOKEN = "socialHubSentToken";
    private static final Logger LOG = LoggerFactory.getLogger(SocialHubTokens.class);
    private static final long EARLY_MS = 60_000;

    private final ProducerTemplate template;
    private final String appId;
    private final String appSecret;
    private String token;
    private long expiresAt;

    SocialHubTokens(VendorSettings settings, ProducerTemplate template) {
        this.template = template;
        this.appId = settings.setting("app-id", "");
        this.appSecret = settings.secret("app-secret");
    }

    /** The body of the token request. */
    public ObjectNode credentials() {
        return Json.object().put("appId", appId).put("appSecret", appSecret);
    }

    /** Sets {@code Authorization} to the current access token (requesting one first if there is none). */
    public void attach(Exchange exchange) throws Exception {
        String current = current();
        exchange.setProperty(SENT_TOKEN, current);
        exchange.getMessage().setHeader("Authorization", current);
    }

    /** The token just sent was refused: the next {@link #attach} gets a new one. */
    public void renew(Exchange exchange) throws Exception {
        refresh(exchange.getProperty(SENT_TOKEN, String.class));
    }

    private synchronized String current() throws Exception {
        if (token == null || System.currentTimeMillis() >= expiresAt) {
            login();
        }
        return token;
    }

    private synchronized void refresh(String stale) throws Exception {
        if (token == null || token.equals(stale)) {
            LOG.info("SocialHub says the access token is invalid or expired; requesting a new one");
            login();
        }
    }

    private void login() throws Exception {
        String previous = token;
        token = null;
        VendorAnswer response = VendorAnswer.request(template, "direct:socialhub-login");
        JsonNode answer = SocialHubAnswers.parse(response);
        String code = answer.path("code").asText("");
        String accessToken = answer.path("data").path("accessToken").asText("");
        if (response.ok() && "200".equals(code) && !accessToken.isEmpty()) {
            Secrets.replace(previous, accessToken);
            Secrets.register(answer.path("data").path("refreshToken").asText(""));
            token = accessToken;
            expiresAt = expiry(answer.path("data"));
            return;
        }
        String text = Secrets.mask(SocialHubAnswers.messageOf(answer));
        String detail = "SocialHub token request answered " + response.status()
                + (code.isEmpty() ? "" : " with code " + code) + (text == null ? "" : ": " + text);
        if (response.isTransient() || SocialHubAnswers.TRANSIENT_CODES.contains(code)) {
            throw new OutcomeException(Outcome.retry(detail, response).vendorSaid(text, code));
        }
        throw new OutcomeException(Outcome.rejected(detail + " — check relay.vendors.socialhub.app-id and .app-secret",
                response).vendorSaid(text, code.isEmpty() ? null : code));
    }

    /** When the token stops being good: from expiresIn (seconds) or expireTime (epoch), less a minute. */
    private static long expiry(JsonNode data) {
        long now = System.currentTimeMillis();
        if (data.path("expiresIn").canConvertToLong() && data.path("expiresIn").asLong() > 0) {
            return now + data.path("expiresIn").asLong() * 1000 - EARLY_MS;
        }
        for (String name : new String[] {"expireTime", "expiredTime", "expiresAt"}) {
            long at = data.path(name).asLong(0);
            if (at > 0) {
                long millis = at < 100_000_000_000L ? at * 1000 : at;
                return millis - EARLY_MS;
            }
        }
        return Long.MAX_VALUE;
    }
}
