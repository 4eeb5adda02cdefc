package com.customerrelay;

import com.customerrelay.support.RelayHarness;
import com.customerrelay.support.RelayTestCase;
import com.customerrelay.support.Requests;
import com.customerrelay.support.TestLog;
import com.customerrelay.support.WireMockVendors;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Canary secrets — the Expandable password and the tokens it hands out — must appear in no log line and no dead
 * letter, even when the vendor echoes them back in its error messages.
 */
class SecretsStayOutTest extends RelayTestCase {

    private static final String PASSWORD = "CANARY-PW-5d1e9a";
    private static final String TOKEN_1 = "CANARY-TOKEN-77ab01";
    private static final String TOKEN_2 = "CANARY-TOKEN-88cd02";

    @Test
    void canariesAppearInNoLogLineAndNoDeadLetter() throws Exception {
        WireMockServer expandable = WireMockVendors.started(closing);
        expandable.stubFor(post(urlEqualTo("/api/auth-token-get")).inScenario("t")
                .whenScenarioStateIs(Scenario.STARTED).willReturn(okJson("{\"AUTH_TOKEN\":\"" + TOKEN_1 + "\"}"))
                .willSetStateTo("2"));
        expandable.stubFor(post(urlEqualTo("/api/auth-token-get")).inScenario("t")
                .whenScenarioStateIs("2").willReturn(okJson("{\"AUTH_TOKEN\":\"" + TOKEN_2 + "\"}")));
        // token refused and echoed: refresh, then the second token is echoed in a 500 business error
        expandable.stubFor(post(urlEqualTo("/api/customer-contact-update"))
                .withRequestBody(matchingJsonPath("$.AUTH_TOKEN", com.github.tomakehurst.wiremock.client.WireMock
                        .equalTo(TOKEN_1)))
                .willReturn(aResponse().withStatus(401).withBody("{\"MESSAGE\":\"Auth Token " + TOKEN_1
                        + " login failure.\",\"MESSAGE_CODE\":\"401\"}")));
        expandable.stubFor(post(urlEqualTo("/api/customer-contact-update"))
                .withRequestBody(matchingJsonPath("$.AUTH_TOKEN", com.github.tomakehurst.wiremock.client.WireMock
                        .equalTo(TOKEN_2)))
                .willReturn(aResponse().withStatus(500).withBody("{\"MESSAGE\":\"Session " + TOKEN_2
                        + " for user relay/" + PASSWORD + " is locked\",\"MESSAGE_CODE\":\"E9\"}")));
        long logBefore = TestLog.mark();

        RelayHarness relay = newRelay()
                .set("relay.vendors.expandable.base-url", expandable.baseUrl() + "/api")
                .set("relay.vendors.expandable.user-name", "relay")
                .set("relay.vendors.expandable.password", PASSWORD)
                .set("relay.vendors.expandable.max-attempts", "2")
                .start();
        relay.drop("secret.json", Requests.emailChange("sec-1", "JHERNANDEZ", "j@abccorp.com"));
        await().atMost(Duration.ofSeconds(15)).until(() -> relay.deadLetters().size() == 1);
        relay.stop();

        assertThat(expandable.findAll(postRequestedFor(urlEqualTo("/api/customer-contact-update"))))
                .as("the canaries really were in play").hasSizeGreaterThanOrEqualTo(3);
        String letter = relay.deadLetterTexts().get(0);
        assertThat(letter).contains("is locked").contains("***");
        assertThat(letter).doesNotContain(PASSWORD, TOKEN_1, TOKEN_2);
        String log = TestLog.since(logBefore);
        assertThat(log).contains("sec-1").contains("is locked");
        assertThat(log).doesNotContain(PASSWORD, TOKEN_1, TOKEN_2);
    }

    @Test
    void everyVendorsCanariesStayOutEvenWhenVendorsEchoThem() throws Exception {
        String rpmKey = "CANARY-RPM-KEY-41f0";
        String shSecret = "CANARY-SH-SECRET-9c2e";
        String shToken = "CANARY-SH-TOKEN-77d1";
        String shRefresh = "CANARY-SH-REFRESH-0a9b";
        String solKey = "CANARY-SOL-KEY-3b8c";
        WireMockServer expandable = WireMockVendors.started(closing);
        expandable.stubFor(post(urlEqualTo("/rpm/Customer")).willReturn(okJson(
                "{\"Result\":{\"Error\":\"Valid key required (got " + rpmKey + ")\"}}")));
        expandable.stubFor(post(urlEqualTo("/sh/v1/auth/token")).willReturn(okJson("{\"code\":\"200\",\"data\":"
                + "{\"accessToken\":\"" + shToken + "\",\"refreshToken\":\"" + shRefresh + "\"}}")));
        expandable.stubFor(com.github.tomakehurst.wiremock.client.WireMock.put(urlEqualTo(
                "/sh/v1/consumer/updateInfo/C1001")).willReturn(okJson("{\"code\":\"500\",\"msg\":\"busy for "
                + shToken + " / " + shSecret + "\"}")));
        expandable.stubFor(com.github.tomakehurst.wiremock.client.WireMock.put(urlEqualTo(
                "/sol/customers/10045/contacts/3")).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":\"bad key " + solKey + "\"}")));
        long logBefore = TestLog.mark();

        RelayHarness relay = newRelay()
                .set("relay.vendors.rpm.base-url", expandable.baseUrl() + "/rpm")
                .set("relay.vendors.rpm.api-key", rpmKey)
                .set("relay.vendors.socialhub.base-url", expandable.baseUrl() + "/sh")
                .set("relay.vendors.socialhub.app-id", "app")
                .set("relay.vendors.socialhub.app-secret", shSecret)
                .set("relay.vendors.socialhub.max-attempts", "2")
                .set("relay.vendors.soliditech.base-url", expandable.baseUrl() + "/sol")
                .set("relay.vendors.soliditech.api-key", solKey)
                .start();
        relay.drop("all.ndjson", "{\"id\":\"sec-c\",\"kind\":\"contact\",\"targets\":{\"rpm\":{\"customerId\":1042,"
                + "\"contactId\":77},\"soliditech\":{\"accountId\":\"10045\",\"contactId\":\"3\"}},"
                + "\"data\":{\"email\":\"j@abccorp.com\"}}\n"
                + "{\"id\":\"sec-s\",\"kind\":\"customer\",\"targets\":{\"socialhub\":{\"customerCode\":\"C1001\"}},"
                + "\"data\":{\"email\":\"a@example.com\"}}\n");
        await().atMost(Duration.ofSeconds(15)).until(() -> relay.deadLetters().size() == 3);
        relay.stop();

        String letters = String.join("\n", relay.deadLetterTexts());
        assertThat(letters).contains("Valid key required", "busy for", "bad key");
        assertThat(letters).doesNotContain(rpmKey, shSecret, shToken, shRefresh, solKey);
        String log = TestLog.since(logBefore);
        assertThat(log).contains("sec-s").contains("busy for");
        assertThat(log).doesNotContain(rpmKey, shSecret, shToken, shRefresh, solKey);
    }
}
