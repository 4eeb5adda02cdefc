package com.customerrelay.hardening;

import com.customerrelay.RelayMain;
import com.customerrelay.support.Http;
import com.customerrelay.support.RelayHarness;
import com.customerrelay.support.RelayProcess;
import com.customerrelay.support.RelayTestCase;
import com.customerrelay.support.TestLog;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keys read from files (PRODUCT.md §9), as Kubernetes mounts a Secret: X-file names a file whose trimmed content is
 * X. The content works as the key would and is masked like any secret; a file that cannot be read, or both X and
 * X-file set, stops the start naming the keys and never the content.
 */
class SecretFilesTest extends RelayTestCase {

    private static final String CANARY = "canary-key-from-file-5d2e";

    @Test
    void aKeyGivenAsAFileIsItsTrimmedContentAndIsNeverLogged() throws Exception {
        Path file = Files.writeString(dir.resolve("api-keys"), CANARY + "\n");
        long mark = TestLog.mark();
        RelayHarness relay = closing.add(new RelayHarness(dir.resolve("relay")))
                .set("relay.http.api-keys-file", file.toString()).start();

        assertThat(Http.get(relay.apiUrl() + "/vendors", "X-API-Key", CANARY).statusCode())
                .as("the file's content, without its newline, is the API key").isEqualTo(200);
        assertThat(Http.get(relay.apiUrl() + "/vendors", "X-API-Key", "not-it").statusCode()).isEqualTo(401);
        assertThat(Http.get(relay.apiUrl() + "/vendors", "X-API-Key", file.toString()).statusCode())
                .as("the path itself is no key").isEqualTo(401);
        assertThat(TestLog.since(mark).contains(CANARY)).as("the content in the log").isFalse();
    }

    @Test
    void aMissingFileStopsTheStartNamingTheKey() throws Exception {
        try (RelayProcess relay = RelayProcess.launch(dir, List.of(),
                Map.of("relay.vendors.rpm.api-key-file", dir.resolve("nosuch").toString()))) {
            assertThat(relay.exitWithin(60)).as("exit status, see " + relay.logFile())
                    .isEqualTo(RelayMain.START_FAILED);
            assertThat(relay.log()).contains("Customer Relay could not start: ")
                    .contains("relay.vendors.rpm.api-key-file: cannot read " + dir.resolve("nosuch"));
        }
    }

    @Test
    void aKeySetBesideItsFileStopsTheStartNamingBothAndNotTheContent() throws Exception {
        Path file = Files.writeString(dir.resolve("rpm-key"), CANARY);
        try (RelayProcess relay = RelayProcess.launch(dir, List.of(), Map.of(
                "relay.vendors.rpm.api-key-file", file.toString(),
                "relay.vendors.rpm.api-key", "canary-key-inline-88aa"))) {
            assertThat(relay.exitWithin(60)).as("exit status, see " + relay.logFile())
                    .isEqualTo(RelayMain.START_FAILED);
            String log = relay.log();
            assertThat(log).contains("relay.vendors.rpm.api-key and relay.vendors.rpm.api-key-file are both set: "
                    + "give one of them");
            assertThat(log.contains(CANARY) || log.contains("canary-key-inline-88aa")).as("a key's value in the log")
                    .isFalse();
        }
    }
}
