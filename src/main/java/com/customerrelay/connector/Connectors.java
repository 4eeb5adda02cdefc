package com.customerrelay.connector;

import com.customerrelay.connector.expandable.ExpandableConnector;
import com.customerrelay.connector.rpm.RpmConnector;
import com.customerrelay.connector.socialhub.SocialHubConnector;
import com.customerrelay.connector.soliditech.SoliditechConnector;

import com.customerrelay.core.VendorProfile;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The vendor connectors the relay delivers to: the one place a new vendor is registered. */
public final class Connectors {

    public static final List<Connector> ALL = List.of(new ExpandableConnector(), new RpmConnector(),
            new SocialHubConnector(), new SoliditechConnector());

    private static final Map<String, VendorProfile> PROFILES;

    static {
        Map<String, VendorProfile> byName = new LinkedHashMap<>();
        ALL.forEach(connector -> byName.put(connector.profile().name(), connector.profile()));
        PROFILES = Collections.unmodifiableMap(byName);
    }

    private Connectors() {
    }

    /** Each connector's profile by vendor name, in the order of {@link #ALL}. */
    public static Map<String, VendorProfile> profiles() {
        return PROFILES;
    }
}
