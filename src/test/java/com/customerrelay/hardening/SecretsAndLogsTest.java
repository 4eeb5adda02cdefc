package com.customerrelay.hardening;

import com.customerrelay.support.RelayHarness;
import com.customerrelay.support.RelayTestCase;
import com.customerrelay.support.Requests;
import com.customerrelay.support.TestLog;
import com.customerrelay.support.WireMockVendors;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Canaries the earlier secret tests did not cover: a token that was renewed and is echoed back afterwards, a
 * secret-named member inside a line that is not JSON, and an API key in a vendor's base-url — none of them reaches
 * a log line or a dead letter. And no value from outside can forge a log line with CR/LF.
 */
class SecretsAndLogsTest extends RelayTestCase {

    private static final String OLD_TOKEN = "CANARY-OLD-TOKEN-1f2e";
    private static final String NEW_TOKEN = "CANARY-NEW-TOKEN-3d4c";
    private static final String RAW_PASSWORD = "CANARY-RAW-PW-5b6a";
    private static final String URL_KEY = "CANARY-URL-KEY-7988";

    @Test
    void renewedTokensRawSecretsAndUrlKeysStayOutAndNoLineCanBeForged() throws Exception {
        WireMockServer vendors = WireMockVendors.started(closing);
        // Expandable: the first token is refused, the second one is issued, and the vendor then echoes the old one
        vendors.stubFor(post(urlEqualTo("/exp/auth-token-get")).inScenario("t").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson("{\"AUTH_TOKEN\":\"" + OLD_TOKEN + "\"}")).willSetStateTo("renewed"));
        vendors.stubFor(post(urlEqualTo("/exp/auth-token-get")).inScenario("t").whenScenarioStateIs("renewed")
                .willReturn(okJson("{\"AUTH_TOKEN\":\"" + NEW_TOKEN + "\"}")));
        vendors.stubFor(post(urlEqualTo("/exp/customer-contact-update"))
                .withRequestBody(matchingJsonPath("$.AUTH_TOKEN", equalTo(OLD_TOKEN)))
                .willReturn(aResponse().withStatus(401).withBody("{\"MESSAGE\":\"expired\"}")));
        vendors.stubFor(post(urlEqualTo("/exp/customer-contact-update"))
                .withRequestBody(matchingJsonPath("$.AUTH_TOKEN", equalTo(NEW_TOKEN)))
                .willReturn(aResponse().withStatus(400).withBody("{\"MESSAGE\":\"token " + OLD_TOKEN
                        + " was replaced by " + NEW_TOKEN + "\",\"MESSAGE_CODE\":\"E7\"}")));
        // RPM: the key travels in the base-url's query, and the vendor echoes the URL it was called on
        vendors.stubFor(post(urlPathEqualTo("/rpm/Customer")).willReturn(okJson("{\"Result\":{\"Error\":\"Valid key "
                + "required for /rpm/Customer?apikey=" + URL_KEY + "\"}}")));
        long logBefore = TestLog.mark();

        RelayHarness relay = newRelay()
                .set("relay.vendors.expandable.base-url", vendors.baseUrl() + "/exp")
                .set("relay.vendors.rpm.base-url", vendors.baseUrl() + "/rpm?apikey=" + URL_KEY)
                .start();
        relay.drop("token.json", Requests.emailChange("sec-token", "JHERNANDEZ", "j@abccorp.com"));
        relay.drop("rpm.json", "{\"id\":\"sec-url\",\"kind\":\"contact\",\"targets\":{\"rpm\":{\"customerId\":1042,"
                + "\"contactId\":77}},\"data\":{\"email\":\"j@abccorp.com\"}}");
        relay.drop("raw.ndjson", "{\"kind\":\"contact\",\"vendorFields\":{\"expandable\":{\"password\":\""
                + RAW_PASSWORD + "\"}}, oops\n");
        relay.drop("evil\r\nINFO forged line.ndjson", "{\"id\":\"evil\\r\\nINFO forged line\"}\n");
        await().atMost(Duration.ofSeconds(20)).until(() -> relay.deadLetters().size() == 4);
        relay.stop();

        String letters = String.join("\n", relay.deadLetterTexts());
        assertThat(letters).contains("was replaced by", "Valid key required", "oops");
        assertThat(letters).doesNotContain(OLD_TOKEN, NEW_TOKEN, RAW_PASSWORD, URL_KEY);
        String log = TestLog.since(logBefore);
        assertThat(log).contains("sec-token", "sec-url", "apikey=***");
        assertThat(log).doesNotContain(OLD_TOKEN, NEW_TOKEN, RAW_PASSWORD, URL_KEY);
        assertThat(Arrays.stream(log.split("\n"))).as("no log line begins with text from outside")
                .noneMatch(line -> line.startsWith("INFO forged"));
        assertThat(log).contains("evil\\u000d\\u000aINFO forged line.ndjson read");
    }
}
