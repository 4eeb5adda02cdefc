package com.customerrelay.delivery;

import com.customerrelay.core.VendorSettings;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Every vendor's {@link VendorCircuit}, and the pauses an operator sets (POST /vendors/{vendor}/pause): kept in the
 * state store, so that they hold across restarts and on every relay sharing the store; each relay reads them back
 * every second ({@link #refreshPauses}, from the dispatcher's rounds). The circuits themselves are each relay's own.
 */
public final class VendorCircuits {

    private final Map<String, VendorCircuit> circuits = new LinkedHashMap<>();
    private final VendorPauses store;

    public VendorCircuits(Map<String, VendorSettings> vendors, DeliveryQueries queries, VendorPauses pauses,
                          BiConsumer<String, String> transitions) {
        this.store = pauses;
        vendors.forEach((name, settings) -> circuits.put(name, new VendorCircuit(settings,
                () -> queries.count(DeliveryStatus.PENDING, name), transitions)));
    }

    public VendorCircuit of(String vendor) {
        VendorCircuit circuit = circuits.get(vendor);
        if (circuit == null) {
            throw new IllegalArgumentException("no such vendor: " + vendor);
        }
        return circuit;
    }

    public Collection<VendorCircuit> all() {
        return circuits.values();
    }

    /** Takes the pauses the state store holds (set here or by another relay); throws when it does not answer. */
    public void refreshPauses() {
        Map<String, Long> paused = store.pausedVendors();
        circuits.forEach((name, circuit) -> circuit.paused(paused.getOrDefault(name, 0L), " (state store)"));
    }

    /** Pauses deliveries to {@code vendor} on every relay sharing the store. */
    public VendorCircuit pause(String vendor) {
        VendorCircuit circuit = of(vendor);
        circuit.paused(store.pause(vendor), " by an operator");
        return circuit;
    }

    /** Resumes deliveries to {@code vendor} on every relay sharing the store. */
    public VendorCircuit resume(String vendor) {
        VendorCircuit circuit = of(vendor);
        store.resume(vendor);
        circuit.paused(0, " by an operator");
        return circuit;
    }

    /** The log's summary of each open circuit, at most once a minute each (the vendor-circuits timer). */
    public void report() {
        circuits.values().forEach(VendorCircuit::report);
    }
}
