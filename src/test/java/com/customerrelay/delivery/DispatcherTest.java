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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dispatcher's rounds on a real H2 store, called as the dispatch-rounds route calls them (the route itself runs
 * in every relay test): the round that writes an attempt's outcome also claims what that outcome let go, and an
 * attempt's end asks for that round on the trigger queue.
 */
class DispatcherTest {

    @TempDir
    Path dir;
    Stores store;
    CamelContext camel;
    ConsumerTemplate trigger;
    Dispatcher dispatcher;

    @BeforeEach
    void setUp() {
        store = Stores.open("jdbc:h2:file:" + dir.resolve("relay").toAbsolutePath(), Duration.ofDays(7));
        camel = new DefaultCamelContext();
        camel.start();
        trigger = camel.createConsumerTemplate();
        dispatcher = new Dispatcher(store.rounds(), Map.of("rpm", vendor("rpm")), Map.of(),
                new VendorCircuits(Map.of("rpm", vendor("rpm")), store.queries(), new VendorPauses(store.state()),
                        (v, state) -> { }), camel.createProducerTemplate());
    }

    @AfterEach
    void tearDown() {
        camel.stop();
        store.close();
    }

    private static VendorSettings vendor(String name) {
        return new VendorSettings(name, "http://127.0.0.1:1/", 8, 1000, 60_000, 5_000, 2, key -> Optional.empty(),
                "relay.vendors." + name + ".");
    }

    @Test
    void anAttemptThatEndsLetsTheNextUpdateOfItsRecordGoAtOnce() {
        store.acceptance().accept(List.of(DeliveryTablesTest.delivery("r1", "rpm", "R"),
                DeliveryTablesTest.delivery("r2", "rpm", "R")));
        List<Delivery> first = dispatcher.round();
        assertThat(first).extracting(Delivery::requestId).as("r2 waits behind r1: one record's updates go in order")
                .containsExactly("r1");
        assertThat(dispatcher.inFlight("rpm")).isEqualTo(1);
        assertThat(store.queries().count(DeliveryStatus.INFLIGHT, "rpm")).isEqualTo(1);
        assertThat(store.queries().count(DeliveryStatus.PENDING, "rpm")).isEqualTo(1);

        dispatcher.finished(Finish.delivered(first.get(0)));
        assertThat(trigger.receive(Dispatcher.TRIGGER, 5_000)).as("the attempt's end asks for a round").isNotNull();
        assertThat(trigger.receive(Dispatcher.TRIGGER, 100)).as("one request queued, not more").isNull();
        assertThat(dispatcher.round()).extracting(Delivery::requestId)
                .as("claimed in the round that wrote r1's outcome").containsExactly("r2");
        assertThat(store.queries().count(DeliveryStatus.DELIVERED, "rpm")).isEqualTo(1);
    }
}
