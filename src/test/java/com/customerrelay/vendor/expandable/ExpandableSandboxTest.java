package com.customerrelay.vendor.expandable;

import com.customerrelay.core.Json;
import com.customerrelay.support.RelayHarness;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The built-in Expandable: what it answers over HTTP, and the relay delivering the shipped examples to it. */
class ExpandableSandboxTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private ExpandableSandbox sandbox;

    @BeforeEach
    void setUp() {
        sandbox = new ExpandableSandbox(60_000);
    }

    @AfterEach
    void tearDown() {
        sandbox.stop();
    }

    private HttpResponse<String> call(String method, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
    }

    private String token() throws Exception {
        HttpResponse<String> login = call("POST", "/auth-token-get",
                "{\"DATA_SOURCE\":\"DS\",\"USER_NAME\":\"u\",\"PASSWORD\":\"p\"}");
        assertThat(login.statusCode()).isEqualTo(200);
        return Json.parse(login.body()).path("AUTH_TOKEN").asText();
    }

    private static String message(HttpResponse<String> response) throws Exception {
        return Json.parse(response.body()).path("MESSAGE").asText();
    }

    @Test
    void answersAsTheDocumentationSays() throws Exception {
        String token = token();
        String update = "{\"CUSTOMER_ID\":\"ABCCORP\",\"CUST_CONTACT\":\"JHERNANDEZ\",\"E_MAIL\":\"new@abccorp.com\","
                + "\"AUTH_TOKEN\":\"" + token + "\"}";

        HttpResponse<String> get = call("GET", "/customer-contact-update", null);
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(message(get)).isEqualTo("Request method must be POST.");

        HttpResponse<String> broken = call("POST", "/customer-contact-update", "{\"CUSTOMER_ID\":");
        assertThat(broken.statusCode()).isEqualTo(400);
        assertThat(message(broken)).isEqualTo("Request JSON is invalid.");

        HttpResponse<String> number = call("POST", "/customer-contact-update",
                update.replace("\"new@abccorp.com\"", "42"));
        assertThat(number.statusCode()).isEqualTo(400);

        HttpResponse<String> nothing = call("POST", "/customer-contact-update",
                "{\"CUSTOMER_ID\":\"ABCCORP\",\"CUST_CONTACT\":\"JHERNANDEZ\",\"AUTH_TOKEN\":\"" + token + "\"}");
        assertThat(nothing.statusCode()).isEqualTo(400);

        HttpResponse<String> noToken = call("POST", "/customer-contact-update", update.replace(token, ""));
        assertThat(noToken.statusCode()).isEqualTo(401);
        assertThat(message(noToken)).isEqualTo("Auth Token was not provided.");

        HttpResponse<String> malformed = call("POST", "/customer-contact-update", update.replace(token, "abc"));
        assertThat(malformed.statusCode()).isEqualTo(401);
        assertThat(message(malformed)).isEqualTo("Auth Token is malformed.");

        HttpResponse<String> unknown = call("POST", "/customer-contact-update",
                update.replace(token, "EXP-SBX-00000000-0000-0000-0000-000000000000"));
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(message(unknown)).isEqualTo("Auth Token login failure.");

        HttpResponse<String> missing = call("POST", "/customer-contact-update", update.replace("JHERNANDEZ", "NOBODY"));
        assertThat(missing.statusCode()).isEqualTo(500);
        assertThat(message(missing)).isEqualTo("Customer Contact ABCCORP/NOBODY does not exist.");
        assertThat(Json.parse(missing.body()).path("MESSAGE_CODE").asText()).isEqualTo("SOECT-NOTFOUND");

        HttpResponse<String> ok = call("POST", "/customer-contact-update", update);
        assertThat(ok.statusCode()).isEqualTo(200);
        JsonNode contact = Json.parse(ok.body());
        assertThat(contact.path("E_MAIL").asText()).isEqualTo("new@abccorp.com");
        assertThat(contact.path("FIRST_NAME").asText()).as("omitted fields stay").isEqualTo("Juan");
        assertThat(contact.has("SOFCT_USER_16")).as("the whole contact comes back").isTrue();
        assertThat(sandbox.contact("ABCCORP", "JHERNANDEZ").path("E_MAIL").asText()).isEqualTo("new@abccorp.com");
    }

    @Test
    void expiredTokensAreRefused() throws Exception {
        sandbox.stop();
        sandbox = new ExpandableSandbox(0);
        String token = token();
        HttpResponse<String> expired = call("POST", "/customer-contact-update", "{\"CUSTOMER_ID\":\"ABCCORP\","
                + "\"CUST_CONTACT\":\"JHERNANDEZ\",\"TITLE\":\"x\",\"AUTH_TOKEN\":\"" + token + "\"}");
        assertThat(expired.statusCode()).isEqualTo(401);
        assertThat(message(expired)).isEqualTo("Auth Token login failure.");
    }

    @Test
    void theRelayOnItsDefaultsDeliversTheShippedExamplesToTheSandbox(@TempDir Path dir) throws Exception {
        try (RelayHarness relay = new RelayHarness(dir).start()) {
            ExpandableSandbox builtIn = relay.bean("expandableSandbox", ExpandableSandbox.class);
            assertThat(builtIn).as("no base-url configured: the sandbox serves Expandable").isNotNull();
            for (String name : List.of("contact-update.json", "contacts.ndjson")) {
                relay.drop(name, Files.readString(Path.of("examples", name)));
            }
            relay.awaitDone("contact-update.json");
            relay.awaitDone("contacts.ndjson");
            relay.awaitSettled(Duration.ofSeconds(10));

            JsonNode juan = builtIn.contact("ABCCORP", "JHERNANDEZ");
            assertThat(juan.path("E_MAIL").asText()).isEqualTo("jhernandez@abccorp.com");
            assertThat(juan.path("PHONE_NO").asText()).isEqualTo("+1 555 0100");
            assertThat(juan.path("CELL_PHONE_NO").asText()).isEqualTo("+1 555 0101");
            assertThat(juan.path("ZIP_CODE").asText()).isEqualTo("78701");
            assertThat(juan.path("SOFCT_USER_1").asText()).isEqualTo("gold");
            assertThat(builtIn.contact("ABCCORP", "MSMITH").path("TITLE").asText()).isEqualTo("Head of Purchasing");
            assertThat(builtIn.contact("XYZLTD", "PCHEN").path("CELL_PHONE_NO").asText()).isEqualTo("+44 20 7946 0000");
            assertThat(builtIn.updates()).isEqualTo(3);
            await().atMost(Duration.ofSeconds(5)).until(() -> relay.deadLetters().size() == 1);
            assertThat(relay.deadLetters().get(0).at("/error/message").asText())
                    .isEqualTo("targets.expandable.contactId is required");
        }
    }
}
