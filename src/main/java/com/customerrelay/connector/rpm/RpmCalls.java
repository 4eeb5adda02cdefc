package com.customerrelay.connector.rpm;

import com.customerrelay.core.Json;
import com.customerrelay.core.UpdateRequest;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What RPM's delivery route sends (its answers are {@link RpmAnswers}). Every RPM call is a POST with the key in
 * header {@code RpmApiKey}.
 */
public final class RpmCalls {

    static final String KEY_HEADER = "RpmApiKey";

    /** The body of the read: {@code Customer} for the request's customer. */
    public ObjectNode customerRead(UpdateRequest request) {
        return Json.object().put("CustomerID", request.keys(RpmProfile.NAME).get("customerId").asLong());
    }
}
