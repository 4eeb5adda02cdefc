package com.customerrelay.delivery;

import com.customerrelay.support.RelayHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store's pool has a connection for every thread that may ask it at once: each vendor's delivery threads (one
 * asks the store before its attempt) and each queue consumer, beside the intakes and the dispatcher. It was 16 for
 * all, so four vendors at concurrency 8 waited for connections and timed out.
 */
class StorePoolTest {

    @TempDir
    Path dir;
    RelayHarness relay;

    @AfterEach
    void tearDown() {
        if (relay != null) {
            relay.close();
        }
    }

    @Test
    void thePoolGrowsWithTheVendorsConcurrencyAndTheQueueConsumers() {
        relay = new RelayHarness(dir).set("relay.vendors.expandable.concurrency", "40")
                .set("relay.vendors.rpm.concurrency", "8").set("relay.queue.consumers", "3").start();
        // 16 for the intakes, dispatcher, HTTP API and sync jobs; 3 consumers; 40 + 8 + 4 + 4 delivery threads
        assertThat(relay.store().poolSize()).isEqualTo(16 + 3 + 40 + 8 + 4 + 4);
    }
}
