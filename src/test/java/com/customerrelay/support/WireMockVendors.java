package com.customerrelay.support;

import com.github.tomakehurst.wiremock.WireMockServer;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * WireMock standing in for a vendor in one test, started on a free port and stopped by the test's {@link Closing}.
 * Each test stubs the answers it is about; what every test of the vendor needs is stubbed here.
 */
public final class WireMockVendors {

    private WireMockVendors() {
    }

    /** A WireMock server on a free port with nothing stubbed yet, stopped by {@code closing}. */
    public static WireMockServer started(Closing closing) {
        WireMockServer server = new WireMockServer(options().dynamicPort());
        closing.add(server::stop);
        server.start();
        return server;
    }

    /**
     * Expandable under {@code /api} (the relay's base-url is {@code baseUrl() + "/api"}), its login answering the
     * session token {@code t}.
     */
    public static WireMockServer expandable(Closing closing) {
        WireMockServer expandable = started(closing);
        expandable.stubFor(post(urlEqualTo("/api/auth-token-get")).willReturn(okJson("{\"AUTH_TOKEN\":\"t\"}")));
        return expandable;
    }
}
