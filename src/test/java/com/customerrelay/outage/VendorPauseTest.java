package com.customerrelay.outage;

import com.customerrelay.support.FlakyVendor;
import com.customerrelay.support.PostgresSupport;
import com.customerrelay.support.RelayHarness;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Pausing a vendor by hand, and restarts: a pause is kept in the state store, so it holds across a restart and on
 * every relay sharing a PostgreSQL store; what waits is neither lost nor dead-lettered, and goes out once resumed.
 * A relay restarted in the middle of an outage starts with its circuit closed and opens it again on the failures.
 */
class VendorPauseTest {

    @TempDir
    Path dir;
    FlakyVendor vendor;
    final List<RelayHarness> relays = new ArrayList<>();

    @AfterEach
    void tearDown() {
        relays.forEach(RelayHarness::close);
        if (vendor != null) {
            vendor.close();
        }
    }

    private RelayHarness started(RelayHarness relay) {
        relays.add(relay);
        return relay.start();
    }

    @Test
    void aPausedVendorGetsNothingAcrossARestartAndEverythingOnceResumed() throws Exception {
        vendor = new FlakyVendor("E_MAIL");
        RelayHarness relay = started(Outages.relay(dir, vendor));
        JsonNode paused = Outages.post(relay, "expandable", "pause");
        assertThat(paused.path("circuit").asText()).isEqualTo("paused");
        assertThat(paused.path("paused").asBoolean()).isTrue();
        assertThat(Outages.metric(relay, "relay_vendor_circuit_state", "state=\"paused\",vendor=\"expandable\""))
                .isEqualTo(1);

        relay.drop("paused.ndjson", Outages.expandable("p", 20));
        await().atMost(Duration.ofSeconds(10)).until(() -> relay.store().count("PENDING", "expandable") == 20);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> vendor.callsWhileUp() == 0 && relay.deadLetters().isEmpty());

        relay.stop();
        relay.start();
        assertThat(Outages.circuit(relay, "expandable")).as("the pause outlives the restart").isEqualTo("paused");
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> vendor.callsWhileUp() == 0 && relay.deadLetters().isEmpty());
        assertThat(relay.store().count("PENDING", "expandable")).isEqualTo(20);

        JsonNode resumed = Outages.post(relay, "expandable", "resume");
        assertThat(resumed.path("circuit").asText()).isEqualTo("closed");
        await().atMost(Duration.ofSeconds(20)).until(() -> vendor.delivered().size() == 20);
        assertThat(vendor.delivered().values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> relay.store().unfinished() == 0);
        assertThat(relay.deadLetters()).isEmpty();
    }

    @Test
    void anUnknownVendorCannotBePaused() throws Exception {
        vendor = new FlakyVendor("E_MAIL");
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
    void aRelayRestartedDuringAnOutageStartsClosedOpensAgainAndDeadLettersNothing() throws Exception {
        vendor = new FlakyVendor("E_MAIL").down(503, null);
        RelayHarness relay = started(Outages.relay(dir, vendor).set("relay.vendors.expandable.max-attempts", "2"));
        relay.drop("outage.ndjson", Outages.expandable("o", 30));
        await().atMost(Duration.ofSeconds(20)).until(() -> Outages.circuit(relay, "expandable").equals("open"));

        relay.stop();
        relay.start();
        assertThat(Outages.metric(relay, "relay_vendor_circuit_transitions_total",
                "to=\"open\",vendor=\"expandable\"")).as("a fresh circuit: nothing opened it yet").isZero();
        await().atMost(Duration.ofSeconds(20)).until(() -> Outages.circuit(relay, "expandable").equals("open"));
        assertThat(relay.deadLetters()).isEmpty();

        vendor.up();
        await().atMost(Duration.ofSeconds(30)).until(() -> vendor.delivered().size() == 30);
        await().atMost(Duration.ofSeconds(5)).until(() -> relay.store().unfinished() == 0);
        assertThat(relay.deadLetters()).as("max-attempts 2, yet the 503s did not use them up").isEmpty();
    }

    @Test
    void aPauseOnOneRelayHoldsOnEveryRelaySharingThePostgresStore() throws Exception {
        PostgresSupport pg = PostgresSupport.required();
        vendor = new FlakyVendor("E_MAIL");
        RelayHarness a = started(pg.configure(Outages.relay(dir.resolve("a"), vendor)));
        RelayHarness b = started(pg.configure(Outages.relay(dir.resolve("b"), vendor)));

        Outages.post(a, "expandable", "pause");
        await().atMost(Duration.ofSeconds(5)).until(() -> Outages.circuit(b, "expandable").equals("paused"));
        a.drop("shared-a.ndjson", Outages.expandable("sa", 20));
        b.drop("shared-b.ndjson", Outages.expandable("sb", 20));
        await().atMost(Duration.ofSeconds(10)).until(() -> a.store().count("PENDING", "expandable") == 40);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> vendor.callsWhileUp() == 0);

        Outages.post(b, "expandable", "resume");
        await().atMost(Duration.ofSeconds(5)).until(() -> Outages.circuit(a, "expandable").equals("closed"));
        await().atMost(Duration.ofSeconds(20)).until(() -> vendor.delivered().size() == 40);
        assertThat(vendor.delivered().values()).as("each delivered once between the two relays")
                .allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> a.store().unfinished() == 0);
        assertThat(a.deadLetters()).isEmpty();
        assertThat(b.deadLetters()).isEmpty();
    }
}
