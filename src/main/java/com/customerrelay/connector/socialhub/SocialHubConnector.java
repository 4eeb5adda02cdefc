package com.customerrelay.connector.socialhub;

import com.customerrelay.connector.Connector;
import com.customerrelay.core.RelaySettings;
import com.customerrelay.core.VendorProfile;
import com.customerrelay.core.VendorSettings;
import com.customerrelay.delivery.VendorClient;
import com.customerrelay.delivery.VendorHttp;
import com.customerrelay.sandbox.SandboxServer;

/** The SocialHub connector: profile, client and sandbox. */
public final class SocialHubConnector implements Connector {

    private final SocialHubProfile profile = new SocialHubProfile();

    @Override
    public VendorProfile profile() {
        return profile;
    }

    @Override
    public VendorClient client(VendorSettings settings, VendorHttp http) {
        return new SocialHubClient(settings, http);
    }

    @Override
    public SandboxServer sandbox(VendorSettings settings, RelaySettings relay) {
        return new SocialHubSandbox(settings.setting("app-id", ""), settings.secret("app-secret"),
                relay.number("relay.sandbox.socialhub.token-ttl-seconds", 7200));
    }
}
