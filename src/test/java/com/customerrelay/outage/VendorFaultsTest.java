package com.customerrelay.outage;

import com.customerrelay.connector.socialhub.SocialHubSandbox;
import com.customerrelay.core.Json;
import com.customerrelay.delivery.DeliveryStatus;
import com.customerrelay.support.FlakyVendor;
import com.customerrelay.support.Http;
import com.customerrelay.support.RelayHarness;
import com.customerrelay.support.RelayTestCase;
import com.customerrelay.support.TcpProxy;
import com.customerrelay.support.TestLog;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The ways a vendor can be down, each on the real relay against a vendor stand-in over real HTTP: refused
 * connections, calls accepted and never answered, a 503 asking to wait a day, and a vendor that answers everyone but
 * a few locked contacts (which must not open its circuit). Also: circuit keys out of range stop the start.
 */
class VendorFaultsTest extends RelayTestCase {

    @Test
    void refusedConnectionsOpenTheCircuitAndNothingIsLostOrGivenUp() throws Exception {
        FlakyVendor vendor = closing.add(new FlakyVendor("E_MAIL"));
        TcpProxy proxy = closing.add(new TcpProxy("127.0.0.1", vendor.port()));
        proxy.down();
        RelayHarness relay = closing.add(new RelayHarness(dir).set("relay.http.api-keys", Outages.KEY)
                .set("relay.vendors.expandable.base-url", "http://127.0.0.1:" + proxy.port() + "/api")
                .set("relay.vendors.expandable.max-attempts", "2")
                .set("relay.vendors.expandable.circuit.open-ms", "500")
                .set("relay.vendors.expandable.circuit.max-open-ms", "2000")
                .start());
        relay.drop("refused.ndjson", Outages.expandable("ref", 50));

        await().atMost(Duration.ofSeconds(20)).until(() -> Outages.circuit(relay, "expandable").equals("open"));
        assertThat(Http.get(relay.managementUrl() + "/observe/health/ready").statusCode())
                .as("a vendor down is no reason to take the relay out of service").isEqualTo(200);
        String health = Http.get(relay.managementUrl() + "/observe/health?exposureLevel=full").body();
        assertThat(health).containsPattern("\\{\"name\":\"vendor-circuits\",\"status\":\"DOWN\",\"message\":"
                + "\"vendors down, deliveries to them wait: expandable \\(circuit open since ");
        long downFor = 15_000;
        await().during(Duration.ofMillis(downFor)).atMost(Duration.ofMillis(downFor + 5_000))
                .until(() -> relay.deadLetters().isEmpty());
        double calls = Outages.retriedCalls(relay, "expandable");
        System.out.printf("refused connections for ~%d s: %.0f calls made%n", downFor / 1000 + 1, calls);
        // the first window's calls, then a probe at most every 0.5 s
        assertThat(calls).as("not hammered").isLessThanOrEqualTo(20 + (downFor + 5_000) / 500.0);
        proxy.up();

        // max-attempts is 2, yet nothing is exhausted: refusals do not count
        Outages.awaitEachDeliveredOnce(relay, vendor, 50, Duration.ofSeconds(20));
        JsonNode status = Json.parse(Http.get(relay.apiUrl() + "/requests/ref-0",
                "X-API-Key", Outages.KEY).body());
        assertThat(status.at("/deliveries/0/status").asText()).isEqualTo("delivered");
        assertThat(status.at("/deliveries/0/attempts").asInt()).as("only the call that delivered counts")
                .isEqualTo(1);
        assertThat(Outages.circuit(relay, "expandable")).isEqualTo("closed");
    }

    @Test
    void aVendorThatNeverAnswersHoldsNoThreadAndTheOthersGoOn() throws Exception {
        FlakyVendor vendor = closing.add(new FlakyVendor("E_MAIL")).hang();
        RelayHarness relay = closing.add(Outages.relay(dir, vendor)
                .set("relay.vendors.expandable.timeout-ms", "500")
                .set("relay.vendors.expandable.circuit.open-ms", "1000")
                .set("relay.vendors.expandable.circuit.max-open-ms", "2000")
                .start());
        SocialHubSandbox socialhub = relay.bean("socialhubSandbox", SocialHubSandbox.class);
        for (int i = 0; i < 50; i++) {
            socialhub.seed("H" + i, "Customer " + i, "h" + i + "@x.example", 0, 0);
        }
        relay.drop("hang.ndjson", Outages.expandable("hang", 40));
        await().atMost(Duration.ofSeconds(20)).until(() -> Outages.circuit(relay, "expandable").equals("open"));

        // while Expandable keeps its calls hanging, SocialHub's updates go out: no thread is held waiting
        relay.drop("others.ndjson", IntStream.range(0, 50).mapToObj(i -> "{\"id\":\"h-sh-" + i + "\",\"kind\":"
                + "\"customer\",\"targets\":{\"socialhub\":{\"customerCode\":\"H" + i + "\"}},\"data\":{\"email\":"
                + "\"new" + i + "@x.example\"}}").collect(Collectors.joining("\n", "", "\n")));
        await().atMost(Duration.ofSeconds(20)).until(() -> relay.store().count(DeliveryStatus.DELIVERED, "socialhub") == 50);
        assertThat(vendor.delivered()).isEmpty();
        assertThat(relay.deadLetters()).isEmpty();

        vendor.up();
        Outages.awaitEachDeliveredOnce(relay, vendor, 40, Duration.ofSeconds(30));
    }

