package com.customerrelay.support;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a test opened (relays, vendor stubs, brokers, proxies), closed after the test however it ended, the last
 * opened first: a relay closes before the stub and the broker it was started against. A test registers it with
 * {@code @RegisterExtension final Closing closing = new Closing();} and writes {@code relay = closing.add(new
 * RelayHarness(dir))}; something without {@code close()} is added as {@code closing.add(broker::stop)}.
 * <p>
 * Not JUnit's {@code @AutoClose}: it closes fields in an order its documentation calls "intentionally nonobvious",
 * and these tests depend on the order. Every resource is closed even when one fails; the first failure is thrown
 * with the others suppressed in it.
 */
public final class Closing implements AfterEachCallback {

    private final Deque<AutoCloseable> opened = new ArrayDeque<>();

    /** {@code resource}, to be closed after the test, before everything added earlier. */
    public <T extends AutoCloseable> T add(T resource) {
        opened.push(resource);
        return resource;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Exception failure = null;
        while (!opened.isEmpty()) {
            try {
                opened.pop().close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
