package com.customerrelay.connector.socialhub;

import com.customerrelay.core.Json;
import com.customerrelay.support.ClassWireMock;
import com.customerrelay.support.RelayTestKit;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SocialHub's Update Customer Information on Camel's test kit (camel-test-main-junit5 boots the real main for each
 * test): the contract against WireMock, then token and credential behaviour on the sandbox. NotifyBuilder waits for
 * the attempts of the deliver-socialhub route; each group of settings is a nested class.
 */
class SocialHubDeliveryTest {

    private static final String UPDATE = "/openapi-prod/v1/consumer/updateInfo/C%201001";
    @RegisterExtension
    static final ClassWireMock SOCIALHUB = new ClassWireMock();
    private static final SocialHubSandbox SANDBOX = new SocialHubSandbox("app-1", "secret-1", 3600);

    @AfterAll
    static void stopVendors() {
        SANDBOX.stop();
    }

    private static String request(String id, String code, String data) {
        return "{\"id\":\"" + id + "\",\"kind\":\"customer\",\"targets\":{\"socialhub\":{\"customerCode\":\"" + code
                + "\"}},\"data\":" + data + "}";
    }

    /** The relay on the test kit with SocialHub's App ID and secret; {@link #more} adds a group's settings. */
    abstract static class Relay extends RelayTestKit {

        @Override
        protected void configure(Properties properties) {
            properties.setProperty("relay.vendors.socialhub.app-id", "app-1");
            properties.setProperty("relay.vendors.socialhub.app-secret", "secret-1");
            more(properties);
        }

        abstract void more(Properties properties);
    }

    @Nested
    class OnWireMock extends Relay {

        @Override
        void more(Properties properties) {
            properties.setProperty("relay.vendors.socialhub.base-url", SOCIALHUB.baseUrl() + "/openapi-prod");
        }

        @BeforeEach
        void resetVendor() {
            SOCIALHUB.resetAll();
            SOCIALHUB.stubFor(post(urlEqualTo("/openapi-prod/v1/auth/token")).willReturn(okJson(
                    "{\"code\":\"200\",\"data\":{\"accessToken\":\"sh-token-1\",\"refreshToken\":\"r1\"}}")));
        }

        @Test
        void contractSendsTheBareTokenAndExactlyTheMappedFields() throws Exception {
            SOCIALHUB.stubFor(put(urlEqualTo(UPDATE)).willReturn(okJson("{\"code\":\"200\",\"data\":{}}")));

            dropAndAwaitAttempts("socialhub", 1, "sh.json", request("sh-1", "C 1001", """
                    {"name":"Ana Lima","email":"ana@example.com","gender":"female","birthday":"1990-05-17",
                     "language":"pt-BR","address":{"line1":"Rua A 1","line2":"Apto 2","city":"Lisboa",
                     "postalCode":"1000-001","country":"PT"},"consent":{"sms":false,"email":true}}"""));

            awaitDelivered("socialhub", 1);
            var login = SOCIALHUB.findAll(postRequestedFor(urlEqualTo("/openapi-prod/v1/auth/token")));
            assertThat(login).hasSize(1);
            assertThat(Json.parse(login.get(0).getBodyAsString()))
                    .isEqualTo(Json.parse("{\"appId\":\"app-1\",\"appSecret\":\"secret-1\"}"));
            var updates = SOCIALHUB.findAll(putRequestedFor(urlEqualTo(UPDATE)));
            assertThat(updates).hasSize(1);
            assertThat(updates.get(0).getHeader("Authorization")).isEqualTo("sh-token-1");
            assertThat(Json.parse(updates.get(0).getBodyAsString())).isEqualTo(Json.parse("""
                    {"name":"Ana Lima","email":"ana@example.com","gender":2,"birthday":"1990-05-17","language":"pt-BR",
                     "address":"Rua A 1, Apto 2, Lisboa, PT","postelCode":"1000-001",
                     "receiveSmsFlag":0,"receiveEmailFlag":1}"""));
        }

