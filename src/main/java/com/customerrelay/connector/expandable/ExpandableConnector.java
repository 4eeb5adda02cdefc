package com.customerrelay.connector.expandable;

import com.customerrelay.connector.Connector;
import com.customerrelay.core.RelaySettings;
import com.customerrelay.core.VendorProfile;
import com.customerrelay.core.VendorSettings;
import com.customerrelay.delivery.VendorClient;
import com.customerrelay.delivery.VendorHttp;
import com.customerrelay.sandbox.SandboxServer;

/** The Expandable connector: profile, client and sandbox. */
public final class ExpandableConnector implements Connector {

    private final ExpandableProfile profile = new ExpandableProfile();

    @Override
    public VendorProfile profile() {
        return profile;
    }

    @Override
    public VendorClient client(VendorSettings settings, VendorHttp http) {
        return new ExpandableClient(settings, http);
    }

    @Override
    public SandboxServer sandbox(VendorSettings settings, RelaySettings relay) {
        return new ExpandableSandbox(relay.number("relay.sandbox.expandable.token-ttl-seconds", 600) * 1000);
    }
}
