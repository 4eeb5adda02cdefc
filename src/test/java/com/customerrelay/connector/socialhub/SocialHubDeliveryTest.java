package com.customerrelay.connector.socialhub;

import com.customerrelay.core.Json;
import com.customerrelay.support.RelayHarness;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** SocialHub's Update Customer Information: contract against WireMock, token and consent behaviour on the sandbox. */
class SocialHubDeliveryTest {

    private static final String UPDATE = "/openapi-prod/v1/consumer/updateInfo/C%201001";

    @TempDir
    Path dir;
    RelayHarness relay;
    WireMockServer socialhub;

    @AfterEach
    void tearDown() {
        if (relay != null) {
            relay.close();
        }
        if (socialhub != null) {
            socialhub.stop();
        }
    }

    private static String request(String id, String code, String data) {
        return "{\"id\":\"" + id + "\",\"kind\":\"customer\",\"targets\":{\"socialhub\":{\"customerCode\":\"" + code
                + "\"}},\"data\":" + data + "}";
    }

    private void wiremockRelay() {
        socialhub = new WireMockServer(options().dynamicPort());
        socialhub.start();
        socialhub.stubFor(post(urlEqualTo("/openapi-prod/v1/auth/token")).willReturn(okJson(
                "{\"code\":\"200\",\"data\":{\"accessToken\":\"sh-token-1\",\"refreshToken\":\"r1\"}}")));
        relay = new RelayHarness(dir).set("relay.vendors.socialhub.base-url", socialhub.baseUrl() + "/openapi-prod")
                .set("relay.vendors.socialhub.app-id", "app-1").set("relay.vendors.socialhub.app-secret", "secret-1")
                .start();
    }

    @Test
    void contractSendsTheBareTokenAndExactlyTheMappedFields() throws Exception {
        wiremockRelay();
        socialhub.stubFor(put(urlEqualTo(UPDATE)).willReturn(okJson("{\"code\":\"200\",\"data\":{}}")));

        relay.drop("sh.json", request("sh-1", "C 1001", """
                {"name":"Ana Lima","email":"ana@example.com","gender":"female","birthday":"1990-05-17",
                 "language":"pt-BR","address":{"line1":"Rua A 1","line2":"Apto 2","city":"Lisboa",
                 "postalCode":"1000-001","country":"PT"},"consent":{"sms":false,"email":true}}"""));

        await().atMost(Duration.ofSeconds(10)).until(() -> relay.store().count("DELIVERED", "socialhub") == 1);
        var login = socialhub.findAll(postRequestedFor(urlEqualTo("/openapi-prod/v1/auth/token")));
        assertThat(login).hasSize(1);
        assertThat(Json.parse(login.get(0).getBodyAsString()))
                .isEqualTo(Json.parse("{\"appId\":\"app-1\",\"appSecret\":\"secret-1\"}"));
        var updates = socialhub.findAll(putRequestedFor(urlEqualTo(UPDATE)));
        assertThat(updates).hasSize(1);
        assertThat(updates.get(0).getHeader("Authorization")).isEqualTo("sh-token-1");
        assertThat(Json.parse(updates.get(0).getBodyAsString())).isEqualTo(Json.parse("""
                {"name":"Ana Lima","email":"ana@example.com","gender":2,"birthday":"1990-05-17","language":"pt-BR",
                 "address":"Rua A 1, Apto 2, Lisboa, PT","postelCode":"1000-001",
                 "receiveSmsFlag":0,"receiveEmailFlag":1}"""));
    }

    @Test
    void aRequestWithoutConsentMembersSendsNoFlag() throws Exception {
        wiremockRelay();
        socialhub.stubFor(put(urlEqualTo(UPDATE)).willReturn(okJson("{\"code\":\"200\"}")));

        relay.drop("sh.json", request("sh-2", "C 1001", "{\"email\":\"new@example.com\",\"gender\":\"unknown\"}"));

        await().atMost(Duration.ofSeconds(10)).until(() -> relay.store().count("DELIVERED", "socialhub") == 1);
        JsonNode body = Json.parse(socialhub.findAll(putRequestedFor(urlEqualTo(UPDATE))).get(0).getBodyAsString());
        assertThat(body).isEqualTo(Json.parse("{\"email\":\"new@example.com\",\"gender\":0}"));
    }

