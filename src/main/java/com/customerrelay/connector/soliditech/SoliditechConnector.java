package com.customerrelay.connector.soliditech;

import com.customerrelay.connector.Connector;
import com.customerrelay.core.RelaySettings;
import com.customerrelay.core.VendorProfile;
import com.customerrelay.core.VendorSettings;
import com.customerrelay.delivery.VendorClient;
import com.customerrelay.delivery.VendorHttp;
import com.customerrelay.sandbox.SandboxServer;

/** The Soliditech connector: profile, client and sandbox. */
public final class SoliditechConnector implements Connector {

    private final SoliditechProfile profile = new SoliditechProfile();

    @Override
    public VendorProfile profile() {
        return profile;
    }

    @Override
    public VendorClient client(VendorSettings settings, VendorHttp http) {
        return new SoliditechClient(settings, http);
    }

    @Override
    public SandboxServer sandbox(VendorSettings settings, RelaySettings relay) {
        return new SoliditechSandbox(settings.secret("api-key"), settings.setting("api-key-header", "X-API-Key"));
    }
}
