package com.customerrelay.delivery;

import com.customerrelay.support.ClassWireMock;
import com.customerrelay.support.RelayTestKit;
import com.customerrelay.support.Requests;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.http.Fault;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Answers a vendor should not give — 5 MB of body, a connection dropped mid-answer, a 500 that is not JSON — end as
 * a classified attempt with a clear message (here dead-lettered after one attempt), never as an unhandled error or
 * a stuck delivery, and the huge body is not read into memory. On Camel's test kit; NotifyBuilder waits for the
 * three attempts.
 */
class VendorAnswerFaultsTest extends RelayTestKit {

    @RegisterExtension
    static final ClassWireMock VENDOR = new ClassWireMock();

    @Override
    protected void configure(Properties properties) {
        properties.setProperty("relay.vendors.expandable.base-url", VENDOR.baseUrl() + "/api");
        properties.setProperty("relay.vendors.expandable.max-attempts", "1");
    }

    @Test
    void hugeDroppedAndNonJsonAnswersAreClassifiedWithAClearMessage() throws Exception {
        VENDOR.stubFor(post(urlEqualTo("/api/auth-token-get")).willReturn(okJson("{\"AUTH_TOKEN\":\"t\"}")));
        VENDOR.stubFor(post(urlEqualTo("/api/customer-contact-update"))
                .withRequestBody(matchingJsonPath("$.E_MAIL", com.github.tomakehurst.wiremock.client.WireMock
                        .equalTo("huge@x.y")))
                .willReturn(okJson("{\"pad\":\"" + "x".repeat(5 * 1024 * 1024) + "\"}")));
        VENDOR.stubFor(post(urlEqualTo("/api/customer-contact-update"))
                .withRequestBody(matchingJsonPath("$.E_MAIL", com.github.tomakehurst.wiremock.client.WireMock
                        .equalTo("dropped@x.y")))
                .willReturn(aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK)));
        VENDOR.stubFor(post(urlEqualTo("/api/customer-contact-update"))
                .withRequestBody(matchingJsonPath("$.E_MAIL", com.github.tomakehurst.wiremock.client.WireMock
                        .equalTo("html@x.y")))
                .willReturn(aResponse().withStatus(500).withBody("<html><body>Gateway exploded</body></html>")));
        dropAndAwaitAttempts("expandable", 3, "faults.ndjson",
                Requests.emailChange("huge", "JHERNANDEZ", "huge@x.y") + "\n"
                + Requests.emailChange("dropped", "MSMITH", "dropped@x.y") + "\n"
                + Requests.emailChange("html", "PCHEN", "html@x.y") + "\n");
        Map<String, JsonNode> byId = awaitDeadLetters(3).stream()
                .collect(Collectors.toMap(l -> l.path("requestId").asText(), l -> l));
        assertThat(byId.values()).allSatisfy(l -> assertThat(l.path("reason").asText()).isEqualTo("exhausted"));
        assertThat(byId.get("huge").at("/error/message").asText())
                .isEqualTo("Expandable answered with more than 1048576 bytes, which is not read (is the base-url "
                        + "right?)");
        assertThat(byId.get("dropped").at("/error/message").asText()).startsWith("cannot reach Expandable: ");
        assertThat(byId.get("html").at("/error/message").asText())
                .isEqualTo("Expandable answered 500: <html><body>Gateway exploded</body></html>");
        assertThat(byId.get("html").at("/error/httpStatus").asInt()).isEqualTo(500);
        await().atMost(Duration.ofSeconds(5)).until(() -> store().unfinished() == 0);
    }
}
