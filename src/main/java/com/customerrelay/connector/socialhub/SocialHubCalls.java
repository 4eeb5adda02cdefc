package com.customerrelay.connector.socialhub;

import com.customerrelay.core.UpdateRequest;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * What SocialHub's delivery route sends (its answers are {@link SocialHubAnswers}): Update Customer Information,
 * {@code PUT /v1/consumer/updateInfo/{customerCode}}.
 */
public final class SocialHubCalls {

    /** The update's path, with the customer code encoded as one path segment. */
    public String path(UpdateRequest request) {
        String code = request.keys(SocialHubProfile.NAME).get("customerCode").asText();
        return "/v1/consumer/updateInfo/" + URLEncoder.encode(code, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
