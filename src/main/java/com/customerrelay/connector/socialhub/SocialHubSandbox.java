package com.customerrelay.connector.socialhub;

import com.customerrelay.core.Json;
import com.customerrelay.sandbox.SandboxServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * The built-in SocialHub open API: {@code POST /v1/auth/token} trades the App ID and secret for an access token;
 * {@code PUT /v1/consumer/updateInfo/{customerCode}} requires it, bare, in {@code Authorization}. Every answer is
 * HTTP 200 with an envelope {"code":…}; errors carry a code other than "200" and a {@code msg}. Customers are kept in
 * memory; flags must be 0/1, gender 0/1/2, birthday yyyy-MM-dd.
 */
public final class SocialHubSandbox extends SandboxServer {

    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Set<String> FLAGS = Set.of("receiveSmsFlag", "receiveEmailFlag");
    private static final String UPDATE = "/v1/consumer/updateInfo/";

    private final String appId;
    private final String appSecret;
    private final long tokenTtlSeconds;
    private final Map<String, Long> tokens = new ConcurrentHashMap<>();
    private final Map<String, ObjectNode> customers = new ConcurrentHashMap<>();
    private final AtomicInteger logins = new AtomicInteger();
    private final AtomicInteger updates = new AtomicInteger();

    public SocialHubSandbox(String appId, String appSecret, long tokenTtlSeconds) {
        super("socialhub", "/openapi-prod");
        this.appId = appId == null ? "" : appId;
        this.appSecret = appSecret == null ? "" : appSecret;
        this.tokenTtlSeconds = tokenTtlSeconds;
        handle("/v1/auth/token", this::token);
        handle(UPDATE, this::update);
        seed("C1001", "Ana Lima", "ana@example.com", 1, 1);
        seed("C1002", "Ben Okafor", "ben@example.com", 0, 1);
        listen();
    }

    public void seed(String code, String name, String email, int sms, int mail) {
        ObjectNode customer = Json.object();
        customer.put("customerCode", code);
        customer.put("name", name);
        customer.put("email", email);
        customer.put("receiveSmsFlag", sms);
        customer.put("receiveEmailFlag", mail);
        customers.put(code, customer);
    }

    public ObjectNode customer(String code) {
        ObjectNode customer = customers.get(code);
        return customer == null ? null : customer.deepCopy();
    }

    /** Ends every token issued so far, as if they had expired. */
    public void expireTokens() {
        tokens.clear();
    }

    public int logins() {
        return logins.get();
    }

    public int updates() {
        return updates.get();
    }

    private void token(HttpExchange exchange) throws IOException {
        JsonNode body = readJson(exchange);
        if (!"POST".equals(exchange.getRequestMethod()) || body == null) {
            envelope(exchange, "400", "invalid request", null);
            return;
        }
        if (!appId.equals(body.path("appId").asText("")) || !appSecret.equals(body.path("appSecret").asText(""))) {
            envelope(exchange, "401", "appId or appSecret is invalid", null);
            return;
        }
        logins.incrementAndGet();
        String access = "SH-" + UUID.randomUUID();
        tokens.put(access, System.currentTimeMillis() + tokenTtlSeconds * 1000);
        ObjectNode data = Json.object();
        data.put("accessToken", access);
        data.put("refreshToken", "SHR-" + UUID.randomUUID());
        data.put("expiresIn", tokenTtlSeconds);
        envelope(exchange, "200", "success", data);
    }

    private void update(HttpExchange exchange) throws IOException {
        if (!"PUT".equals(exchange.getRequestMethod())) {
            envelope(exchange, "405", "method not allowed", null);
            return;
        }
        String token = exchange.getRequestHeaders().getFirst("Authorization");
        Long expires = token == null ? null : tokens.get(token);
        if (expires == null || expires < System.currentTimeMillis()) {
            envelope(exchange, "401", "token invalid or expired", null);
            return;
        }
        String code = URLDecoder.decode(subPath(exchange).substring(UPDATE.length()), StandardCharsets.UTF_8);
        JsonNode body = readJson(exchange);
        if (body == null || !body.isObject()) {
            envelope(exchange, "400", "request body must be a JSON object", null);
            return;
        }
        String problem = check(body);
        if (problem != null) {
            envelope(exchange, "400", problem, null);
            return;
        }
        ObjectNode customer = customers.get(code);
        if (customer == null) {
            envelope(exchange, "404", "customer " + code + " not found", null);
            return;
        }
        ObjectNode result;
        synchronized (customer) {
            customer.setAll((ObjectNode) body);
            result = customer.deepCopy();
        }
        updates.incrementAndGet();
        envelope(exchange, "200", "success", result);
    }

    private static String check(JsonNode body) {
        JsonNode gender = body.get("gender");
        if (gender != null && !(gender.isInt() && gender.asInt() >= 0 && gender.asInt() <= 2)) {
            return "gender must be 0, 1 or 2";
        }
        JsonNode birthday = body.get("birthday");
        if (birthday != null && !(birthday.isTextual() && DATE.matcher(birthday.asText()).matches())) {
            return "birthday must be yyyy-MM-dd";
        }
        for (String flag : FLAGS) {
            JsonNode value = body.get(flag);
            if (value != null && !(value.isInt() && (value.asInt() == 0 || value.asInt() == 1))) {
                return flag + " must be 0 or 1";
            }
        }
        return null;
    }

    private static void envelope(HttpExchange exchange, String code, String msg, JsonNode data) throws IOException {
        ObjectNode body = Json.object();
        body.put("code", code);
        body.put("msg", msg);
        if (data != null) {
            body.set("data", data);
        }
        respond(exchange, 200, body);
    }
}
