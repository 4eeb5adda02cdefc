package com.customerrelay.observe;

import com.customerrelay.core.SafeText;
import com.customerrelay.core.Secrets;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.Map;

/** Readiness: the queue intake's broker (the embedded one or relay.broker.url) takes a connection. */
public final class BrokerHealthCheck extends AbstractHealthCheck {

    private final ConnectionFactory factory;

    public BrokerHealthCheck(ConnectionFactory factory) {
        super("relay", "broker");
        this.factory = factory;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        try (Connection connection = factory.createConnection()) {
            builder.up();
        } catch (Exception e) {
            builder.down().message("the broker does not take a connection: "
                    + SafeText.value(Secrets.mask(String.valueOf(e.getMessage()))));
        }
    }
}
