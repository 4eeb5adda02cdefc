package com.customerrelay.delivery;

import com.customerrelay.core.Json;
import com.customerrelay.support.RelayTestKit;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The vendor delivery routes of routes/delivery-*.camel.yaml on Camel's test kit: camel-test-main-junit5 boots the
 * real main with config/ and the YAML routes; one fan-out request dropped as a file reaches WireMock vendors
 * through each route's steps, and NotifyBuilder waits for the routes. Checked per vendor: the credential step, the
 * mapped payload field by field, RPM's read → merge → write, Expandable's token renewed once after a 401, and the
 * outcome recorded in the store.
 */
class DeliveryRoutesTest extends RelayTestKit {

    private static final Path DIR = newFolder();
    private static final WireMockServer VENDORS = vendors();

    private static WireMockServer vendors() {
        WireMockServer server = new WireMockServer(options().dynamicPort());
        server.start();
        // Expandable: the first token is refused once, as an expired session would be
        server.stubFor(post(urlEqualTo("/exp/auth-token-get")).inScenario("token").whenScenarioStateIs(STARTED)
                .willReturn(okJson("{\"AUTH_TOKEN\":\"token-1\"}")).willSetStateTo("issued"));
        server.stubFor(post(urlEqualTo("/exp/auth-token-get")).inScenario("token").whenScenarioStateIs("issued")
                .willReturn(okJson("{\"AUTH_TOKEN\":\"token-2\"}")).willSetStateTo("renewed"));
        server.stubFor(post(urlEqualTo("/exp/customer-contact-update")).inScenario("token")
                .whenScenarioStateIs("issued").willReturn(aResponse().withStatus(401)
                        .withBody("{\"MESSAGE\":\"Session expired\"}")));
        server.stubFor(post(urlEqualTo("/exp/customer-contact-update")).inScenario("token")
                .whenScenarioStateIs("renewed").willReturn(okJson("{\"MESSAGE\":\"OK\"}")));
        server.stubFor(post(urlEqualTo("/rpm/Customer")).willReturn(okJson("""
                {"Result":{"CustomerID":1042,"Contacts":[
                  {"Contact":{"ContactID":77,"FirstName":"Juan","LastName":"Hernandez","Salutation":"Mr",
                    "Title":"Buyer","Email":"old@abccorp.com","PhoneNumbers":[
                      {"PhoneNumberID":501,"Type":1,"Number":"+1 555 0100"}]},"IsPrimary":false}]}}""")));
        server.stubFor(post(urlEqualTo("/rpm/CustomerContactEdit"))
                .willReturn(okJson("{\"Result\":{\"Contact\":{\"ContactID\":77}}}")));
        server.stubFor(put(urlPathMatching("/sol/customers/.*")).willReturn(okJson("{\"result\":{\"id\":3}}")));
        return server;
    }

    @AfterAll
    static void stopVendors() {
        VENDORS.stop();
    }

    @Override
    protected Path dir() {
        return DIR;
    }

    @Override
    protected void configure(Properties properties) {
        properties.setProperty("relay.vendors.expandable.base-url", VENDORS.baseUrl() + "/exp");
        properties.setProperty("relay.vendors.expandable.data-source", "ERP1");
        properties.setProperty("relay.vendors.expandable.user-name", "relay");
        properties.setProperty("relay.vendors.expandable.password", "exp-pass-canary");
        properties.setProperty("relay.vendors.rpm.base-url", VENDORS.baseUrl() + "/rpm");
        properties.setProperty("relay.vendors.rpm.api-key", "rpm-key-canary");
        properties.setProperty("relay.vendors.soliditech.base-url", VENDORS.baseUrl() + "/sol");
        properties.setProperty("relay.vendors.soliditech.api-key", "sol-key-canary");
    }

    private List<LoggedRequest> calls(String path) {
        return VENDORS.findAll(anyRequestedFor(urlEqualTo(path)));
    }

