package com.customerrelay.delivery;

import com.customerrelay.connector.Outcome;
import com.customerrelay.connector.VendorAnswer;
import com.customerrelay.core.VendorSettings;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One vendor's circuit on its own: what opens it and what does not, the one probe, the doubling interval, a
 * Retry-After holding the probe back, and a pause.
 */
class VendorCircuitTest {

    private final List<String> transitions = new ArrayList<>();

    private VendorCircuit circuit(Map<String, String> keys) {
        VendorSettings settings = new VendorSettings("expandable", "http://127.0.0.1:1/", 8, 100, 1000, 5000, 2,
                key -> Optional.ofNullable(keys.get(key.substring("relay.vendors.expandable.".length()))),
                "relay.vendors.expandable.");
        return new VendorCircuit(settings, () -> 7, (vendor, state) -> transitions.add(state));
    }

    private static final Map<String, String> FAST = Map.of("circuit.window", "4", "circuit.min-calls", "2",
            "circuit.open-ms", "100", "circuit.max-open-ms", "400", "max-retry-after-ms", "3000");

    private static Outcome down() {
        return Outcome.retry("Expandable answered 503", new VendorAnswer(503, "", null));
    }

    private static void call(VendorCircuit circuit, Outcome outcome) {
        assertThat(circuit.admit()).as("admitted").isTrue();
        circuit.record(outcome, 1_000_000);
    }

    @Test
    void vendorDownFailuresOpenItThenOneProbeAtADoublingIntervalAndASuccessClosesIt() {
        VendorCircuit circuit = circuit(FAST);
        call(circuit, down());
        assertThat(circuit.state()).isEqualTo(VendorCircuit.State.CLOSED);
        call(circuit, Outcome.unreachable("cannot reach Expandable: ConnectException"));
        assertThat(circuit.state()).isEqualTo(VendorCircuit.State.OPEN);
        assertThat(circuit.claimable(4, 0)).as("nothing claimed while open").isZero();
        assertThat(circuit.admit()).as("a delivery claimed before it opened is not sent").isFalse();
        long firstWait = circuit.nextProbeAt() - System.currentTimeMillis();
        assertThat(firstWait).isBetween(0L, 100L);

        await().atMost(Duration.ofSeconds(2)).until(() -> circuit.claimable(4, 0) == 1);
        assertThat(circuit.claimable(4, 1)).as("one probe at a time").isZero();
        call(circuit, down());
        assertThat(circuit.state()).as("the probe failed").isEqualTo(VendorCircuit.State.OPEN);
        long secondWait = circuit.nextProbeAt() - System.currentTimeMillis();
        assertThat(secondWait).as("the interval doubled").isBetween(101L, 200L);

        await().atMost(Duration.ofSeconds(2)).until(() -> circuit.claimable(4, 0) == 1);
        call(circuit, Outcome.delivered());
        assertThat(circuit.state()).isEqualTo(VendorCircuit.State.CLOSED);
        assertThat(circuit.claimable(4, 0)).as("full concurrency at once").isEqualTo(4);
        assertThat(transitions).containsExactly("open", "half-open", "open", "half-open", "closed");
    }

    @Test
    void failuresOfOneRequestWhileTheVendorAnswersNeverOpenIt() {
        VendorCircuit circuit = circuit(FAST);
        for (int i = 0; i < 20; i++) {
            call(circuit, Outcome.retry("Expandable answered 500: locked", new VendorAnswer(500, "", null))
                    .vendorSaid("locked", "E1042"));
            call(circuit, Outcome.rejected("Expandable answered 400", new VendorAnswer(400, "", null)));
            call(circuit, Outcome.rejected("RPM: contact not found").vendorSaid("not found"));
        }
        assertThat(circuit.state()).isEqualTo(VendorCircuit.State.CLOSED);
        assertThat(transitions).isEmpty();
    }

    @Test
    void aRetryAfterHoldsTheProbeBackAsCutToMaxRetryAfter() {
        VendorCircuit circuit = circuit(FAST);
        Outcome day = Outcome.retry("Expandable answered 503", new VendorAnswer(503, "", 86_400_000L));
        assertThat(circuit.retryAfterMs(day)).isEqualTo(3_000);
        call(circuit, day);
        call(circuit, day);
        assertThat(circuit.state()).isEqualTo(VendorCircuit.State.OPEN);
        assertThat(circuit.nextProbeAt() - System.currentTimeMillis()).isBetween(2_500L, 3_000L);
        assertThat(circuit.claimable(4, 0)).isZero();
    }

    @Test
    void aPauseHoldsEverythingBackUntilResumed() {
        VendorCircuit circuit = circuit(FAST);
        circuit.paused(System.currentTimeMillis(), " by a test");
        assertThat(circuit.state()).isEqualTo(VendorCircuit.State.PAUSED);
        assertThat(circuit.claimable(4, 0)).isZero();
        assertThat(circuit.admit()).isFalse();
        circuit.paused(0, " by a test");
        assertThat(circuit.state()).isEqualTo(VendorCircuit.State.CLOSED);
        assertThat(circuit.claimable(4, 0)).isEqualTo(4);
        assertThat(transitions).containsExactly("paused", "closed");
    }

    @Test
    void aRetryAfterTooLargeForALongIsVeryLongNotNow() {
        assertThat(VendorAnswer.parseRetryAfter("86400")).isEqualTo(86_400_000L);
        assertThat(VendorAnswer.parseRetryAfter("99999999999999999999")).isEqualTo(Long.MAX_VALUE);
        assertThat(VendorAnswer.parseRetryAfter("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
    }
}
