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
