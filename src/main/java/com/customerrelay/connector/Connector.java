package com.customerrelay.connector;

import com.customerrelay.core.RelaySettings;
import com.customerrelay.core.VendorProfile;
import com.customerrelay.core.VendorSettings;
import com.customerrelay.sandbox.SandboxServer;
import org.apache.camel.ProducerTemplate;

import java.util.Map;

/**
 * One vendor connector: what the relay needs to validate requests for a vendor, deliver to it, and simulate it when
 * no base-url is set. Adding a vendor is a package of its own beside the others holding one of these, a route file
 * {@code routes/delivery-<name>.camel.yaml} whose steps use the connector's {@link #beans}, and one line in
 * {@link Connectors#ALL}.
 */
public interface Connector {

    /** The exchange property holding the delivery's {@code UpdateRequest} while its vendor's route runs. */
    String REQUEST = "relayRequest";

    /** The vendor's name, keys and rules. */
    VendorProfile profile();

    /** The vendor's name as people write it, for messages ("RPM", "SocialHub"). */
    String displayName();

    /**
     * The most HTTP calls one attempt makes (a login, the call, a second login and call after a refused token…);
     * each is cut off at the vendor's timeout-ms, so together they bound how long an attempt can take.
     */
    int callsPerAttempt();

    /**
     * The processors and beans the vendor's route file names (mapper, credential, answer reader…), by their
     * registry names. {@code settings} carry the base-url in use; {@code template} lets a credential cache call the
     * vendor's login route.
     */
    Map<String, Object> beans(VendorSettings settings, ProducerTemplate template);

    /** The built-in simulator served when relay.vendors.&lt;name&gt;.base-url is empty. */
    SandboxServer sandbox(VendorSettings settings, RelaySettings relay);
}
