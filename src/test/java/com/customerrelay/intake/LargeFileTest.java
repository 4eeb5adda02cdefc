package com.customerrelay.intake;

import com.customerrelay.delivery.DeliveryStatus;
import com.customerrelay.support.LargeFiles;
import com.customerrelay.support.RelayHarness;
import com.customerrelay.connector.expandable.ExpandableSandbox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** A 10,000-line .ndjson file is delivered completely (speed and memory are the benchmark's business). */
class LargeFileTest {

    @TempDir
    Path dir;

    @Test
    void tenThousandLinesAreAllDelivered() {
        try (RelayHarness relay = new RelayHarness(dir).set("relay.vendors.expandable.concurrency", "8").start()) {
            ExpandableSandbox sandbox = relay.bean("expandableSandbox", ExpandableSandbox.class);
            LargeFiles.dropContacts(relay, sandbox, "bulk.ndjson", 10_000);

            relay.awaitDone("bulk.ndjson");
            relay.awaitSettled(Duration.ofMinutes(3));

            assertThat(relay.store().count(DeliveryStatus.DELIVERED, "expandable")).isEqualTo(10_000);
            assertThat(sandbox.updates()).isEqualTo(10_000);
            assertThat(relay.deadLetters()).isEmpty();
            assertThat(sandbox.contact("BULK", "C0").path("E_MAIL").asText()).isEqualTo("c0@bulk.example");
            assertThat(sandbox.contact("BULK", "C9999").path("CELL_PHONE_NO").asText()).isEqualTo("+1 555 9999");
        }
    }
}
