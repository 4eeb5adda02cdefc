package com.customerrelay.connector;

import com.customerrelay.core.RelaySettings;
import com.customerrelay.core.VendorProfile;
import com.customerrelay.core.VendorSettings;
import com.customerrelay.delivery.VendorClient;
import com.customerrelay.delivery.VendorHttp;
import com.customerrelay.sandbox.SandboxServer;

/**
 * One vendor connector: what the relay needs to validate requests for a vendor, deliver to it, and simulate it when
 * no base-url is set. Adding a vendor is a package of its own beside the others holding one of these, a route file
 * {@code routes/delivery-<name>.camel.yaml}, and one line in {@link Connectors#ALL}.
 */
public interface Connector {

    /** The vendor's name, keys and rules. */
    VendorProfile profile();

    /**
     * The client that makes one delivery attempt; {@code settings} carry the base-url to call, {@code http} is the
     * vendor's camel-http client.
     */
    VendorClient client(VendorSettings settings, VendorHttp http);

    /** The built-in simulator served when relay.vendors.&lt;name&gt;.base-url is empty. */
    SandboxServer sandbox(VendorSettings settings, RelaySettings relay);
}
