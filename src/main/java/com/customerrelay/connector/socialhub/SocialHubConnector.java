package com.customerrelay.connector.socialhub;

import com.customerrelay.connector.Connector;
import com.customerrelay.core.RelaySettings;
import com.customerrelay.core.VendorProfile;
import com.customerrelay.core.VendorSettings;
import com.customerrelay.sandbox.SandboxServer;
import org.apache.camel.ProducerTemplate;

import java.util.Map;

/** The SocialHub connector: profile, the beans of routes/delivery-socialhub.camel.yaml, and the sandbox. */
public final class SocialHubConnector implements Connector {

    private final SocialHubProfile profile = new SocialHubProfile();

    @Override
    public VendorProfile profile() {
        return profile;
    }

    @Override
    public String displayName() {
        return "SocialHub";
    }

    /** The token and the update, both again when the token is refused. */
    @Override
    public int callsPerAttempt() {
        return 4;
    }

    @Override
    public Map<String, Object> beans(VendorSettings settings, ProducerTemplate template) {
        return Map.of("socialHubMapper", new SocialHubMapper(),
                "socialHubTokens", new SocialHubTokens(settings, template),
                "socialHubCalls", new SocialHubCalls(), "socialHubAnswers", new SocialHubAnswers());
    }

    @Override
    public SandboxServer sandbox(VendorSettings settings, RelaySettings relay) {
        return new SocialHubSandbox(settings.setting("app-id", ""), settings.secret("app-secret"),
                relay.number("relay.sandbox.socialhub.token-ttl-seconds", 7200));
    }
}
