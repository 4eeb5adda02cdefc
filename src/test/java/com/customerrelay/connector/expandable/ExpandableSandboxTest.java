package com.customerrelay.connector.expandable;

import com.customerrelay.core.Json;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** The built-in Expandable: what it answers over HTTP. */
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
}
