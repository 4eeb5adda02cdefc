package com.customerrelay.delivery;

import com.customerrelay.core.VendorSettings;

import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter, honouring a vendor's Retry-After (PRODUCT.md §3). */
public final class RetryPolicy {

    private RetryPolicy() {
    }

    /**
     * Delay before the attempt after {@code attemptsMade}: initial × 2^(attemptsMade-1), capped at max-delay,
     * then jittered down by up to a quarter; never shorter than the vendor's Retry-After.
     */
    public static long delayMs(VendorSettings settings, int attemptsMade, Long retryAfterMs) {
        double base = settings.initialDelayMs() * Math.pow(2, Math.max(0, attemptsMade - 1));
        long capped = (long) Math.min(base, settings.maxDelayMs());
        long jitter = capped <= 0 ? 0 : ThreadLocalRandom.current().nextLong(capped / 4 + 1);
        long delay = capped - jitter;
        if (retryAfterMs != null && retryAfterMs > delay) {
            delay = retryAfterMs;
        }
        return delay;
    }
}
