package com.customerrelay.sandbox;

import com.customerrelay.core.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import org.apache.camel.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Plumbing shared by the built-in vendor simulators: an HTTP server on loopback on a free port, listening from
 * construction so the relay knows its URL while it is wired, and JSON in and out. Each vendor's sandbox adds the
 * behaviour its documentation describes.
 */
public abstract class SandboxServer implements Service {

    private static final Logger LOG = LoggerFactory.getLogger(SandboxServer.class);

    static {
        // The JDK server writes headers and body as separate segments; without TCP_NODELAY each answer waits on
        // the client's delayed ACK (~40 ms). Read once, when the JDK's server classes load.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final String basePath;

    protected SandboxServer(String name, String basePath) {
        this.basePath = basePath;
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, name + "-sandbox");
            t.setDaemon(true);
            return t;
        });
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the " + name + " sandbox", e);
        }
        server.setExecutor(executor);
    }

    /** Serves {@code path} (below the base path); an unexpected exception answers 500 rather than hanging. */
    protected final void handle(String path, HttpHandler handler) {
        server.createContext(basePath + path, exchange -> {
            try {
                handler.handle(exchange);
            } catch (RuntimeException e) {
                LOG.error("Sandbox failed on {}", exchange.getRequestURI(), e);
                respond(exchange, 500, Json.object().put("error", "sandbox failure"));
            } finally {
                exchange.close();
            }
        });
    }

    /** Starts listening; call at the end of the subclass's constructor, once its contexts are registered. */
    protected final void listen() {
        server.start();
    }

    public String baseUrl() {
        return "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort() + basePath;
    }

    /** The path below the base path, e.g. "/v1/consumer/updateInfo/C1". */
    protected final String subPath(HttpExchange exchange) {
        return exchange.getRequestURI().getPath().substring(basePath.length());
    }

    /** The request body as JSON, or null when it is not JSON. */
    protected static JsonNode readJson(HttpExchange exchange) {
        try (InputStream in = exchange.getRequestBody()) {
            return Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (Exception e) {
            return null;
        }
    }

    protected static void respond(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void start() {
        // listening since construction
    }

    @Override
    public void stop() {
        server.stop(0);
        executor.shutdownNow();
    }
}
