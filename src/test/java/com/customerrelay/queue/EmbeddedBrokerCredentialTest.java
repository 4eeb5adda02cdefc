package com.customerrelay.queue;

import com.customerrelay.support.RelayHarness;
import com.customerrelay.support.RelayTestCase;
import com.customerrelay.support.Requests;
import com.customerrelay.support.TestLog;
import com.customerrelay.support.VendorStub;
import jakarta.jms.Connection;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * With relay.broker.embedded-user and -password set, the embedded broker lets in only a producer that gives them;
 * the relay's own consumer gives them too, and the password is in no log line.
 */
class EmbeddedBrokerCredentialTest extends RelayTestCase {

    private static final String USER = "relay-producer";
    private static final String PASSWORD = "canary-broker-pw-77c1";

    @Test
    void onlyAProducerWithTheCredentialIsLetIn() throws Exception {
        long mark = TestLog.mark();
        VendorStub vendor = newVendor();
        RelayHarness relay = newRelay();
        String url = relay.brokerOnFreePort();
        relay.set("relay.broker.embedded-user", USER).set("relay.broker.embedded-password", PASSWORD)
                .set("relay.vendors.expandable.base-url", vendor.baseUrl()).start();

        try (ActiveMQConnectionFactory anonymous = new ActiveMQConnectionFactory(url)) {
            assertThatThrownBy(anonymous::createConnection).as("no credential").isInstanceOf(JMSSecurityException.class);
        }
        try (ActiveMQConnectionFactory wrong = new ActiveMQConnectionFactory(url, USER, "not-it")) {
            assertThatThrownBy(wrong::createConnection).as("a wrong password").isInstanceOf(JMSSecurityException.class);
        }
        try (ActiveMQConnectionFactory right = new ActiveMQConnectionFactory(url, USER, PASSWORD);
             Connection connection = right.createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue("relay.updates"));
            producer.send(session.createTextMessage(Requests.marked("with-credential")));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> vendor.perMarker().containsKey("with-credential"));
        assertThat(TestLog.since(mark)).contains("as user " + USER).doesNotContain(PASSWORD);
    }

    @Test
    void aUserWithoutAPasswordStopsTheStartNamingTheKeys() {
        RelayHarness relay = newRelay().set("relay.broker.embedded-user", USER);
        assertThatThrownBy(relay::start).hasStackTraceContaining("relay.broker.embedded-password");
    }
}
