package com.customerrelay.intake;

import com.customerrelay.delivery.DeliveryStatus;
import com.customerrelay.support.RelayHarness;
import com.customerrelay.support.RelayTestCase;
import com.customerrelay.support.Requests;
import com.customerrelay.support.WireMockVendors;
import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The same request (same id, same vendor) reaches Expandable once, also when dropped again after a restart. */
class DuplicateRequestTest extends RelayTestCase {

    private static final String UPDATE = "/api/customer-contact-update";

    WireMockServer expandable;
    RelayHarness relay;

    @BeforeEach
    void setUp() {
        expandable = WireMockVendors.expandable(closing);
        expandable.stubFor(post(urlEqualTo(UPDATE)).willReturn(okJson("{}")));
    }

    private RelayHarness relay() {
        return newRelay().set("relay.vendors.expandable.base-url", expandable.baseUrl() + "/api");
    }

    private int updates() {
        return expandable.findAll(postRequestedFor(urlEqualTo(UPDATE))).size();
    }

    @Test
    void theSameRequestDroppedTwiceAlsoAcrossARestartIsDeliveredOnce() {
        String withId = Requests.emailChange("crm-evt-42", "JHERNANDEZ", "j@abccorp.com");
        String withoutId = "{\"kind\":\"contact\",\"targets\":{\"expandable\":{\"customerId\":\"ABCCORP\","
                + "\"contactId\":\"MSMITH\"}},\"data\":{\"email\":\"m@abccorp.com\"}}";
        String sameContentOtherOrder = "{\"data\":{\"email\":\"m@abccorp.com\"},\"targets\":{\"expandable\":"
                + "{\"contactId\":\"MSMITH\",\"customerId\":\"ABCCORP\"}},\"kind\":\"contact\"}";
        relay = relay().start();

        relay.drop("first.ndjson", withId + "\n" + withoutId + "\n");
        relay.awaitDone("first.ndjson");
        await().atMost(Duration.ofSeconds(10)).until(() -> updates() == 2);
        relay.drop("second.ndjson", withId + "\n" + sameContentOtherOrder + "\n");
        relay.awaitDone("second.ndjson");
        relay.awaitSettled(Duration.ofSeconds(5));

        relay.stop();
        relay = relay().start();
        relay.drop("third.json", "[" + withId + "," + withoutId + "]");
        relay.awaitDone("third.json");
        relay.awaitSettled(Duration.ofSeconds(5));
        // the dispatcher runs every 50 ms: give a wrongly accepted duplicate time to go out before counting
        await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> true);

        assertThat(updates()).isEqualTo(2);
        assertThat(relay.store().count(DeliveryStatus.DELIVERED, "expandable")).isEqualTo(2);
        assertThat(relay.deadLetters()).isEmpty();
    }

    @Test
    void outsideTheDedupeWindowTheSameRequestIsDeliveredAgain() {
        relay = relay().set("relay.dedupe.window-hours", "0").start();
        String request = Requests.emailChange("crm-evt-43", "JHERNANDEZ", "j@abccorp.com");

        relay.drop("one.json", request);
        relay.awaitDone("one.json");
        await().atMost(Duration.ofSeconds(10)).until(() -> updates() == 1);
        relay.drop("two.json", request);
        relay.awaitDone("two.json");

        await().atMost(Duration.ofSeconds(10)).until(() -> updates() == 2);
    }
}
