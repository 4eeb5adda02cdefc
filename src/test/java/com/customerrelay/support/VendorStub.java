package com.customerrelay.support;

import com.customerrelay.core.Json;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A lean Expandable stand-in for load, ordering and crash tests: answers auth-token-get and customer-contact-update
 * with 200 (after an optional delay), and records every update body in the order it arrived, with its arrival time.
 * Lighter than WireMock, so the relay, not the stub, is what gets measured.
 */
public final class VendorStub implements AutoCloseable {

    /** One received update. */
    public record Received(JsonNode body, long nanoTime) {
    }

    private final LoopbackServer server = new LoopbackServer(32);
    private final List<Received> received = new ArrayList<>();
    private final Map<String, AtomicInteger> perMarker = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();
    /* Calls being answered right now per contact (CUST_CONTACT), and the most seen at once for any one contact. */
    private final Map<String, AtomicInteger> inFlightPerContact = new ConcurrentHashMap<>();
    private final AtomicInteger mostAtOncePerContact = new AtomicInteger();
    private final String markerField;
    private volatile long delayMs;
    private volatile Consumer<Received> listener = r -> { };
    private volatile boolean keepBodies = true;

    static {
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /** @param markerField the body member whose value identifies a request (e.g. SOFCT_USER_1 from vendorFields) */
    public VendorStub(String markerField) {
        this.markerField = markerField;
        server.handle("/api/auth-token-get", exchange -> {
            exchange.getRequestBody().readAllBytes();
            LoopbackServer.reply(exchange, 200, "{\"AUTH_TOKEN\":\"stub-token\"}");
        });
        server.handle("/api/customer-contact-update", exchange -> {
            String text = LoopbackServer.body(exchange);
            long at = System.nanoTime();
            JsonNode body = Json.parse(text);
            Received r = new Received(body, at);
            if (keepBodies) {
                synchronized (received) {
                    received.add(r);
                }
            }
            total.incrementAndGet();
            perMarker.computeIfAbsent(body.path(markerField).asText(""), k -> new AtomicInteger()).incrementAndGet();
            listener.accept(r);
            AtomicInteger atOnce = inFlightPerContact.computeIfAbsent(body.path("CUST_CONTACT").asText(""),
                    k -> new AtomicInteger());
            mostAtOncePerContact.accumulateAndGet(atOnce.incrementAndGet(), Math::max);
            try {
                if (delayMs > 0) {
                    Thread.sleep(delayMs);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                atOnce.decrementAndGet();
            }
            LoopbackServer.reply(exchange, 200, "{}");
        }).start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port() + "/api";
    }

    /** False: count bodies and markers only, without keeping them (large tests). */
    public void keepBodies(boolean keep) {
        this.keepBodies = keep;
    }

    public void delayMs(long delay) {
        this.delayMs = delay;
    }

    public void onReceive(Consumer<Received> listener) {
        this.listener = listener;
    }

    public int total() {
        return total.get();
    }

    /** The most calls for one contact (CUST_CONTACT) that were being answered at the same moment. */
    public int mostAtOncePerContact() {
        return mostAtOncePerContact.get();
    }

    /** Distinct markers seen. */
    public int distinct() {
        return perMarker.size();
    }

    public Map<String, AtomicInteger> perMarker() {
        return perMarker;
    }

    public List<Received> received() {
        synchronized (received) {
            return new ArrayList<>(received);
        }
    }

    /**
     * The stub as a process of its own, so that its CPU stays out of a benchmark's figure for the relay: prints
     * {@code url=<base url>} and then {@code total=<updates received>} for every line read on standard input, keeps
     * no bodies, and ends when standard input closes. {@code -Dstub.delay-ms} makes each update take that long.
     */
    public static void main(String[] args) throws IOException {
        try (VendorStub stub = new VendorStub("SOFCT_USER_1")) {
            stub.keepBodies = false;
            stub.delayMs(Long.getLong("stub.delay-ms", 0));
            System.out.println("url=" + stub.baseUrl());
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                    StandardCharsets.UTF_8));
            while (in.readLine() != null) {
                System.out.println("total=" + stub.total());
            }
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
