package com.customerrelay.delivery;

import com.customerrelay.support.RelayHarness;
import com.customerrelay.connector.rpm.RpmSandbox;
import com.customerrelay.connector.soliditech.SoliditechSandbox;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** One request, several targets: each delivered, retried and dead-lettered on its own. */
class FanOutTest {

    private static final String TARGETS = "\"expandable\":{\"customerId\":\"ABCCORP\",\"contactId\":\"JHERNANDEZ\"},"
            + "\"rpm\":{\"customerId\":1042,\"contactId\":77},"
            + "\"soliditech\":{\"accountId\":\"10045\",\"contactId\":\"3\"}";
    private static final String DATA = "{\"email\":\"juan@abccorp.com\",\"title\":\"Head Buyer\","
            + "\"phones\":{\"mobile\":\"+1 555 0101\"},\"notes\":\"VIP\"}";

    @TempDir
    Path dir;
    WireMockServer expandable;
    RelayHarness relay;
    RpmSandbox rpm;
    SoliditechSandbox soliditech;

    @BeforeEach
    void setUp() {
        expandable = new WireMockServer(options().dynamicPort());
        expandable.start();
        expandable.stubFor(post(urlEqualTo("/api/auth-token-get")).willReturn(okJson("{\"AUTH_TOKEN\":\"t\"}")));
        expandable.stubFor(post(urlEqualTo("/api/customer-contact-update")).willReturn(aResponse().withStatus(500)
                .withBody("{\"MESSAGE\":\"Contact record is locked\",\"MESSAGE_CODE\":\"E1042\"}")));
        relay = new RelayHarness(dir).set("relay.vendors.expandable.base-url", expandable.baseUrl() + "/api")
                .set("relay.vendors.expandable.max-attempts", "3").start();
        rpm = relay.bean("rpmSandbox", RpmSandbox.class);
        soliditech = relay.bean("soliditechSandbox", SoliditechSandbox.class);
    }

    @AfterEach
    void tearDown() {
        relay.close();
        expandable.stop();
    }

    @Test
    void whileExpandableFailsTheOtherTargetsAreDeliveredAndOnlyExpandableIsDeadLettered() {
        relay.drop("fan.json", "{\"id\":\"fan-1\",\"kind\":\"contact\",\"targets\":{" + TARGETS + "},\"data\":"
                + DATA + "}");

        await().atMost(Duration.ofSeconds(15)).until(() -> relay.deadLetters().size() == 1
                && relay.store().unfinished() == 0);

        JsonNode letter = relay.deadLetters().get(0);
        assertThat(letter.path("vendor").asText()).isEqualTo("expandable");
        assertThat(letter.path("reason").asText()).isEqualTo("exhausted");
        assertThat(letter.path("attempts").asInt()).isEqualTo(3);
        assertThat(expandable.findAll(postRequestedFor(urlEqualTo("/api/customer-contact-update")))).hasSize(3);

        assertThat(relay.store().count("DELIVERED", "rpm")).isEqualTo(1);
        assertThat(rpm.contact(1042, 77).at("/Contact/Email").asText()).isEqualTo("juan@abccorp.com");
        assertThat(rpm.contact(1042, 77).at("/Contact/Title").asText()).isEqualTo("Head Buyer");
        assertThat(relay.store().count("DELIVERED", "soliditech")).isEqualTo(1);
        assertThat(soliditech.contact("10045", "3").path("email").asText()).isEqualTo("juan@abccorp.com");
        assertThat(soliditech.contact("10045", "3").path("cellPhone").asText()).isEqualTo("+1 555 0101");

        assertThat(relay.store().skipped("fan-1", "rpm")).as("no place at RPM for the mobile or notes")
                .isEqualTo("phones.mobile,notes");
        assertThat(relay.store().skipped("fan-1", "soliditech")).isEqualTo("notes");
        assertThat(relay.store().skipped("fan-1", "expandable")).isNull();
    }

    @Test
    void aTargetThatCannotServeTheKindIsDeadLetteredAloneAndTheOthersStillGoOut() {
        relay.drop("fan4.json", "{\"id\":\"fan-2\",\"kind\":\"contact\",\"targets\":{" + TARGETS
                + ",\"socialhub\":{\"customerCode\":\"C1001\"}},\"data\":" + DATA + "}");

        await().atMost(Duration.ofSeconds(15)).until(() -> relay.deadLetters().size() == 2
                && relay.store().unfinished() == 0);

        Map<String, JsonNode> letters = relay.deadLetters().stream()
                .collect(Collectors.toMap(l -> l.path("vendor").asText(), Function.identity()));
        assertThat(letters.get("socialhub").path("reason").asText()).isEqualTo("invalid");
        assertThat(letters.get("socialhub").at("/error/message").asText())
                .isEqualTo("targets.socialhub: socialhub does not serve kind contact");
        assertThat(letters.get("expandable").path("reason").asText()).isEqualTo("exhausted");
        assertThat(relay.store().count("DELIVERED", "rpm")).isEqualTo(1);
        assertThat(relay.store().count("DELIVERED", "soliditech")).isEqualTo(1);
    }
}
