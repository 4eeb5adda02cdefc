package com.customerrelay.delivery;

import com.customerrelay.connector.rpm.RpmSandbox;
import com.customerrelay.connector.soliditech.SoliditechSandbox;
import com.customerrelay.support.ClassWireMock;
import com.customerrelay.support.RelayTestKit;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One request, several targets, on Camel's test kit: each target is delivered, retried and dead-lettered on its own
 * — Expandable (WireMock) answering 500, RPM and Soliditech on their sandboxes. NotifyBuilder waits for each
 * vendor route's attempts.
 */
class FanOutTest extends RelayTestKit {

    private static final String TARGETS = "\"expandable\":{\"customerId\":\"ABCCORP\",\"contactId\":\"JHERNANDEZ\"},"
            + "\"rpm\":{\"customerId\":1042,\"contactId\":77},"
            + "\"soliditech\":{\"accountId\":\"10045\",\"contactId\":\"3\"}";
    private static final String DATA = "{\"email\":\"juan@abccorp.com\",\"title\":\"Head Buyer\","
            + "\"phones\":{\"mobile\":\"+1 555 0101\"},\"notes\":\"VIP\"}";
    @RegisterExtension
    static final ClassWireMock EXPANDABLE = new ClassWireMock();

    @Override
    protected void configure(Properties properties) {
        properties.setProperty("relay.vendors.expandable.base-url", EXPANDABLE.baseUrl() + "/api");
        properties.setProperty("relay.vendors.expandable.max-attempts", "3");
    }

    @BeforeEach
    void failingExpandable() {
        EXPANDABLE.resetAll();
        EXPANDABLE.stubFor(post(urlEqualTo("/api/auth-token-get")).willReturn(okJson("{\"AUTH_TOKEN\":\"t\"}")));
        EXPANDABLE.stubFor(post(urlEqualTo("/api/customer-contact-update")).willReturn(aResponse().withStatus(500)
                .withBody("{\"MESSAGE\":\"Contact record is locked\",\"MESSAGE_CODE\":\"E1042\"}")));
    }

    private RpmSandbox rpm() {
        return context.getRegistry().lookupByNameAndType("rpmSandbox", RpmSandbox.class);
    }

    private SoliditechSandbox soliditech() {
        return context.getRegistry().lookupByNameAndType("soliditechSandbox", SoliditechSandbox.class);
    }

    /** Drops {@code content} and waits for Expandable's three attempts and one attempt each of RPM and Soliditech. */
    private void dropAndAwaitEveryTarget(String name, String content) {
        NotifyBuilder expandable = attempts("expandable", 3);
        NotifyBuilder rpm = attempts("rpm", 1);
        NotifyBuilder soliditech = attempts("soliditech", 1);
        drop(name, content);
        assertThat(expandable.matches(20, TimeUnit.SECONDS)).as("Expandable attempted three times").isTrue();
        assertThat(rpm.matches(20, TimeUnit.SECONDS)).as("RPM attempted").isTrue();
        assertThat(soliditech.matches(20, TimeUnit.SECONDS)).as("Soliditech attempted").isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> store().unfinished() == 0);
    }

    @Test
    void whileExpandableFailsTheOtherTargetsAreDeliveredAndOnlyExpandableIsDeadLettered() throws Exception {
        dropAndAwaitEveryTarget("fan.json", "{\"id\":\"fan-1\",\"kind\":\"contact\",\"targets\":{" + TARGETS
                + "},\"data\":" + DATA + "}");

        JsonNode letter = awaitDeadLetters(1).get(0);
        assertThat(letter.path("vendor").asText()).isEqualTo("expandable");
        assertThat(letter.path("reason").asText()).isEqualTo("exhausted");
        assertThat(letter.path("attempts").asInt()).isEqualTo(3);
        assertThat(EXPANDABLE.findAll(postRequestedFor(urlEqualTo("/api/customer-contact-update")))).hasSize(3);

        assertThat(store().count(DeliveryStatus.DELIVERED, "rpm")).isEqualTo(1);
        assertThat(rpm().contact(1042, 77).at("/Contact/Email").asText()).isEqualTo("juan@abccorp.com");
        assertThat(rpm().contact(1042, 77).at("/Contact/Title").asText()).isEqualTo("Head Buyer");
        assertThat(store().count(DeliveryStatus.DELIVERED, "soliditech")).isEqualTo(1);
        assertThat(soliditech().contact("10045", "3").path("email").asText()).isEqualTo("juan@abccorp.com");
        assertThat(soliditech().contact("10045", "3").path("cellPhone").asText()).isEqualTo("+1 555 0101");

        assertThat(store().skipped("fan-1", "rpm")).as("no place at RPM for the mobile or notes")
                .isEqualTo("phones.mobile,notes");
        assertThat(store().skipped("fan-1", "soliditech")).isEqualTo("notes");
        assertThat(store().skipped("fan-1", "expandable")).isNull();
    }

    @Test
    void aTargetThatCannotServeTheKindIsDeadLetteredAloneAndTheOthersStillGoOut() throws Exception {
        dropAndAwaitEveryTarget("fan4.json", "{\"id\":\"fan-2\",\"kind\":\"contact\",\"targets\":{" + TARGETS
                + ",\"socialhub\":{\"customerCode\":\"C1001\"}},\"data\":" + DATA + "}");

        Map<String, JsonNode> letters = awaitDeadLetters(2).stream()
                .collect(Collectors.toMap(l -> l.path("vendor").asText(), Function.identity()));
        assertThat(letters.get("socialhub").path("reason").asText()).isEqualTo("invalid");
        assertThat(letters.get("socialhub").at("/error/message").asText())
                .isEqualTo("targets.socialhub: socialhub does not serve kind contact");
        assertThat(letters.get("expandable").path("reason").asText()).isEqualTo("exhausted");
        assertThat(store().count(DeliveryStatus.DELIVERED, "rpm")).isEqualTo(1);
        assertThat(store().count(DeliveryStatus.DELIVERED, "soliditech")).isEqualTo(1);
    }
}
