package com.customerrelay.observe;

import com.customerrelay.core.SafeText;
import com.customerrelay.core.Secrets;
import com.customerrelay.store.StateStore;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.Map;

/** Readiness: the state store answers (a round trip), so requests can be accepted and deliveries recorded. */
public final class StoreHealthCheck extends AbstractHealthCheck {

    private final StateStore store;

    public StoreHealthCheck(StateStore store) {
        super("relay", "state-store");
        this.store = store;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        try {
            store.ping();
            builder.up();
        } catch (RuntimeException e) {
            // a driver's message may quote the URL it was given, credentials and all
            builder.down().message("the state store does not answer: "
                    + SafeText.value(Secrets.mask(String.valueOf(e.getMessage()))));
        }
    }
}
