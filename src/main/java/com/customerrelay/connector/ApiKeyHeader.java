package com.customerrelay.connector;

import org.apache.camel.Exchange;

/**
 * The credential step of a vendor that takes a fixed API key in a header (RPM's {@code RpmApiKey}, Soliditech's
 * configurable one). No header is set when no key is configured. A bean rather than a setHeader step so the key
 * never appears in a route definition that Camel's tooling shows.
 */
public final class ApiKeyHeader {

    private final String name;
    private final String key;

    public ApiKeyHeader(String name, String key) {
        this.name = name;
        this.key = key;
    }

    public void attach(Exchange exchange) {
        if (!key.isEmpty()) {
            exchange.getMessage().setHeader(name, key);
        }
    }
}
