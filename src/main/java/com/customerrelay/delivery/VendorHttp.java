package com.customerrelay.delivery;

import com.customerrelay.core.Secrets;
import com.customerrelay.core.VendorSettings;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.Service;
import org.apache.camel.support.service.ServiceHelper;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * A vendor's HTTP calls, made through camel-http (Apache HttpClient 5): one endpoint — so one pooled client — per
 * vendor, sized from relay.vendors.&lt;v&gt;.concurrency, with connect and response timeouts from timeout-ms and one
 * deadline over the whole call ({@link CallLimits}). Each call is a fresh exchange that carries only the headers
 * set here (method, Content-Type, Accept and the vendor's own), so nothing from an intake can reach a vendor; the
 * target URL goes in {@code CamelHttpUri}. Camel's standard settings apply: {@code camel.component.http.proxy*}
 * for a proxy, {@code camel.ssl.*} with {@code camel.component.http.use-global-ssl-context-parameters=true} for a
 * private CA. Answers of every status come back as a {@link Response} ({@code throwExceptionOnFailure=false}).
 */
public final class VendorHttp implements Service {

    /** Registry name of the {@link CallLimits} the endpoints use. */
    public static final String DEADLINES = "relayCallLimits";

    private final CamelContext context;
    private final ProducerTemplate template;
    private final String endpointUri;
    private volatile Endpoint endpoint;
    private final CallLimits deadlines;
    private final long timeoutMs;
    private final RateLimiter limiter;

    /** The vendor's client, with its timeout, pool size and rate limit (relay.vendors.&lt;v&gt;.*). */
    public VendorHttp(CamelContext context, ProducerTemplate template, CallLimits deadlines,
                      VendorSettings settings) {
        this.context = context;
        this.template = template;
        this.deadlines = deadlines;
        this.timeoutMs = settings.timeoutMs();
        double rate = settings.rateLimit();
        this.limiter = rate > 0 ? new RateLimiter(rate) : null;
        int pool = settings.concurrency() + 2;
        URI base = URI.create(settings.baseUrl());
        this.endpointUri = base.getScheme() + "://" + base.getHost() + (base.getPort() < 0 ? "" : ":" + base.getPort())
                + "?throwExceptionOnFailure=false&followRedirects=false"
                + "&connectTimeout=" + timeoutMs + "&responseTimeout=" + timeoutMs
                + "&connectionRequestTimeout=" + timeoutMs
                + "&maxTotalConnections=" + pool + "&connectionsPerRoute=" + pool
                + "&httpClientConfigurer=#" + DEADLINES;
    }

    /**
     * The vendor's camel-http endpoint, made at the first call: by then camel-main has applied the
     * camel.component.http.* and camel.ssl.* settings, which an endpoint made earlier would miss. It is made by the
     * {@code http} component for https vendors too (Camel would otherwise pick its separate {@code https}
     * component), so that camel.component.http.* is the one place an operator sets a proxy or TLS trust.
     */
    private Endpoint endpoint() throws IOException {
        Endpoint made = endpoint;
        if (made == null) {
            synchronized (this) {
                if (endpoint == null) {
                    try {
                        // this vendor's own endpoint, so its own pool, even when vendors share a host; it is not
                        // registered in the context (which keeps one endpoint per URI) but started and stopped here
                        Endpoint created = context.getComponent("http").createEndpoint(endpointUri);
                        ServiceHelper.startService(created);
                        endpoint = created;
                    } catch (Exception e) {
                        throw new IOException("cannot set up the HTTP client for " + Secrets.maskUrl(endpointUri)
                                + ": " + e.getMessage(), e);
                    }
                }
                made = endpoint;
            }
        }
        return made;
    }

    @Override
    public void start() {
        // the endpoint is made at the first call
    }

    @Override
    public void stop() {
        ServiceHelper.stopAndShutdownService(endpoint);
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
        Endpoint target = endpoint();
        CallLimits.Call call = deadlines.begin(timeoutMs);
        Exchange answer;
        try {
            answer = template.request(target, exchange -> {
                Message message = exchange.getIn();
                message.setHeader(Exchange.HTTP_URI, url);
                message.setHeader(Exchange.HTTP_METHOD, method);
                message.setHeader(Exchange.CONTENT_TYPE, "application/json");
                message.setHeader("Accept", "application/json");
                headers.forEach(message::setHeader);
                exchange.setProperty(Exchange.CHARSET_NAME, "UTF-8");
                message.setBody(json);
            });
        } finally {
            deadlines.end(call);
        }
        Exception failure = answer.getException();
        if (failure != null) {
            if (call.expired()) {
                throw new SocketTimeoutException("no complete answer within " + timeoutMs + " ms");
            }
            IOException io = null;
            for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
                if (cause instanceof CallLimits.AnswerTooLarge tooLarge) {
                    throw tooLarge;
                }
                if (io == null && cause instanceof IOException found) {
                    io = found;
                }
            }
            if (io != null) {
                throw io;
            }
            throw new IOException(failure.toString(), failure);
        }
        Message message = answer.getMessage();
        Integer status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        String retryAfter = message.getHeader("Retry-After", String.class);
        return new Response(status == null ? 0 : status, message.getBody(String.class),
                retryAfter == null ? null : parseRetryAfter(retryAfter));
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
        if (e instanceof CallLimits.AnswerTooLarge) {
            return Outcome.retry(vendor + " answered with more than " + CallLimits.MAX_ANSWER_BYTES
                    + " bytes, which is not read (is the base-url right?)", null, null, null, null);
        }
        if (e instanceof InterruptedIOException) {
            return Outcome.retry(vendor + " did not answer within " + timeoutMs + " ms", null, null, null, null);
        }
        return Outcome.retry("cannot reach " + vendor + ": " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + Secrets.mask(e.getMessage())),
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
