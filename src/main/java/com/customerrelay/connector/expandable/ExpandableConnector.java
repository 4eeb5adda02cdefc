package com.customerrelay.connector.expandable;

import com.customerrelay.connector.Connector;
import com.customerrelay.core.RelaySettings;
import com.customerrelay.core.VendorProfile;
import com.customerrelay.core.VendorSettings;
import com.customerrelay.sandbox.SandboxServer;
import org.apache.camel.ProducerTemplate;

import java.util.Map;

/** The Expandable connector: profile, the beans of routes/delivery-expandable.camel.yaml, and the sandbox. */
public final class ExpandableConnector implements Connector {

    private final ExpandableProfile profile = new ExpandableProfile();

    @Override
    public VendorProfile profile() {
        return profile;
    }

    @Override
    public String displayName() {
        return "Expandable";
    }

    /** auth-token-get and the update, both again after a 401. */
    @Override
    public int callsPerAttempt() {
        return 4;
    }

    @Override
    public Map<String, Object> beans(VendorSettings settings, ProducerTemplate template) {
        return Map.of("expandableMapper", new ExpandableMapper(),
                "expandableTokens", new ExpandableTokens(settings, template),
                "expandableAnswers", new ExpandableAnswers());
    }

    @Override
    public SandboxServer sandbox(VendorSettings settings, RelaySettings relay) {
        return new ExpandableSandbox(relay.number("relay.sandbox.expandable.token-ttl-seconds", 600) * 1000);
    }
}
