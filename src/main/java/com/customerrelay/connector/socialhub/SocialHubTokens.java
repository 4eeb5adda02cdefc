package com.customerrelay.connector.socialhub;

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

/**
 * SocialHub's access token from {@code /v1/auth/token} (App ID and secret), cached and shared; renewed a minute
 * before the expiry SocialHub gives, when it gives one, and on demand when SocialHub says the token is invalid.
 */
final class SocialHubTokens {

    private static final Logger LOG = LoggerFactory.getLogger(SocialHubTokens.class);
    private static final long EARLY_MS = 60_000;

    private final VendorHttp http;
    private final String url;
    private final String appId;
    private final String appSecret;
    private String token;
    private long expiresAt;

    SocialHubTokens(VendorHttp http, VendorSettings settings) {
        this.http = http;
        this.url = settings.baseUrl() + "/v1/auth/token";
        this.appId = settings.setting("app-id", "");
        this.appSecret = settings.secret("app-secret");
    }

    synchronized String current() throws IOException, InterruptedException, OutcomeException {
        if (token == null || System.currentTimeMillis() >= expiresAt) {
            login();
        }
        return token;
    }

    synchronized String refresh(String stale) throws IOException, InterruptedException, OutcomeException {
        if (token == null || token.equals(stale)) {
            LOG.info("SocialHub says the access token is invalid or expired; requesting a new one");
            login();
        }
        return token;
    }

    private void login() throws IOException, InterruptedException, OutcomeException {
        String previous = token;
        token = null;
        ObjectNode body = Json.object().put("appId", appId).put("appSecret", appSecret);
        VendorHttp.Response response = http.send("POST", url, Map.of(), Json.write(body));
        JsonNode answer;
        try {
            answer = Json.parse(response.body());
        } catch (Exception notJson) {
            answer = Json.object();
        }
        String code = answer.path("code").asText("");
        String accessToken = answer.path("data").path("accessToken").asText("");
        if (response.ok() && "200".equals(code) && !accessToken.isEmpty()) {
            Secrets.replace(previous, accessToken);
            Secrets.register(answer.path("data").path("refreshToken").asText(""));
            token = accessToken;
            expiresAt = expiry(answer.path("data"));
            return;
        }
        String text = Secrets.mask(SocialHubClient.messageOf(answer));
        String detail = "SocialHub token request answered " + response.status()
                + (code.isEmpty() ? "" : " with code " + code) + (text == null ? "" : ": " + text);
        if (VendorHttp.isTransient(response.status()) || SocialHubClient.TRANSIENT_CODES.contains(code)) {
            throw new OutcomeException(Outcome.retry(detail, response.status(), text, code, response.retryAfterMs()));
        }
        throw new OutcomeException(Outcome.rejected(detail + " — check relay.vendors.socialhub.app-id and .app-secret",
                response.status(), text, code.isEmpty() ? null : code));
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
