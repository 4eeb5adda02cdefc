package com.customerrelay.connector.rpm;

import com.customerrelay.connector.Connector;
import com.customerrelay.core.RelaySettings;
import com.customerrelay.core.VendorProfile;
import com.customerrelay.core.VendorSettings;
import com.customerrelay.connector.ApiKeyHeader;
import com.customerrelay.sandbox.SandboxServer;
import org.apache.camel.ProducerTemplate;

import java.util.Map;

/** The RPM connector: profile, the beans of routes/delivery-rpm.camel.yaml, and the sandbox. */
public final class RpmConnector implements Connector {

    private final RpmProfile profile = new RpmProfile();

    @Override
    public VendorProfile profile() {
        return profile;
    }

    @Override
    public String displayName() {
        return "RPM";
    }

    /** Customer (read), then CustomerContactEdit (write). */
    @Override
    public int callsPerAttempt() {
        return 2;
    }

    @Override
    public Map<String, Object> beans(VendorSettings settings, ProducerTemplate template) {
        return Map.of("rpmCalls", new RpmCalls(), "rpmAnswers", new RpmAnswers(),
                "rpmContactMerge", new RpmContactMerge(),
                "rpmKey", new ApiKeyHeader(RpmCalls.KEY_HEADER, settings.secret("api-key")));
    }

    @Override
    public SandboxServer sandbox(VendorSettings settings, RelaySettings relay) {
        return new RpmSandbox(settings.secret("api-key"));
    }
}