    @Test
    void aFanOutRequestGoesThroughEachVendorsRouteStepByStep() throws Exception {
        NotifyBuilder expandable = new NotifyBuilder(context).fromRoute("deliver-expandable").whenCompleted(1).create();
        NotifyBuilder rpm = new NotifyBuilder(context).fromRoute("deliver-rpm").whenCompleted(1).create();
        NotifyBuilder soliditech = new NotifyBuilder(context).fromRoute("deliver-soliditech").whenCompleted(1)
                .create();
        drop(Path.of("examples/fan-out.json"));

        assertThat(expandable.matches(20, TimeUnit.SECONDS)).as("the Expandable route completed").isTrue();
        assertThat(rpm.matches(20, TimeUnit.SECONDS)).as("the RPM route completed").isTrue();
        assertThat(soliditech.matches(20, TimeUnit.SECONDS)).as("the Soliditech route completed").isTrue();

        DeliveryQueries store = context.getRegistry().lookupByNameAndType("deliveryQueries", DeliveryQueries.class);
        // the outcome is written by the dispatch round that follows the route's end
        for (String vendor : List.of("expandable", "rpm", "soliditech")) {
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(store.count(DeliveryStatus.DELIVERED, vendor))
                    .as(vendor + " recorded as delivered").isEqualTo(1));
        }

        // Expandable: logged in, refused with 401, logged in again once, and sent again with the new token
        List<LoggedRequest> logins = calls("/exp/auth-token-get");
        assertThat(logins).hasSize(2);
        assertThat(Json.parse(logins.get(0).getBodyAsString())).isEqualTo(Json.parse(
                "{\"DATA_SOURCE\":\"ERP1\",\"USER_NAME\":\"relay\",\"PASSWORD\":\"exp-pass-canary\"}"));
        List<LoggedRequest> updates = calls("/exp/customer-contact-update");
        assertThat(updates).hasSize(2);
        assertThat(Json.parse(updates.get(0).getBodyAsString()).path("AUTH_TOKEN").asText()).isEqualTo("token-1");
        assertThat(Json.parse(updates.get(1).getBodyAsString())).isEqualTo(Json.parse("""
                {"CUSTOMER_ID":"ABCCORP","CUST_CONTACT":"JHERNANDEZ","E_MAIL":"juan.hernandez@abccorp.com",
                 "PHONE_NO":"+1 555 0110","AUTH_TOKEN":"token-2"}"""));
        assertThat(updates.get(1).getHeader("Content-Type")).startsWith("application/json");

        // RPM: the read with the key, then the whole contact with the request laid over it
        List<LoggedRequest> reads = calls("/rpm/Customer");
        assertThat(reads).hasSize(1);
        assertThat(reads.get(0).getHeader("RpmApiKey")).isEqualTo("rpm-key-canary");
        assertThat(Json.parse(reads.get(0).getBodyAsString())).isEqualTo(Json.parse("{\"CustomerID\":1042}"));
        List<LoggedRequest> edits = calls("/rpm/CustomerContactEdit");
        assertThat(edits).hasSize(1);
        assertThat(edits.get(0).getHeader("RpmApiKey")).isEqualTo("rpm-key-canary");
        assertThat(Json.parse(edits.get(0).getBodyAsString())).isEqualTo(Json.parse("""
                {"CustomerID":1042,"IsPrimary":false,"Contact":{"ContactID":77,"FirstName":"Juan",
                 "LastName":"Hernandez","Salutation":"Mr","Title":"Buyer","Email":"juan.hernandez@abccorp.com",
                 "PhoneNumbers":[{"PhoneNumberID":501,"Type":1,"Number":"+1 555 0110"}]}}"""));

        // Soliditech: the contact path with its keys, the configured method and key header
        List<LoggedRequest> contacts = calls("/sol/customers/10045/contacts/3");
        assertThat(contacts).hasSize(1);
        assertThat(contacts.get(0).getMethod().getName()).isEqualTo("PUT");
        assertThat(contacts.get(0).getHeader("X-API-Key")).isEqualTo("sol-key-canary");
        var solBody = Json.parse(contacts.get(0).getBodyAsString());
        assertThat(solBody.path("email").asText()).isEqualTo("juan.hernandez@abccorp.com");
        assertThat(solBody.path("contactLevel").asText()).isEqualTo("Primary");
    }
}
