package com.customerrelay.delivery;

import java.util.concurrent.TimeUnit;

/**
 * relay.vendors.&lt;v&gt;.rate-limit: spaces a vendor's calls evenly, at most {@code rate} per second (0: no
 * limit). Each caller reserves the next free slot and waits for it on its own thread, so only that vendor's
 * delivery threads wait; other vendors and the intakes are not held up. Camel's throttle EIP counts whole requests
 * per period, which lets a burst through at each period's start; vendors that publish a rate want it spread.
 */
public final class CallPacing {

    private final long intervalNanos;
    private long nextSlot;

    public CallPacing(double rate) {
        this.intervalNanos = rate > 0 ? (long) (1_000_000_000L / rate) : 0;
        this.nextSlot = System.nanoTime();
    }

    public void acquire() throws InterruptedException {
        if (intervalNanos == 0) {
            return;
        }
        long wait;
        synchronized (this) {
            long now = System.nanoTime();
            long slot = Math.max(now, nextSlot);
            nextSlot = slot + intervalNanos;
            wait = slot - now;
        }
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }
}
