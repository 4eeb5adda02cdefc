package com.customerrelay.connector.soliditech;

import com.customerrelay.connector.Connector;
import com.customerrelay.core.RelaySettings;
import com.customerrelay.core.VendorProfile;
import com.customerrelay.core.VendorSettings;
import com.customerrelay.connector.ApiKeyHeader;
import com.customerrelay.sandbox.SandboxServer;
import org.apache.camel.ProducerTemplate;

import java.util.Map;

/** The Soliditech connector: profile, the beans of routes/delivery-soliditech.camel.yaml, and the sandbox. */
public final class SoliditechConnector implements Connector {

    private final SoliditechProfile profile = new SoliditechProfile();

    @Override
    public VendorProfile profile() {
        return profile;
    }

    @Override
    public String displayName() {
        return "Soliditech";
    }

    @Override
    public int callsPerAttempt() {
        return 1;
    }

    @Override
    public Map<String, Object> beans(VendorSettings settings, ProducerTemplate template) {
        return Map.of("soliditechMapper", new SoliditechMapper(),
                "soliditechCalls", new SoliditechCalls(settings), "soliditechAnswers", new SoliditechAnswers(),
                "soliditechKey", new ApiKeyHeader(settings.setting("api-key-header", "X-API-Key"),
                        settings.secret("api-key")));
    }

    @Override
    public SandboxServer sandbox(VendorSettings settings, RelaySettings relay) {
        return new SoliditechSandbox(settings.secret("api-key"), settings.setting("api-key-header", "X-API-Key"));
    }
}
