package com.customerrelay.outage;

import com.customerrelay.delivery.DeliveryStatus;
import com.customerrelay.support.FlakyVendor;
import com.customerrelay.support.Ports;
import com.customerrelay.support.PostgresSupport;
import com.customerrelay.support.RelayHarness;
import com.customerrelay.support.RelayProcess;
import com.customerrelay.support.RelayTestCase;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Pausing a vendor by hand, and restarts: a pause is kept in the state store, so it holds across a restart and on
 * every relay sharing a PostgreSQL store; what waits is neither lost nor dead-lettered, and goes out once resumed.
 * A relay killed (SIGKILL) in the middle of an outage starts again with its circuit closed and opens it again on the
 * failures, dead-lettering nothing.
 */
class VendorPauseTest extends RelayTestCase {

    FlakyVendor vendor;
    final List<RelayHarness> relays = new ArrayList<>();

    private RelayHarness started(RelayHarness relay) {
        relays.add(closing.add(relay));
        return relay.start();
    }

    @Test
    void aPausedVendorGetsNothingAcrossARestartAndEverythingOnceResumed() throws Exception {
        vendor = closing.add(new FlakyVendor("E_MAIL"));
        RelayHarness relay = started(Outages.relay(dir, vendor));
        JsonNode paused = Outages.post(relay, "expandable", "pause");
        assertThat(paused.path("circuit").asText()).isEqualTo("paused");
        assertThat(paused.path("paused").asBoolean()).isTrue();
        assertThat(Outages.metric(relay, "relay_vendor_circuit_state", "state=\"paused\",vendor=\"expandable\""))
                .isEqualTo(1);

        relay.drop("paused.ndjson", Outages.expandable("p", 20));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> relay.store().count(DeliveryStatus.PENDING, "expandable") == 20);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> vendor.callsWhileUp() == 0 && relay.deadLetters().isEmpty());
        assertThat(Outages.metric(relay, "relay_oldest_pending_seconds", "vendor=\"expandable\""))
                .as("the oldest of the 20 has waited through the 3 s above").isBetween(3.0, 60.0);
        assertThat(Outages.metric(relay, "relay_oldest_pending_seconds", "vendor=\"rpm\"")).isZero();

        relay.stop();
        relay.start();
        assertThat(Outages.circuit(relay, "expandable")).as("the pause outlives the restart").isEqualTo("paused");
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> vendor.callsWhileUp() == 0 && relay.deadLetters().isEmpty());
        assertThat(relay.store().count(DeliveryStatus.PENDING, "expandable")).isEqualTo(20);

        JsonNode resumed = Outages.post(relay, "expandable", "resume");
        assertThat(resumed.path("circuit").asText()).isEqualTo("closed");
        Outages.awaitEachDeliveredOnce(relay, vendor, 20, Duration.ofSeconds(20));
    }

    @Test
    void anUnknownVendorCannotBePaused() throws Exception {
        vendor = closing.add(new FlakyVendor("E_MAIL"));
        RelayHarness relay = started(Outages.relay(dir, vendor));
        var answer = com.customerrelay.support.Http.send("POST", relay.apiUrl() + "/vendors/nosuch/pause", null,
                "X-API-Key", Outages.KEY);
        assertThat(answer.statusCode()).isEqualTo(404);
        assertThat(answer.body()).contains("no vendor nosuch");
        var noKey = com.customerrelay.support.Http.send("POST", relay.apiUrl() + "/vendors/expandable/pause", null);
        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(Outages.circuit(relay, "expandable")).isEqualTo("closed");
    }

    @Test
    void aRelayKilledDuringAnOutageStartsClosedOpensAgainAndDeadLettersNothing() throws Exception {
        vendor = closing.add(new FlakyVendor("E_MAIL")).down(503, null);
        int api = Ports.free();
        int management = Ports.free();
        Map<String, String> settings = Map.of("relay.http.api-keys", Outages.KEY,
                "relay.vendors.expandable.base-url", vendor.baseUrl() + "/api",
                "relay.vendors.expandable.max-attempts", "2",
                "relay.vendors.expandable.initial-delay-ms", "100",
                "relay.vendors.expandable.circuit.open-ms", "1000",
                "relay.vendors.expandable.circuit.max-open-ms", "2000",
                "relay.broker.embedded-url", "",
                "camel.server.port", String.valueOf(api),
                "camel.management.port", String.valueOf(management));
        String apiUrl = "http://127.0.0.1:" + api;
        String managementUrl = "http://127.0.0.1:" + management;
        RelayProcess first = RelayProcess.start(dir, List.of(), settings);
        try {
            Path inbox = Files.createDirectories(dir.resolve("inbox"));
            Path staged = Files.writeString(dir.resolve("outage.part"), Outages.expandable("o", 30));
            Files.move(staged, inbox.resolve("outage.ndjson"), StandardCopyOption.ATOMIC_MOVE);
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> Outages.vendor(apiUrl, "expandable").path("circuit").asText().equals("open"));
        } finally {
            first.kill();
        }

        try (RelayProcess second = RelayProcess.start(dir, List.of(), settings)) {
            assertThat(Outages.metric(managementUrl, "relay_vendor_circuit_transitions_total",
                    "to=\"open\",vendor=\"expandable\"")).as("a fresh circuit: nothing opened it yet").isZero();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> Outages.vendor(apiUrl, "expandable").path("circuit").asText().equals("open"));
            assertThat(deadLetters()).isEmpty();

            vendor.up();
            await().atMost(Duration.ofSeconds(30)).until(() -> vendor.delivered().size() == 30);
            assertThat(vendor.delivered().values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    Outages.vendor(apiUrl, "expandable").path("pending").asInt() == 0
                            && Outages.vendor(apiUrl, "expandable").path("inFlight").asInt() == 0);
            assertThat(deadLetters()).as("max-attempts 2, yet the 503s and the kill used none up").isEmpty();
        }
    }

    private List<Path> deadLetters() throws Exception {
        Path folder = dir.resolve("dead-letter");
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (var files = Files.list(folder)) {
            return files.filter(f -> f.toString().endsWith(".json")).toList();
        }
    }

    @Test
    void aPauseOnOneRelayHoldsOnEveryRelaySharingThePostgresStore() throws Exception {
        PostgresSupport pg = PostgresSupport.required();
        vendor = closing.add(new FlakyVendor("E_MAIL"));
        RelayHarness a = started(pg.configure(Outages.relay(dir.resolve("a"), vendor)));
        RelayHarness b = started(pg.configure(Outages.relay(dir.resolve("b"), vendor)));

        Outages.post(a, "expandable", "pause");
        await().atMost(Duration.ofSeconds(5)).until(() -> Outages.circuit(b, "expandable").equals("paused"));
        a.drop("shared-a.ndjson", Outages.expandable("sa", 20));
        b.drop("shared-b.ndjson", Outages.expandable("sb", 20));
        await().atMost(Duration.ofSeconds(10)).until(() -> a.store().count(DeliveryStatus.PENDING, "expandable") == 40);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> vendor.callsWhileUp() == 0);

        Outages.post(b, "expandable", "resume");
        await().atMost(Duration.ofSeconds(5)).until(() -> Outages.circuit(a, "expandable").equals("closed"));
        // each delivered once between the two relays
        Outages.awaitEachDeliveredOnce(a, vendor, 40, Duration.ofSeconds(20));
        assertThat(b.deadLetters()).isEmpty();
    }
}
