package com.customerrelay.support;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * What a test of the relay starts from: a folder of its own ({@link #dir}, for the relay's data, inbox and dead
 * letters) and {@link #closing}, which closes what the test opened — relays, vendor stubs, brokers — after it, the
 * last opened first.
 */
public abstract class RelayTestCase {

    @RegisterExtension
    protected final Closing closing = new Closing();

    @TempDir
    protected Path dir;

    /** An Expandable stand-in that tells requests apart by their SOFCT_USER_1 marker, closed after the test. */
    protected VendorStub newVendor() {
        return closing.add(new VendorStub("SOFCT_USER_1"));
    }

    /** A relay rooted at {@link #dir}, not yet started, closed after the test. */
    protected RelayHarness newRelay() {
        return closing.add(new RelayHarness(dir));
    }

    /** As {@link #newRelay()}, sending its Expandable calls to {@code vendor}. */
    protected RelayHarness newRelay(VendorStub vendor) {
        return newRelay().set("relay.vendors.expandable.base-url", vendor.baseUrl());
    }

    /**
     * A relay rooted at {@code dir/name} on the PostgreSQL store of {@code pg}, as one of several relays sharing it,
     * sending its Expandable calls to {@code vendor}; not yet started, closed after the test.
     */
    protected RelayHarness newRelayOn(PostgresSupport pg, String name, VendorStub vendor) {
        return closing.add(pg.configure(new RelayHarness(dir.resolve(name))))
                .set("relay.vendors.expandable.base-url", vendor.baseUrl());
    }
}
