package com.customerrelay.connector.rpm;

import com.customerrelay.connector.Connector;
import com.customerrelay.core.RelaySettings;
import com.customerrelay.core.VendorProfile;
import com.customerrelay.core.VendorSettings;
import com.customerrelay.delivery.VendorClient;
import com.customerrelay.delivery.VendorHttp;
import com.customerrelay.sandbox.SandboxServer;

/** The Rpm connector: profile, client and sandbox. */
public final class RpmConnector implements Connector {

    private final RpmProfile profile = new RpmProfile();

    @Override
    public VendorProfile profile() {
        return profile;
    }

    @Override
    public VendorClient client(VendorSettings settings, VendorHttp http) {
        return new RpmClient(settings, http);
    }

    @Override
    public SandboxServer sandbox(VendorSettings settings, RelaySettings relay) {
        return new RpmSandbox(settings.secret("api-key"));
    }
}
