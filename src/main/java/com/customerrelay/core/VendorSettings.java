package com.customerrelay.core;

import java.util.Optional;
import java.util.function.Function;

/** One vendor's relay.vendors.&lt;v&gt;.* settings. Secrets read through {@link #secret} are registered for masking. */
public record VendorSettings(String vendor, String baseUrl, int maxAttempts, long initialDelayMs, long maxDelayMs,
                             long timeoutMs, int concurrency, Function<String, Optional<String>> lookup,
                             String prefix) {

    public VendorSettings {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException(prefix + "max-attempts must be at least 1");
        }
        if (concurrency < 1) {
            throw new IllegalArgumentException(prefix + "concurrency must be at least 1");
        }
        // a base-url may carry credentials (user:password@, ?apikey=…): they are masked wherever they would show
        Secrets.registerUrl(baseUrl);
    }

    public boolean sandboxed() {
        return baseUrl == null;
    }

    /** relay.vendors.&lt;v&gt;.rate-limit: most requests per second to the vendor; 0 for no limit. */
    public double rateLimit() {
        String value = setting("rate-limit", "0");
        try {
            double rate = Double.parseDouble(value);
            if (rate < 0) {
                throw new NumberFormatException();
            }
            return rate;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(prefix + "rate-limit must be a number of requests per second, 0 for "
                    + "none, not '" + value + "'");
        }
    }

    /** relay.vendors.&lt;v&gt;.circuit.failure-rate: the percentage of failed calls in the window that opens the circuit. */
    public float circuitFailureRate() {
        double rate = decimal("circuit.failure-rate", "50");
        if (!(rate > 0 && rate <= 100)) {
            throw new IllegalArgumentException(prefix + "circuit.failure-rate must be a percentage above 0 and at "
                    + "most 100, not " + setting("circuit.failure-rate", "50"));
        }
        return (float) rate;
    }

    /** relay.vendors.&lt;v&gt;.circuit.window: how many of the latest calls the failure rate is taken over. */
    public int circuitWindow() {
        return (int) whole("circuit.window", 20, 1, 10_000);
    }

    /** relay.vendors.&lt;v&gt;.circuit.min-calls: the fewest calls in the window before the rate can open the circuit. */
    public int circuitMinCalls() {
        return (int) whole("circuit.min-calls", 5, 1, 10_000);
    }

    /** relay.vendors.&lt;v&gt;.circuit.open-ms: how long the circuit first stays open before one probe call. */
    public long circuitOpenMs() {
        return whole("circuit.open-ms", 5_000, 1, Long.MAX_VALUE / 4);
    }

    /** relay.vendors.&lt;v&gt;.circuit.max-open-ms: the open interval doubles while probes fail, up to this. */
    public long circuitMaxOpenMs() {
        long max = whole("circuit.max-open-ms", 60_000, 1, Long.MAX_VALUE / 4);
        if (max < circuitOpenMs()) {
            throw new IllegalArgumentException(prefix + "circuit.max-open-ms (" + max + ") must not be shorter than "
                    + prefix + "circuit.open-ms (" + circuitOpenMs() + ")");
        }
        return max;
    }

    /** relay.vendors.&lt;v&gt;.give-up-after-hours: a delivery this old ends as exhausted, whatever its attempts. */
    public long giveUpAfterMs() {
        double hours = decimal("give-up-after-hours", "24");
        if (!(hours > 0) || hours > 24 * 366) {
            throw new IllegalArgumentException(prefix + "give-up-after-hours must be a number of hours above 0 and "
                    + "at most a year, not " + setting("give-up-after-hours", "24"));
        }
        return (long) (hours * 3_600_000);
    }

    /** relay.vendors.&lt;v&gt;.max-retry-after-ms: the longest Retry-After honoured; a longer one is cut to it. */
    public long maxRetryAfterMs() {
        return whole("max-retry-after-ms", 3_600_000, 0, 366L * 24 * 3_600_000);
    }

    private long whole(String name, long fallback, long min, long max) {
        String value = setting(name, Long.toString(fallback)).trim();
        try {
            long parsed = Long.parseLong(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException(prefix + name + " must be a whole number from " + min + " to " + max
                + ", not '" + value + "'");
    }

    private double decimal(String name, String fallback) {
        String value = setting(name, fallback).trim();
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(prefix + name + " must be a number, not '" + value + "'");
        }
    }

    public String setting(String name, String fallback) {
        return lookup.apply(prefix + name).orElse(fallback);
    }

    public String secret(String name) {
        String value = lookup.apply(prefix + name).orElse("");
        Secrets.register(value);
        return value;
    }

    public VendorSettings withBaseUrl(String url) {
        return new VendorSettings(vendor, url, maxAttempts, initialDelayMs, maxDelayMs, timeoutMs, concurrency, lookup,
                prefix);
    }

    @Override
    public String toString() {
        return "VendorSettings[" + vendor + ", baseUrl=" + Secrets.maskUrl(baseUrl) + "]";
    }
}
