package com.customerrelay.intake;

import com.customerrelay.connector.expandable.ExpandableSandbox;
import com.customerrelay.delivery.DeliveryStatus;
import com.customerrelay.support.RelayHarness;
import com.customerrelay.support.RelayTestCase;
import com.customerrelay.support.Requests;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Dropped files (PRODUCT.md §2) against the built-in Expandable sandbox. */
class FileIntakeTest extends RelayTestCase {

    RelayHarness relay;
    ExpandableSandbox sandbox;

    @BeforeEach
    void setUp() {
        relay = newRelay().start();
        sandbox = relay.bean("expandableSandbox", ExpandableSandbox.class);
    }

    @Test
    void aJsonArrayIsDeliveredElementByElementAndABadElementIsDeadLetteredWithItsLine() {
        relay.drop("batch.json", "[\n"
                + Requests.emailChange("a-1", "JHERNANDEZ", "juan@abccorp.com") + ",\n"
                + "{\"kind\":\"contact\",\"targets\":{\"expandable\":{\"customerId\":\"ABCCORP\"}},"
                + "\"data\":{\"email\":\"x@y.z\"}},\n"
                + Requests.emailChange("a-3", "MSMITH", "mary@abccorp.com") + "\n]\n");

        relay.awaitDone("batch.json");
        relay.awaitSettled(Duration.ofSeconds(10));
        assertThat(sandbox.contact("ABCCORP", "JHERNANDEZ").path("E_MAIL").asText()).isEqualTo("juan@abccorp.com");
        assertThat(sandbox.contact("ABCCORP", "MSMITH").path("E_MAIL").asText()).isEqualTo("mary@abccorp.com");
        assertThat(relay.deadLetters()).hasSize(1);
        JsonNode letter = relay.deadLetters().get(0);
        assertThat(letter.at("/error/message").asText()).isEqualTo("targets.expandable.contactId is required");
        assertThat(letter.at("/source/name").asText()).isEqualTo("batch.json");
        assertThat(letter.at("/source/line").asInt()).isEqualTo(3);
    }

    @Test
    void aFileThatIsNotJsonGoesToFailedWithAnErrorNote() throws Exception {
        relay.drop("notes.json", "this is not JSON at all");

        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(relay.failed("notes.json.error.txt")));
        assertThat(relay.failed("notes.json")).exists();
        assertThat(relay.done("notes.json")).doesNotExist();
        assertThat(Files.readString(relay.failed("notes.json.error.txt")))
                .contains("notes.json is not valid JSON (line 1, column");
        assertThat(relay.deadLetters()).isEmpty();
    }

    @Test
    void aTruncatedArrayDeliversNothingAndGoesToFailed() throws Exception {
        relay.drop("cut.json", "[\n" + Requests.emailChange("cut-1", "JHERNANDEZ", "cut@abccorp.com") + ",\n{\"kind\":");

        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(relay.failed("cut.json.error.txt")));
        assertThat(Files.readString(relay.failed("cut.json.error.txt"))).contains("cut.json is not valid JSON");
        assertThat(relay.store().count(DeliveryStatus.PENDING, null) + relay.store().count(DeliveryStatus.DELIVERED, null)).isZero();
        assertThat(sandbox.contact("ABCCORP", "JHERNANDEZ").path("E_MAIL").asText()).isEmpty();
    }

    @Test
    void anEmptyJsonFileGoesToFailed() throws Exception {
        relay.drop("empty.json", "");

        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(relay.failed("empty.json.error.txt")));
        assertThat(Files.readString(relay.failed("empty.json.error.txt"))).contains("empty.json is empty");
    }

    @Test
    void otherFilesAreLeftAlone() {
        relay.drop("readme.txt", "not for the relay");
        relay.drop("go.json", Requests.emailChange("go-1", "PCHEN", "pat@xyz.com").replace("ABCCORP", "XYZLTD"));

        relay.awaitDone("go.json");
        assertThat(relay.inbox().resolve("readme.txt")).exists();
    }

    @Test
    void aFileStillBeingWrittenIsReadOnlyOnceComplete() throws Exception {
        Files.createDirectories(relay.inbox());
        Path file = relay.inbox().resolve("slow.ndjson");
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                for (int i = 0; i < 12; i++) {
                    String line = Requests.expandableContact("slow-" + i, "ABCCORP", "JHERNANDEZ",
                            "{\"title\":\"step " + i + "\"}") + "\n";
                    int half = line.length() / 2;
                    out.write(line, 0, half);
                    out.flush();
                    Thread.sleep(100);
                    out.write(line, half, line.length() - half);
                    out.flush();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        writer.get();

        relay.awaitDone("slow.ndjson");
        relay.awaitSettled(Duration.ofSeconds(10));
        assertThat(relay.deadLetters()).as("no half-read line").isEmpty();
        assertThat(relay.store().count(DeliveryStatus.DELIVERED, "expandable")).isEqualTo(12);
        assertThat(sandbox.contact("ABCCORP", "JHERNANDEZ").path("TITLE").asText()).isEqualTo("step 11");
    }
}
