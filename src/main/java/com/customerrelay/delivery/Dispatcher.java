package com.customerrelay.delivery;

import com.customerrelay.core.VendorSettings;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Moves due deliveries from the store to each vendor's delivery route ({@code seda:deliver-<vendor>}), keeping at
 * most twice the vendor's concurrency claimed at once. {@link #dispatch()} only asks for a round: rounds run one at
 * a time on the dispatcher's own thread, so callers — the dispatch timer, the intakes after taking requests in, a
 * delivery that has just finished — never wait on it, and nothing ever sleeps on a retry.
 */
public final class Dispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final DeliveryStore store;
    private final Map<String, VendorSettings> vendors;
    private final ProducerTemplate producer;
    private final ExecutorService executor;
    private final Map<String, AtomicInteger> claimed = new LinkedHashMap<>();
    private final AtomicBoolean requested = new AtomicBoolean();
    private final AtomicBoolean running = new AtomicBoolean();

    public Dispatcher(DeliveryStore store, Map<String, VendorSettings> vendors, ProducerTemplate producer,
                      ExecutorService executor) {
        this.store = store;
        this.vendors = vendors;
        this.producer = producer;
        this.executor = executor;
        vendors.keySet().forEach(v -> claimed.put(v, new AtomicInteger()));
    }

    /** Asks for a dispatch round; returns at once. */
    public void dispatch() {
        requested.set(true);
        if (running.compareAndSet(false, true)) {
            try {
                executor.execute(this::rounds);
            } catch (RejectedExecutionException stopping) {
                running.set(false);
            }
        }
    }

    private void rounds() {
        try {
            while (requested.getAndSet(false)) {
                for (VendorSettings vendor : vendors.values()) {
                    try {
                        dispatch(vendor);
                    } catch (RuntimeException e) {
                        LOG.error("Dispatching to {} failed; the next round tries again: {}", vendor.vendor(),
                                e.getMessage());
                    }
                }
            }
        } finally {
            running.set(false);
        }
        if (requested.get()) {
            dispatch();
        }
    }

    private void dispatch(VendorSettings vendor) {
        AtomicInteger inFlight = claimed.get(vendor.vendor());
        int free = vendor.concurrency() * 2 - inFlight.get();
        if (free <= 0) {
            return;
        }
        // long enough for a claimed delivery to wait its turn behind the one before it, make its calls (RPM two,
        // Expandable a login and a second try) and wait for rate-limit slots
        long rateWait = vendor.rateLimit() > 0 ? (long) (4 * vendor.concurrency() * 1000 / vendor.rateLimit()) : 0;
        long lease = vendor.timeoutMs() * 6 + 30_000 + rateWait;
        for (Delivery delivery : store.claim(vendor.vendor(), free, lease)) {
            inFlight.incrementAndGet();
            try {
                producer.sendBody("seda:deliver-" + vendor.vendor(), delivery);
            } catch (RuntimeException e) {
                inFlight.decrementAndGet();
                LOG.error("Cannot hand delivery {} to the {} route; it will be retried when its lease ends",
                        delivery.id(), vendor.vendor(), e);
            }
        }
    }

    /** Called when a delivery handed out by a round has finished its attempt. */
    public void finished(String vendor) {
        claimed.get(vendor).decrementAndGet();
        dispatch();
    }
}
