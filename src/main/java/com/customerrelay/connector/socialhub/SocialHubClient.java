package com.customerrelay.connector.socialhub;

import com.customerrelay.core.Json;
import com.customerrelay.core.Secrets;
import com.customerrelay.core.VendorSettings;
import com.customerrelay.delivery.Delivery;
import com.customerrelay.delivery.VendorHttp;
import com.customerrelay.delivery.Outcome;
import com.customerrelay.delivery.OutcomeException;
import com.customerrelay.delivery.VendorClient;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * SocialHub's Update Customer Information: {@code PUT /v1/consumer/updateInfo/{customerCode}} with the bare access
 * token in {@code Authorization}. Answers come as {"code":"200",…}; any other code is an error even under HTTP 200.
 * A token SocialHub calls invalid or expired is renewed once and the update sent again.
 */
public final class SocialHubClient implements VendorClient {

    static final Set<String> TRANSIENT_CODES = Set.of("408", "425", "429", "500", "502", "503", "504");

    private final VendorHttp http;
    private final String updateUrl;
    private final long timeoutMs;
    private final SocialHubTokens tokens;
    private final SocialHubMapper mapper = new SocialHubMapper();

    public SocialHubClient(VendorSettings settings, VendorHttp http) {
        this.http = http;
        this.updateUrl = settings.baseUrl() + "/v1/consumer/updateInfo/";
        this.timeoutMs = settings.timeoutMs();
        this.tokens = new SocialHubTokens(http, settings);
    }

    @Override
    public String vendor() {
        return SocialHubProfile.NAME;
    }

    /** The token and the update, both again when the token is refused. */
    @Override
    public int callsPerAttempt() {
        return 4;
    }

    @Override
    public Outcome deliver(Delivery delivery) {
        var request = delivery.request();
        String code = request.keys(SocialHubProfile.NAME).get("customerCode").asText();
        String url = updateUrl + URLEncoder.encode(code, StandardCharsets.UTF_8).replace("+", "%20");
        String body = Json.write(mapper.map(request));
        try {
            String token = tokens.current();
            VendorHttp.Response response = http.send("PUT", url, Map.of("Authorization", token), body);
            if (tokenRefused(response)) {
                token = tokens.refresh(token);
                response = http.send("PUT", url, Map.of("Authorization", token), body);
                if (tokenRefused(response)) {
                    Outcome refused = classify(response);
                    return Outcome.rejected("SocialHub refused a freshly issued access token: " + refused.message(),
                            refused.httpStatus(), refused.vendorMessage(), refused.vendorCode());
                }
            }
            return classify(response);
        } catch (OutcomeException failure) {
            return failure.outcome();
        } catch (IOException e) {
            return VendorHttp.ioFailure("SocialHub", e, timeoutMs);
        } catch (InterruptedException e) {
            return VendorHttp.interrupted("SocialHub");
        }
    }

    private static JsonNode parse(VendorHttp.Response response) {
        try {
            return Json.parse(response.body() == null ? "" : response.body());
        } catch (Exception notJson) {
            return Json.object();
        }
    }

    /** HTTP 401, or an envelope whose code or text says the token is invalid or expired. */
    static boolean tokenRefused(VendorHttp.Response response) {
        if (response.status() == 401) {
            return true;
        }
        JsonNode body = parse(response);
        String code = body.path("code").asText("");
        String text = String.valueOf(messageOf(body)).toLowerCase();
        return "401".equals(code) || (text.contains("token") && (text.contains("invalid")
                || text.contains("expired")));
    }

    static Outcome classify(VendorHttp.Response response) {
        JsonNode body = parse(response);
        String code = body.path("code").asText("");
        String text = Secrets.mask(messageOf(body));
        String vendorCode = code.isEmpty() ? null : code;
        if (response.ok() && "200".equals(code)) {
            return Outcome.delivered();
        }
        String message = "SocialHub answered " + response.status() + (code.isEmpty() ? "" : " with code " + code)
                + (text == null ? "" : ": " + text);
        if (VendorHttp.isTransient(response.status()) || TRANSIENT_CODES.contains(code)) {
            return Outcome.retry(message, response.status(), text, vendorCode, response.retryAfterMs());
        }
        if (response.ok() && code.isEmpty()) {
            return Outcome.retry(message + " (no result code)", response.status(), text, null, null);
        }
        return Outcome.rejected(message, response.status(), text, vendorCode);
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
