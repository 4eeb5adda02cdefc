package com.customerrelay.intake;

import com.customerrelay.connector.expandable.ExpandableSandbox;
import com.customerrelay.support.RelayTestKit;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The file intake and Expandable delivery routes on Camel's own test kit: camel-test-main-junit5 boots the real
 * main (the YAML routes of routes/, config/application.properties, the beans RelayConfiguration wires) and
 * NotifyBuilder waits for the routes' exchanges instead of polling folders. The shipped example file goes in; the
 * sandbox holds the changes field by field and the bad line is a dead letter.
 */
class FileIntakeRouteTest extends RelayTestKit {

    private static final Path DIR = newFolder();

    @Override
    protected Path dir() {
        return DIR;
    }

    @Test
    void theExampleFileIsReadDeliveredFieldByFieldAndItsBadLineDeadLettered() throws Exception {
        NotifyBuilder fileRead = new NotifyBuilder(context).fromRoute("file-intake").whenCompleted(1).create();
        NotifyBuilder delivered = new NotifyBuilder(context).fromRoute("deliver-expandable").whenCompleted(2)
                .create();
        Path inbox = drop(Path.of("examples/contacts.ndjson")).getParent();

        assertThat(fileRead.matches(20, TimeUnit.SECONDS)).as("the file was read through").isTrue();
        // the file consumer moves the file once the exchange has completed: a moment after NotifyBuilder sees it
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(inbox.resolve(".done/contacts.ndjson")));
        assertThat(delivered.matches(20, TimeUnit.SECONDS)).as("both valid lines were delivered").isTrue();

        ExpandableSandbox sandbox = context.getRegistry().lookupByNameAndType("expandableSandbox",
                ExpandableSandbox.class);
        ObjectNode smith = sandbox.contact("ABCCORP", "MSMITH");
        assertThat(smith.path("TITLE").asText()).isEqualTo("Head of Purchasing");
        assertThat(smith.path("E_MAIL").asText()).isEqualTo("msmith@abccorp.com");
        ObjectNode chen = sandbox.contact("XYZLTD", "PCHEN");
        assertThat(chen.path("CELL_PHONE_NO").asText()).isEqualTo("+44 20 7946 0000");
        assertThat(chen.path("NOTES").asText()).as("null clears the field").isEmpty();
        try (var letters = Files.list(DIR.resolve("dead-letter"))) {
            assertThat(letters.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).toList())
                    .singleElement()
                    .satisfies(name -> assertThat(name).contains("example-contact-0004"));
        }
    }
}
