package com.customerrelay.support;

import com.customerrelay.core.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A vendor stand-in that can be taken down for outage tests: up, it answers every update 200 with a body Expandable
 * and Soliditech both read as delivered; down, it answers a status of the test's choosing (with an optional
 * Retry-After), or accepts the call and never answers ({@link #hang}). Calls are counted by what the stub was doing
 * when they came, and the updates answered 200 by marker (a member of the update body), so a test sees both how
 * hard the relay knocked while the vendor was down and whether anything was delivered twice. Some markers can be
 * made poison: always a 500 with Expandable's MESSAGE, whatever the stub's state.
 */
public final class FlakyVendor implements AutoCloseable {

    private final LoopbackServer server = new LoopbackServer(64);
    private final String markerField;
    private final Map<String, AtomicInteger> delivered = new ConcurrentHashMap<>();
    private final AtomicInteger callsWhileUp = new AtomicInteger();
    private final AtomicInteger callsWhileDown = new AtomicInteger();
    private final AtomicInteger poisonCalls = new AtomicInteger();
    private final Set<String> poison = ConcurrentHashMap.newKeySet();
    private final java.util.List<JsonNode> bodies = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile int downStatus;
    private volatile String retryAfter;
    private volatile boolean hang;

    /** @param markerField the update body member that identifies a request (Expandable E_MAIL, Soliditech email) */
    public FlakyVendor(String markerField) {
        this.markerField = markerField;
        server.handle("/", this::handle).start();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String text = LoopbackServer.body(exchange);
        if (exchange.getRequestURI().getPath().endsWith("/auth-token-get")) {
            LoopbackServer.reply(exchange, 200, "{\"AUTH_TOKEN\":\"flaky-token\"}");
            return;
        }
        JsonNode body = text.isBlank() ? Json.object() : Json.parse(text);
        String marker = body.path(markerField).asText("");
        if (poison.contains(marker)) {
            poisonCalls.incrementAndGet();
            LoopbackServer.reply(exchange, 500,
                    "{\"MESSAGE\":\"Contact record is locked\",\"MESSAGE_CODE\":\"E1042\"}");
            return;
        }
        if (hang) {
            callsWhileDown.incrementAndGet();
            // accepted and never answered: the relay's timeout-ms ends the call, then the stub's thread goes
            while (hang) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
            exchange.close();
            return;
        }
        int status = downStatus;
        if (status != 0) {
            callsWhileDown.incrementAndGet();
            if (retryAfter != null) {
                exchange.getResponseHeaders().set("Retry-After", retryAfter);
            }
            LoopbackServer.reply(exchange, status, "<html><body>Service Unavailable</body></html>");
            return;
        }
        callsWhileUp.incrementAndGet();
        delivered.computeIfAbsent(marker, k -> new AtomicInteger()).incrementAndGet();
        bodies.add(body);
        LoopbackServer.reply(exchange, 200, "{\"result\":{\"ok\":true}}");
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    public int port() {
        return server.port();
    }

    /** Answers every update {@code status} (with {@code retryAfter}, when not null) until {@link #up}. */
    public FlakyVendor down(int status, String retryAfter) {
        this.retryAfter = retryAfter;
        this.downStatus = status;
        return this;
    }

    /** Accepts every update and never answers, until {@link #up}. */
    public FlakyVendor hang() {
        this.hang = true;
        return this;
    }

    public FlakyVendor up() {
        this.hang = false;
        this.downStatus = 0;
        this.retryAfter = null;
        return this;
    }

    /** Updates carrying {@code marker} are always answered 500 with Expandable's MESSAGE and MESSAGE_CODE. */
    public void poison(String marker) {
        poison.add(marker);
    }

    /** Lifts {@link #poison} for {@code marker}. */
    public void heal(String marker) {
        poison.remove(marker);
    }

    /** The bodies of the updates answered 200, in the order they came. */
    public java.util.List<JsonNode> deliveredBodies() {
        return java.util.List.copyOf(bodies);
    }

    public int callsWhileDown() {
        return callsWhileDown.get();
    }

    public int callsWhileUp() {
        return callsWhileUp.get();
    }

    public int poisonCalls() {
        return poisonCalls.get();
    }

    /** How many times each marker was answered 200. */
    public Map<String, AtomicInteger> delivered() {
        return delivered;
    }

    @Override
    public void close() {
        hang = false;
        server.close();
    }
}