        @Test
        void aRequestWithoutConsentMembersSendsNoFlag() throws Exception {
            SOCIALHUB.stubFor(put(urlEqualTo(UPDATE)).willReturn(okJson("{\"code\":\"200\"}")));

            dropAndAwaitAttempts("socialhub", 1, "sh.json",
                    request("sh-2", "C 1001", "{\"email\":\"new@example.com\",\"gender\":\"unknown\"}"));

            awaitDelivered("socialhub", 1);
            JsonNode body = Json.parse(SOCIALHUB.findAll(putRequestedFor(urlEqualTo(UPDATE))).get(0).getBodyAsString());
            assertThat(body).isEqualTo(Json.parse("{\"email\":\"new@example.com\",\"gender\":0}"));
        }

        @Test
        void aBodyErrorUnderHttp200BecomesADeadLetterWithTheVendorsText() throws Exception {
            SOCIALHUB.stubFor(put(urlEqualTo(UPDATE)).willReturn(okJson(
                    "{\"code\":\"10012\",\"resultMessage\":\"customer does not exist\"}")));

            dropAndAwaitAttempts("socialhub", 1, "sh.json", request("sh-3", "C 1001", "{\"email\":\"x@example.com\"}"));

            JsonNode letter = awaitDeadLetters(1).get(0);
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
    }

    @Nested
    class OnTheBuiltInSandbox extends Relay {

        @Override
        void more(Properties properties) {
        }

        @Test
        void anExpiredTokenIsRefreshedOnceAndTheUpdateSucceeds() throws Exception {
            SocialHubSandbox sandbox = context.getRegistry().lookupByNameAndType("socialhubSandbox", SocialHubSandbox.class);

            NotifyBuilder first = attempts("socialhub", 1);
            drop("first.json", request("sh-4", "C1001", "{\"name\":\"Ana L.\"}"));
            assertThat(first.matches(20, TimeUnit.SECONDS)).as("the first attempt made").isTrue();
            awaitDelivered("socialhub", 1);
            assertThat(sandbox.logins()).isEqualTo(1);
            sandbox.expireTokens();

            NotifyBuilder second = attempts("socialhub", 1);
            drop("second.json", request("sh-5", "C1001", "{\"consent\":{\"sms\":false}}"));
            assertThat(second.matches(20, TimeUnit.SECONDS)).as("the second attempt made").isTrue();
            awaitDelivered("socialhub", 2);

            assertThat(sandbox.logins()).as("one refresh").isEqualTo(2);
            JsonNode customer = sandbox.customer("C1001");
            assertThat(customer.path("name").asText()).isEqualTo("Ana L.");
            assertThat(customer.path("receiveSmsFlag").asInt()).isZero();
            assertThat(customer.path("receiveEmailFlag").asInt()).as("not touched").isEqualTo(1);
            assertThat(deadLetters()).isEmpty();
        }
    }

    @Nested
    class WithAWrongSecret extends Relay {

        @Override
        void more(Properties properties) {
            properties.setProperty("relay.vendors.socialhub.base-url", SANDBOX.baseUrl());
            properties.setProperty("relay.vendors.socialhub.app-secret", "wrong-secret");
        }

        @Test
        void wrongCredentialsAreRejectedWithAPointerToTheSettings() throws Exception {
            dropAndAwaitAttempts("socialhub", 1, "creds.json", request("sh-6", "C1001", "{\"name\":\"x\"}"));

            JsonNode letter = awaitDeadLetters(1).get(0);
            assertThat(letter.path("reason").asText()).isEqualTo("rejected");
            assertThat(letter.at("/error/message").asText()).isEqualTo("SocialHub token request answered 200 with "
                    + "code 401: appId or appSecret is invalid — check relay.vendors.socialhub.app-id and .app-secret");
            assertThat(SANDBOX.updates()).isZero();
        }
    }
}
