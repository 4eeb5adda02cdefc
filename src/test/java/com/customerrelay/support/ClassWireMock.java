package com.customerrelay.support;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * A WireMock vendor shared by all the tests of a class, declared {@code @RegisterExtension static final ClassWireMock
 * VENDOR = new ClassWireMock();}. It is started at once, not in a {@code beforeAll}: the test kit reads the vendor's
 * URL while JUnit builds the test instance. It stops after the class's last test, and only then: {@code @Nested}
 * classes inherit the extension, and their ends are not the class's.
 */
public final class ClassWireMock extends WireMockServer implements AfterAllCallback {

    /** On a free HTTP port. */
    public ClassWireMock() {
        this(options().dynamicPort());
    }

    public ClassWireMock(WireMockConfiguration options) {
        super(options);
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (!context.getRequiredTestClass().isAnnotationPresent(Nested.class)) {
            stop();
        }
    }
}