    @Test
    void aRetryAfterOfADayIsCutToMaxRetryAfterAndTheLogSaysSo() throws Exception {
        FlakyVendor vendor = closing.add(new FlakyVendor("E_MAIL")).down(503, "86400");
        RelayHarness relay = closing.add(Outages.relay(dir, vendor)
                .set("relay.vendors.expandable.max-retry-after-ms", "3000")
                .set("relay.vendors.expandable.circuit.open-ms", "500")
                .set("relay.vendors.expandable.circuit.max-open-ms", "1000")
                .start());
        long mark = TestLog.mark();
        relay.drop("day.ndjson", Outages.expandable("day", 10));

        await().atMost(Duration.ofSeconds(20)).until(() -> Outages.circuit(relay, "expandable").equals("open"));
        JsonNode open = Outages.vendor(relay, "expandable");
        long probeIn = Instant.parse(open.path("nextProbeAt").asText()).toEpochMilli() - System.currentTimeMillis();
        assertThat(probeIn).as("the next probe waits for the Retry-After as cut, not a day, nor the 1 s open interval")
                .isBetween(1_000L, 3_500L);
        assertThat(TestLog.since(mark)).contains("Vendor expandable asked to wait 86400 s (Retry-After); waiting 3 s "
                + "instead (relay.vendors.expandable.max-retry-after-ms)");

        vendor.up();
        Outages.awaitEachDeliveredOnce(relay, vendor, 10, Duration.ofSeconds(20));
    }

    @Test
    void twentyLockedContactsAmongAThousandGoodOnesLeaveTheCircuitClosed() throws Exception {
        FlakyVendor vendor = closing.add(new FlakyVendor("E_MAIL"));
        List<String> poison = new ArrayList<>();
        for (int i = 25; i < 1000; i += 50) {
            poison.add(Outages.marker("mix", i));
            vendor.poison(Outages.marker("mix", i));
        }
        RelayHarness relay = closing.add(Outages.relay(dir, vendor)
                .set("relay.vendors.expandable.max-attempts", "3")
                .start());
        relay.drop("mix.ndjson", Outages.expandable("mix", 1000));

        await().atMost(Duration.ofSeconds(120)).until(() -> vendor.delivered().size() == 980
                && relay.deadLetters().size() == 20);
        await().atMost(Duration.ofSeconds(5)).until(() -> relay.store().unfinished() == 0);
        assertThat(vendor.delivered().values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        assertThat(vendor.poisonCalls()).as("each locked contact tried max-attempts times").isEqualTo(60);
        for (JsonNode letter : relay.deadLetters()) {
            assertThat(letter.path("reason").asText()).isEqualTo("exhausted");
            assertThat(letter.path("attempts").asInt()).isEqualTo(3);
            assertThat(letter.at("/error/vendorMessage").asText()).isEqualTo("Contact record is locked");
            assertThat(letter.at("/error/vendorCode").asText()).isEqualTo("E1042");
            assertThat(poison).contains(letter.at("/request/data/email").asText());
        }
        assertThat(Outages.metric(relay, "relay_vendor_circuit_transitions_total",
                "to=\"open\",vendor=\"expandable\"")).as("never opened").isZero();
        assertThat(Outages.circuit(relay, "expandable")).isEqualTo("closed");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "circuit.failure-rate|0|relay.vendors.rpm.circuit.failure-rate must be a percentage above 0",
        "circuit.failure-rate|101|relay.vendors.rpm.circuit.failure-rate must be a percentage above 0",
        "circuit.open-ms|-5|relay.vendors.rpm.circuit.open-ms must be a whole number from 1",
        "circuit.max-open-ms|-1|relay.vendors.rpm.circuit.max-open-ms must be a whole number from 1",
        "circuit.window|0|relay.vendors.rpm.circuit.window must be a whole number from 1",
        "give-up-after-hours|-2|relay.vendors.rpm.give-up-after-hours must be a number of hours above 0",
        "max-retry-after-ms|-1|relay.vendors.rpm.max-retry-after-ms must be a whole number from 0"})
    void circuitKeysOutOfRangeStopTheStartNamingTheKey(String key, String value, String message) {
        RelayHarness relay = closing.add(new RelayHarness(dir).set("relay.vendors.rpm." + key, value));
        assertThatThrownBy(relay::start).satisfies(e -> {
            StringBuilder all = new StringBuilder();
            for (Throwable t = e; t != null; t = t.getCause()) {
                all.append(t.getMessage()).append('\n');
            }
            assertThat(all.toString()).contains(message);
        });
    }
}
