package com.customerrelay.delivery;

import com.customerrelay.support.Http;
import com.customerrelay.support.RelayHarness;
import com.customerrelay.support.RelayTestCase;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The state store as the relay wires it.
 * <ul>
 * <li>The store-purge route (routes/dispatch.camel.yaml) calls the store's purge by name: its first run, a second
 * after the start, must succeed. A method of the same name beside it once made Camel call the wrong one, with a null
 * argument, and every purge failed.</li>
 * <li>Its pool has a connection for every thread that may ask it at once: each vendor's delivery threads (one asks
 * the store before its attempt) and each queue consumer, beside the intakes and the dispatcher. It was 16 for all,
 * so four vendors at concurrency 8 waited for connections and timed out.</li>
 * </ul>
 */
class RelayStoreTest extends RelayTestCase {

    RelayHarness relay;

    @Test
    void theFirstPurgeRunsWithoutFailing() throws Exception {
        relay = newRelay().start();
        await().atMost(Duration.ofSeconds(20)).until(() -> value("camel_exchanges_total") >= 1);
        assertThat(value("camel_exchanges_failed_total")).as("failed purges").isZero();
    }

    @Test
    void thePoolGrowsWithTheVendorsConcurrencyAndTheQueueConsumers() {
        relay = newRelay().set("relay.vendors.expandable.concurrency", "40")
                .set("relay.vendors.rpm.concurrency", "8").set("relay.queue.consumers", "3").start();
        // 16 for the intakes, dispatcher, HTTP API and sync jobs; 3 consumers; 40 + 8 + 4 + 4 delivery threads
        assertThat(relay.stateStore().poolSize()).isEqualTo(16 + 3 + 40 + 8 + 4 + 4);
    }

    /** The store-purge route's figure of {@code name} on /observe/metrics (0 while it is not there). */
    private double value(String name) throws Exception {
        List<String> lines = Http.get(relay.managementUrl() + "/observe/metrics").body().lines()
                .filter(l -> l.startsWith(name + "{") && l.contains("routeId=\"store-purge\"")).toList();
        return lines.isEmpty() ? 0 : Double.parseDouble(lines.get(0).substring(lines.get(0).lastIndexOf(' ') + 1));
    }
}
