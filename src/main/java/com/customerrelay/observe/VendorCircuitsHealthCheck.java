package com.customerrelay.observe;

import com.customerrelay.delivery.VendorCircuit;
import com.customerrelay.delivery.VendorCircuits;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The vendors' circuits, a check of its own in /observe/health (PRODUCT.md §3a): DOWN while a vendor's circuit is
 * open or half-open, naming the vendor and since when. It is neither a readiness nor a liveness check: a vendor
 * that is down is no reason to take the relay out of service or restart it (intake goes on, deliveries wait).
 * A paused vendor is an operator's choice and leaves it UP, with the pause in its details.
 */
public final class VendorCircuitsHealthCheck extends AbstractHealthCheck {

    private final VendorCircuits circuits;

    public VendorCircuitsHealthCheck(VendorCircuits circuits) {
        super("relay", "vendor-circuits");
        this.circuits = circuits;
    }

    @Override
    public boolean isReadiness() {
        return false;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        List<String> down = new ArrayList<>();
        for (VendorCircuit circuit : circuits.all()) {
            String state = circuit.state().label;
            builder.detail(circuit.vendor(), state + " since " + Instant.ofEpochMilli(circuit.since()));
            if (circuit.state() == VendorCircuit.State.OPEN || circuit.state() == VendorCircuit.State.HALF_OPEN) {
                down.add(circuit.vendor() + " (circuit " + state + " since " + Instant.ofEpochMilli(circuit.since())
                        + ")");
            }
        }
        if (down.isEmpty()) {
            builder.up();
        } else {
            builder.down().message("vendors down, deliveries to them wait: " + String.join(", ", down));
        }
    }
}
