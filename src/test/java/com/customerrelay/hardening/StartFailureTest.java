package com.customerrelay.hardening;

import com.customerrelay.RelayMain;
import com.customerrelay.support.RelayProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A relay that cannot start says why in its log and exits, instead of a process that stays up doing nothing (its
 * broker and sandboxes keep the JVM alive) with no line telling the operator what went wrong.
 */
class StartFailureTest {

    @TempDir
    Path dir;

    @Test
    void aRelayThatCannotStartLogsTheReasonAndExitsWithStatusOne() throws Exception {
        try (RelayProcess relay = RelayProcess.launch(dir, List.of(),
                Map.of("relay.vendors.rpm.concurrency", "0", "relay.vendors.rpm.api-key", "start-canary-key"))) {
            assertThat(relay.exitWithin(60)).as("exit status, see " + relay.logFile())
                    .isEqualTo(RelayMain.START_FAILED);
            String log = relay.log();
            assertThat(log).contains("Customer Relay could not start: ")
                    .contains("relay.vendors.rpm.concurrency must be at least 1")
                    .doesNotContain("start-canary-key");
        }
    }

    @Test
    void startedFromAnotherFolderTheRelayRunsOnTheSettingsAndRoutesItShipsWith() throws Exception {
        Path elsewhere = java.nio.file.Files.createDirectories(dir.resolve("elsewhere"));
        try (RelayProcess relay = RelayProcess.launch(dir, List.of(), Map.of(), elsewhere)) {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                    .until(() -> relay.log().contains("(customer-relay) started") || !relay.alive());
            assertThat(relay.log()).as("see " + relay.logFile()).contains("(customer-relay) started")
                    .contains("Routes startup (total:").doesNotContain("Routes startup (total:0");
        }
    }

    @Test
    void aStartThatLoadsNoRoutesIsRefusedNamingTheKey() throws Exception {
        try (RelayProcess relay = RelayProcess.launch(dir, List.of(),
                Map.of("camel.main.routes-include-pattern", "classpath:nosuch/*.camel.yaml"))) {
            assertThat(relay.exitWithin(60)).as("exit status, see " + relay.logFile())
                    .isEqualTo(RelayMain.START_FAILED);
            assertThat(relay.log()).contains("no routes were loaded from camel.main.routes-include-pattern "
                    + "(classpath:nosuch/*.camel.yaml)");
        }
    }

    @Test
    void anUnknownSoliditechMethodStopsTheStartNamingTheKey() throws Exception {
        try (RelayProcess relay = RelayProcess.launch(dir, List.of(),
                Map.of("relay.vendors.soliditech.method", "FETCH"))) {
            assertThat(relay.exitWithin(60)).as("exit status, see " + relay.logFile())
                    .isEqualTo(RelayMain.START_FAILED);
            assertThat(relay.log()).contains("relay.vendors.soliditech.method must be an HTTP method such as PUT, "
                    + "POST or PATCH, not 'FETCH'");
        }
    }
}
