package com.customerrelay.delivery;

import com.customerrelay.core.VendorSettings;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Moves due deliveries from the store to each vendor's delivery route ({@code seda:deliver-<vendor>}), keeping at
 * most twice the vendor's concurrency claimed at once. Called by the dispatch timer, after a file is taken in, and
 * whenever a delivery finishes, so work flows without waiting for the timer while nothing ever sleeps on a retry.
 */
public final class Dispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final DeliveryStore store;
    private final Map<String, VendorSettings> vendors;
    private final ProducerTemplate producer;
    private final Map<String, AtomicInteger> claimed = new LinkedHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicBoolean again = new AtomicBoolean();

    public Dispatcher(DeliveryStore store, Map<String, VendorSettings> vendors, ProducerTemplate producer) {
        this.store = store;
        this.vendors = vendors;
        this.producer = producer;
        vendors.keySet().forEach(v -> claimed.put(v, new AtomicInteger()));
    }

    public void dispatch() {
        if (!lock.tryLock()) {
            again.set(true);
            return;
        }
        try {
            do {
                again.set(false);
                for (VendorSettings vendor : vendors.values()) {
                    dispatch(vendor);
                }
            } while (again.get());
        } finally {
            lock.unlock();
        }
    }

    private void dispatch(VendorSettings vendor) {
        AtomicInteger inFlight = claimed.get(vendor.vendor());
        int free = vendor.concurrency() * 2 - inFlight.get();
        if (free <= 0) {
            return;
        }
        long lease = vendor.timeoutMs() * 4 + 60_000;
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

    /** Called when a delivery handed out by {@link #dispatch()} has finished its attempt. */
    public void finished(String vendor) {
        claimed.get(vendor).decrementAndGet();
        dispatch();
    }
}