    @Test
    void aBodyErrorUnderHttp200BecomesADeadLetterWithTheVendorsText() {
        wiremockRelay();
        socialhub.stubFor(put(urlEqualTo(UPDATE)).willReturn(okJson(
                "{\"code\":\"10012\",\"resultMessage\":\"customer does not exist\"}")));

        relay.drop("sh.json", request("sh-3", "C 1001", "{\"email\":\"x@example.com\"}"));

        await().atMost(Duration.ofSeconds(10)).until(() -> relay.deadLetters().size() == 1);
        JsonNode letter = relay.deadLetters().get(0);
        assertThat(letter.path("vendor").asText()).isEqualTo("socialhub");
        assertThat(letter.path("kind").asText()).isEqualTo("customer");
        assertThat(letter.path("reason").asText()).isEqualTo("rejected");
        assertThat(letter.path("attempts").asInt()).isEqualTo(1);
        assertThat(letter.at("/error/httpStatus").asInt()).isEqualTo(200);
        assertThat(letter.at("/error/vendorMessage").asText()).isEqualTo("customer does not exist");
        assertThat(letter.at("/error/vendorCode").asText()).isEqualTo("10012");
        assertThat(letter.at("/error/message").asText())
                .isEqualTo("SocialHub answered 200 with code 10012: customer does not exist");
    }

    @Test
    void anExpiredTokenIsRefreshedOnceAndTheUpdateSucceeds() {
        relay = new RelayHarness(dir).set("relay.vendors.socialhub.app-id", "app-1")
                .set("relay.vendors.socialhub.app-secret", "secret-1").start();
        SocialHubSandbox sandbox = relay.bean("socialhubSandbox", SocialHubSandbox.class);

        relay.drop("first.json", request("sh-4", "C1001", "{\"name\":\"Ana L.\"}"));
        await().atMost(Duration.ofSeconds(10)).until(() -> relay.store().count("DELIVERED", "socialhub") == 1);
        assertThat(sandbox.logins()).isEqualTo(1);
        sandbox.expireTokens();

        relay.drop("second.json", request("sh-5", "C1001", "{\"consent\":{\"sms\":false}}"));
        await().atMost(Duration.ofSeconds(10)).until(() -> relay.store().count("DELIVERED", "socialhub") == 2);

        assertThat(sandbox.logins()).as("one refresh").isEqualTo(2);
        JsonNode customer = sandbox.customer("C1001");
        assertThat(customer.path("name").asText()).isEqualTo("Ana L.");
        assertThat(customer.path("receiveSmsFlag").asInt()).isZero();
        assertThat(customer.path("receiveEmailFlag").asInt()).as("not touched").isEqualTo(1);
        assertThat(relay.deadLetters()).isEmpty();
    }

    @Test
    void wrongCredentialsAreRejectedWithAPointerToTheSettings() {
        SocialHubSandbox sandbox = new SocialHubSandbox("app-1", "secret-1", 3600);
        try {
            relay = new RelayHarness(dir).set("relay.vendors.socialhub.base-url", sandbox.baseUrl())
                    .set("relay.vendors.socialhub.app-id", "app-1")
                    .set("relay.vendors.socialhub.app-secret", "wrong-secret").start();
            relay.drop("creds.json", request("sh-6", "C1001", "{\"name\":\"x\"}"));

            await().atMost(Duration.ofSeconds(10)).until(() -> relay.deadLetters().size() == 1);
            JsonNode letter = relay.deadLetters().get(0);
            assertThat(letter.path("reason").asText()).isEqualTo("rejected");
            assertThat(letter.at("/error/message").asText()).isEqualTo("SocialHub token request answered 200 with "
                    + "code 401: appId or appSecret is invalid — check relay.vendors.socialhub.app-id and .app-secret");
            assertThat(sandbox.updates()).isZero();
        } finally {
            sandbox.stop();
        }
    }
}
