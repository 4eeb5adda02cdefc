package com.customerrelay.delivery;

import com.customerrelay.support.SyncCountingFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Acknowledged means on the disk: once the embedded store has accepted deliveries (and an intake acknowledges the
 * message, the file or the HTTP call), what it wrote has been forced to the device, so a power cut or a kernel
 * panic right after cannot take it back. H2's own commit (WRITE_DELAY=0) only reaches the operating system's cache.
 */
class DurableAcceptanceTest {

    @TempDir
    Path dir;

    @Test
    void acceptedDeliveriesAreForcedToDiskBeforeTheCallReturns() {
        String url = SyncCountingFiles.url(dir.resolve("relay").toAbsolutePath() + ";WRITE_DELAY=0");
        Stores store = Stores.open(url, Duration.ofDays(7));
        try {
            for (int i = 0; i < 5; i++) {
                int forcesBefore = SyncCountingFiles.forces();
                store.acceptance().accept(List.of(DeliveryTablesTest.delivery("d" + i, "expandable", "R" + i)));
                assertThat(SyncCountingFiles.forces()).as("a force (fsync) while accepting " + i)
                        .isGreaterThan(forcesBefore);
                assertThat(SyncCountingFiles.unforcedWrites()).as("writes not yet forced when accepting " + i
                        + " returned").isZero();
            }
            int forcesBefore = SyncCountingFiles.forces();
            store.acceptance().acceptWith(List.of(DeliveryTablesTest.delivery("s1", "expandable", "S1")), null);
            assertThat(SyncCountingFiles.forces()).as("a sync job's hand-over is forced too").isGreaterThan(forcesBefore);
            assertThat(SyncCountingFiles.unforcedWrites()).isZero();
            assertThat(store.queries().count(DeliveryStatus.PENDING, "expandable")).isEqualTo(6);
        } finally {
            store.close();
        }
    }
}
