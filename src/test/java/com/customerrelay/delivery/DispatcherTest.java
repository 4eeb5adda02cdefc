package com.customerrelay.delivery;

import com.customerrelay.core.VendorSettings;
import org.apache.camel.CamelContext;
import org.apache.camel.ConsumerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dispatcher on a real H2 store and real seda endpoints (nothing consumes them; the test takes what was handed
 * out): the round that writes an attempt's outcome also claims what that outcome let go.
 */
class DispatcherTest {

    @TempDir
    Path dir;
    Stores store;
    CamelContext camel;
    ConsumerTemplate handedOut;
    ExecutorService executor;
    Dispatcher dispatcher;

    @BeforeEach
    void setUp() {
        store = Stores.open("jdbc:h2:file:" + dir.resolve("relay").toAbsolutePath(), Duration.ofDays(7));
                camel = new DefaultCamelContext();
        camel.start();
        handedOut = camel.createConsumerTemplate();
        executor = Executors.newSingleThreadExecutor();
        dispatcher = new Dispatcher(store.rounds(), Map.of("rpm", vendor("rpm")), Map.of(), camel.createProducerTemplate(),
                executor);
        dispatcher.setCircuits(new VendorCircuits(Map.of("rpm", vendor("rpm")), store.queries(),
                new VendorPauses(store.state()), (v, state) -> { }));
    }

    @AfterEach
    void tearDown() {
        executor.shutdownNow();
        camel.stop();
        store.close();
    }

    private static VendorSettings vendor(String name) {
        return new VendorSettings(name, "http://127.0.0.1:1/", 8, 1000, 60_000, 5_000, 2, key -> Optional.empty(),
                "relay.vendors." + name + ".");
    }

    private Delivery next(String vendor) {
        Delivery delivery = handedOut.receiveBody("seda:deliver-" + vendor, 10_000, Delivery.class);
        assertThat(delivery).as("a delivery handed to the " + vendor + " route").isNotNull();
        return delivery;
    }

    @Test
    void anAttemptThatEndsLetsTheNextUpdateOfItsRecordGoAtOnce() {
        store.acceptance().accept(List.of(DeliveryTablesTest.delivery("r1", "rpm", "R"),
                DeliveryTablesTest.delivery("r2", "rpm", "R")));
        dispatcher.dispatch();
        Delivery r1 = next("rpm");
        assertThat(r1.requestId()).isEqualTo("r1");
        // r2 waits behind r1: one record's updates go in order
        assertThat(store.queries().count(DeliveryStatus.INFLIGHT, "rpm")).isEqualTo(1);
        assertThat(store.queries().count(DeliveryStatus.PENDING, "rpm")).isEqualTo(1);

        dispatcher.finished(Finish.delivered(r1));
        assertThat(next("rpm").requestId()).as("claimed in the round that wrote r1's outcome").isEqualTo("r2");
    }
}
