package com.customerrelay.support;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/** A JMS connection to a broker over TCP as an outside client holds one, closed together with its factory. */
final class BrokerConnection implements AutoCloseable {

    private final ActiveMQConnectionFactory factory;
    final Connection connection;

    BrokerConnection(String brokerUrl) throws JMSException {
        factory = new ActiveMQConnectionFactory(brokerUrl);
        connection = factory.createConnection();
    }

    @Override
    public void close() {
        try {
            connection.close();
            factory.close();
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }
}
