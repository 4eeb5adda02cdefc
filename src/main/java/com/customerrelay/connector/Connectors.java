package com.customerrelay.connector;

import com.customerrelay.connector.expandable.ExpandableConnector;
import com.customerrelay.connector.rpm.RpmConnector;
import com.customerrelay.connector.socialhub.SocialHubConnector;
import com.customerrelay.connector.soliditech.SoliditechConnector;

import java.util.List;

/** The vendor connectors the relay delivers to: the one place a new vendor is registered. */
public final class Connectors {

    public static final List<Connector> ALL = List.of(new ExpandableConnector(), new RpmConnector(),
            new SocialHubConnector(), new SoliditechConnector());

    private Connectors() {
    }
}
