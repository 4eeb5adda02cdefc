package com.customerrelay.http;

import com.customerrelay.core.Json;
import com.customerrelay.delivery.DeliveryStatus;
import com.customerrelay.support.Http;
import com.customerrelay.support.RelayHarness;
import com.customerrelay.support.RelayTestCase;
import com.customerrelay.support.TestLog;
import com.customerrelay.support.Requests;
import com.customerrelay.support.WireMockVendors;
import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Camel's management port: readiness and liveness, and the relay's metrics after a known run. */
class HealthAndMetricsTest extends RelayTestCase {

    RelayHarness relay;
    WireMockServer expandable;

    /** The value of one sample of the Prometheus text, e.g. {@code relay_deliveries_total{outcome="dead",...}}. */
    private static double sample(String metrics, String name, String labels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name + "{" + labels) + "[^}]*} ([0-9.eE+-]+|NaN)$")
                .matcher(metrics);
        assertThat(m.find()).as(name + "{" + labels + "} in\n" + metrics).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void afterTenDeliveredTwoRejectedAndOneSkippedTheMetricsShowExactlyThat() throws Exception {
        expandable = WireMockVendors.expandable(closing);
        expandable.stubFor(post(urlEqualTo("/api/customer-contact-update")).willReturn(okJson("{}")));
        expandable.stubFor(post(urlEqualTo("/api/customer-contact-update"))
                .withRequestBody(matchingJsonPath("$.CUST_CONTACT", com.github.tomakehurst.wiremock.client.WireMock
                        .matching("REJ.*")))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("{\"MESSAGE\":\"bad contact\"}")));
        long logMark = TestLog.mark();
        relay = newRelay().set("relay.vendors.expandable.base-url", expandable.baseUrl() + "/api").start();

        // ready once every route's consumer has polled (Camel's consumer checks) and the store and broker answer
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Http.get(relay.managementUrl() + "/observe/health/ready").statusCode() == 200);
        HttpResponse<String> ready = Http.get(relay.managementUrl() + "/observe/health/ready");
        assertThat(TestLog.since(logMark)).as("the addresses really bound, not Camel's 0.0.0.0").contains(
                "Customer Relay listening: HTTP API on " + relay.apiUrl() + ", management (health, metrics) on "
                        + relay.managementUrl());
        assertThat(Json.parse(ready.body()).path("status").asText()).isEqualTo("UP");
        assertThat(Http.get(relay.managementUrl() + "/observe/health/live").statusCode()).isEqualTo(200);

        List<String> lines = new ArrayList<>();
        lines.add(occurred("late-2", "2026-11-30T10:00:02Z", "newer"));
        for (int i = 0; i < 9; i++) {
            lines.add(Requests.expandableContact("ok-" + i, "ABCCORP", "OK" + i, "{\"title\":\"t\"}"));
        }
        lines.add(Requests.expandableContact("rej-1", "ABCCORP", "REJ1", "{\"title\":\"t\"}"));
        lines.add(Requests.expandableContact("rej-2", "ABCCORP", "REJ2", "{\"title\":\"t\"}"));
        relay.drop("run.ndjson", String.join("\n", lines) + "\n");
        await().atMost(Duration.ofSeconds(20)).until(() -> relay.store().count(DeliveryStatus.DELIVERED, "expandable") == 10
                && relay.store().count(DeliveryStatus.DEAD, "expandable") == 2);
        relay.drop("late.ndjson", occurred("late-1", "2026-11-30T10:00:01Z", "older") + "\n");
        await().atMost(Duration.ofSeconds(20)).until(() -> relay.store().count(DeliveryStatus.SKIPPED, "expandable") == 1);

        String metrics = Http.get(relay.managementUrl() + "/observe/metrics").body();
        assertThat(sample(metrics, "relay_deliveries_total", "outcome=\"delivered\",vendor=\"expandable\""))
                .isEqualTo(10);
        assertThat(sample(metrics, "relay_deliveries_total", "outcome=\"rejected\",vendor=\"expandable\""))
                .isEqualTo(2);
        assertThat(sample(metrics, "relay_deliveries_total", "outcome=\"skipped\",vendor=\"expandable\""))
                .isEqualTo(1);
        assertThat(sample(metrics, "relay_deliveries_total", "outcome=\"exhausted\",vendor=\"expandable\""))
                .isZero();
        assertThat(sample(metrics, "relay_deliveries_total", "outcome=\"delivered\",vendor=\"rpm\"")).isZero();
        assertThat(sample(metrics, "relay_requests_accepted_total", "intake=\"file\"")).isEqualTo(13);
        assertThat(sample(metrics, "relay_delivery_attempts_total", "result=\"ok\",vendor=\"expandable\""))
                .isEqualTo(10);
        assertThat(sample(metrics, "relay_delivery_attempts_total", "result=\"failed\",vendor=\"expandable\""))
                .isEqualTo(2);
        assertThat(sample(metrics, "relay_deliveries_pending", "vendor=\"expandable\"")).isZero();
        assertThat(sample(metrics, "relay_deliveries_inflight", "vendor=\"expandable\"")).isZero();
        assertThat(sample(metrics, "relay_oldest_pending_seconds", "vendor=\"expandable\"")).as("none waits").isZero();
        assertThat(sample(metrics, "relay_vendor_call_seconds_count", "vendor=\"expandable\""))
                .as("12 updates and the login").isEqualTo(13);
        assertThat(sample(metrics, "relay_delivery_seconds_count", "vendor=\"expandable\"")).isEqualTo(13);
        assertThat(metrics).contains("relay_delivery_seconds_bucket{vendor=\"expandable\",le=\"");
        assertThat(metrics).as("Camel's own route metrics beside them").contains("camel_exchanges_total");
    }

    private static String occurred(String id, String at, String title) {
        return "{\"id\":\"" + id + "\",\"kind\":\"contact\",\"occurredAt\":\"" + at + "\",\"targets\":{\"expandable\":"
                + "{\"customerId\":\"ABCCORP\",\"contactId\":\"LATE\"}},\"data\":{\"title\":\"" + title + "\"}}";
    }
}
