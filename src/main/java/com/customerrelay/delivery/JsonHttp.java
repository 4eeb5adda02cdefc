package com.customerrelay.delivery;

import com.customerrelay.core.VendorSettings;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A small JSON-over-HTTP client shared by the vendor clients: explicit method, Content-Type and headers only
 * (nothing from an intake leaks through), and a per-call timeout.
 */
public final class JsonHttp {

    private final HttpClient client;
    private final Duration timeout;
    private final RateLimiter limiter;

    /** A client with the vendor's timeout and rate limit (relay.vendors.&lt;v&gt;.timeout-ms, .rate-limit). */
    public JsonHttp(VendorSettings settings) {
        this(settings.timeoutMs(), settings.rateLimit());
    }

    public JsonHttp(long timeoutMs, double requestsPerSecond) {
        this.limiter = requestsPerSecond > 0 ? new RateLimiter(requestsPerSecond) : null;
        this.timeout = Duration.ofMillis(timeoutMs);
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    public record Response(int status, String body, Long retryAfterMs) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    public Response send(String method, String url, Map<String, String> headers, String json)
            throws IOException, InterruptedException {
        if (limiter != null) {
            limiter.acquire();
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
        headers.forEach(builder::header);
        // One deadline covers connecting, sending and reading the whole answer: the request timeout alone ends when
        // the headers arrive, so a vendor trickling its body would hold this thread (and outlast the claim's lease).
        CompletableFuture<HttpResponse<String>> call = client.sendAsync(builder.build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        HttpResponse<String> response;
        try {
            response = call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new HttpTimeoutException("no complete answer within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            call.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException(cause == null ? "call failed" : cause.toString(), cause);
        }
        Long retryAfter = response.headers().firstValue("Retry-After").map(JsonHttp::parseRetryAfter).orElse(null);
        return new Response(response.statusCode(), response.body(), retryAfter);
    }

    /**
     * Spaces calls evenly at most {@code rate} per second: each caller reserves the next free slot and waits for
     * it. Only the vendor's own delivery threads wait; other vendors and the intakes are not held up.
     */
    static final class RateLimiter {
        private final long intervalNanos;
        private long nextSlot;

        RateLimiter(double rate) {
            this.intervalNanos = (long) (1_000_000_000L / rate);
            this.nextSlot = System.nanoTime();
        }

        void acquire() throws InterruptedException {
            long wait;
            synchronized (this) {
                long now = System.nanoTime();
                long slot = Math.max(now, nextSlot);
                nextSlot = slot + intervalNanos;
                wait = slot - now;
            }
            if (wait > 0) {
                java.util.concurrent.TimeUnit.NANOSECONDS.sleep(wait);
            }
        }
    }

    /** Retry-After as delay-seconds or an HTTP date; null when it is neither. */
    public static Long parseRetryAfter(String value) {
        String v = value.trim();
        try {
            return Math.max(0, Long.parseLong(v)) * 1000;
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                return Math.max(0, at.toInstant().toEpochMilli() - System.currentTimeMillis());
            } catch (RuntimeException notDate) {
                return null;
            }
        }
    }

    /** The outcome of a call that failed below HTTP: always worth another attempt. */
    public static Outcome ioFailure(String vendor, IOException e, long timeoutMs) {
        if (e instanceof java.net.http.HttpTimeoutException) {
            return Outcome.retry(vendor + " did not answer within " + timeoutMs + " ms", null, null, null, null);
        }
        return Outcome.retry("cannot reach " + vendor + ": " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + com.customerrelay.core.Secrets.mask(e.getMessage())),
                null, null, null, null);
    }

    /** The outcome of an interrupted call: the delivery is tried again later. */
    public static Outcome interrupted(String vendor) {
        Thread.currentThread().interrupt();
        return Outcome.retry("interrupted while calling " + vendor, null, null, null, null);
    }

    /** Statuses that may clear by themselves (PRODUCT.md §3). */
    public static boolean isTransient(int status) {
        return status == 408 || status == 425 || status == 429 || status >= 500;
    }
}
