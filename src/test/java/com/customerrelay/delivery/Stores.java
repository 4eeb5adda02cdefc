package com.customerrelay.delivery;

import com.customerrelay.store.StateStore;

import java.time.Duration;

/** The delivery tables' owners on one state store, made as RelayConfiguration makes them, for the store tests. */
record Stores(StateStore state, DeliveryAcceptance acceptance, DispatchRounds rounds, DeliveryQueries queries,
              DeliveryPurge purge) implements AutoCloseable {

    /** An embedded store (this relay its only user) at {@code url}. */
    static Stores open(String url, Duration dedupeWindow) {
        StateStore state = new StateStore(url, "relay", "", false);
        return new Stores(state, new DeliveryAcceptance(state, dedupeWindow), new DispatchRounds(state),
                new DeliveryQueries(state), new DeliveryPurge(state, dedupeWindow));
    }

    @Override
    public void close() {
        state.stop();
    }
}
