package com.customerrelay.delivery;

import com.customerrelay.core.SafeText;
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
    private final Map<String, Long> leases = new LinkedHashMap<>();
    private final ProducerTemplate producer;
    private final ExecutorService executor;
    private final Map<String, AtomicInteger> claimed = new LinkedHashMap<>();
    private final AtomicBoolean requested = new AtomicBoolean();
    private final AtomicBoolean running = new AtomicBoolean();
    private boolean failing;

    /** {@code callsPerAttempt}: the most HTTP calls one attempt makes, per vendor (for the lease). */
    public Dispatcher(DeliveryStore store, Map<String, VendorSettings> vendors, Map<String, Integer> callsPerAttempt,
                      ProducerTemplate producer, ExecutorService executor) {
        this.store = store;
        this.vendors = vendors;
        vendors.forEach((name, vendor) -> leases.put(name, leaseMs(vendor, callsPerAttempt.getOrDefault(name, 1))));
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
                        if (failing) {
                            failing = false;
                            LOG.info("Dispatching works again");
                        }
                    } catch (RuntimeException e) {
                        // said once, not on every round while the state store is away
                        if (!failing) {
                            failing = true;
                            LOG.error("Dispatching to {} failed; rounds go on trying: {}", vendor.vendor(),
                                    SafeText.value(e.getMessage()));
                        }
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
        long lease = leases.get(vendor.vendor());
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

    /**
     * How long a claim lasts: the worst case of a claimed delivery, which may wait in the vendor's queue behind one
     * attempt (at most twice the concurrency is claimed) and then makes its own — each attempt at most
     * {@code calls} HTTP calls, each cut off at timeout-ms — plus the rate limit's waits and a margin. Another relay
     * takes a delivery over only once its lease has ended, so a lease shorter than this could send it twice.
     */
    static long leaseMs(VendorSettings vendor, int calls) {
        long rateWait = vendor.rateLimit() > 0
                ? (long) Math.ceil(2.0 * vendor.concurrency() * calls * 1000 / vendor.rateLimit()) : 0;
        return 2L * calls * vendor.timeoutMs() + rateWait + 5_000;
    }

    /** Called when a delivery handed out by a round has finished its attempt. */
    public void finished(String vendor) {
        claimed.get(vendor).decrementAndGet();
        dispatch();
    }
}
