package com.customerrelay.outage;

import com.customerrelay.connector.rpm.RpmSandbox;
import com.customerrelay.connector.socialhub.SocialHubSandbox;
import com.customerrelay.delivery.DeliveryStatus;
import com.customerrelay.support.FlakyVendor;
import com.customerrelay.support.RelayHarness;
import com.customerrelay.support.RelayTestCase;
import com.customerrelay.support.TestLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A vendor down for minutes, on the real relay (file intake, H2 store, camel-http) against vendor stand-ins that
 * answer over real HTTP: Expandable answers 503 to everything for three minutes while 300 updates wait for it;
 * meanwhile Soliditech flaps (up 5 s, down 5 s) for two minutes with 300 updates of its own, and RPM and SocialHub
 * (the built-in sandboxes) stay healthy. Nothing is dead-lettered or delivered twice, Expandable is called about
 * once per probe interval while down, everything is delivered soon after it comes back, and the healthy vendors are
 * not slowed. The outage's length can be shortened for a quick look with -Drelay.test.outage-seconds.
 */
class VendorOutageTest extends RelayTestCase {

    private static final long OUTAGE_MS = Long.getLong("relay.test.outage-seconds", 180) * 1000;
    private static final long FLAPPING_MS = Math.min(120_000, OUTAGE_MS);
    private static final long OPEN_MS = 2_000;
    private static final long MAX_OPEN_MS = 8_000;
    private static final int WINDOW = 20;
    private static final int WAITING = 300;
    private static final int HEALTHY = 100;

    FlakyVendor expandable;
    FlakyVendor soliditech;
    RelayHarness relay;
    ScheduledExecutorService flapper;

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void threeMinutesOfExpandableDownLoseNothingAndCostAboutOneCallPerProbe() throws Exception {
        expandable = closing.add(new FlakyVendor("E_MAIL"));
        soliditech = closing.add(new FlakyVendor("email"));
        relay = closing.add(Outages.relay(dir, expandable))
                .set("relay.vendors.expandable.circuit.open-ms", String.valueOf(OPEN_MS))
                .set("relay.vendors.expandable.circuit.max-open-ms", String.valueOf(MAX_OPEN_MS))
                .set("relay.vendors.expandable.circuit.window", String.valueOf(WINDOW))
                .set("relay.vendors.soliditech.base-url", soliditech.baseUrl())
                .set("relay.vendors.soliditech.api-key", "sol-key")
                .set("relay.vendors.soliditech.circuit.open-ms", "1000")
                .set("relay.vendors.soliditech.circuit.max-open-ms", "2000")
                .start();
        SocialHubSandbox socialhub = relay.bean("socialhubSandbox", SocialHubSandbox.class);
        RpmSandbox rpm = relay.bean("rpmSandbox", RpmSandbox.class);
        rpm.seedCustomer(3000, "Outage Corp");
        for (int i = 1; i <= HEALTHY; i++) {
            socialhub.seed("S" + i, "Customer " + i, "c" + i + "@x.example", 0, 0);
            rpm.seedContact(3000, i, "First", "Last", "Mr", "Buyer", "c" + i + "@x.example", false, Map.of());
        }

        long before = healthyBatch("before");

        long mark = TestLog.mark();
        expandable.down(503, null);
        long downAt = System.currentTimeMillis();
        AtomicInteger flips = new AtomicInteger();
        flapper = Executors.newSingleThreadScheduledExecutor();
        closing.add(flapper::shutdownNow);
        flapper.scheduleAtFixedRate(() -> {
            if (System.currentTimeMillis() - downAt >= FLAPPING_MS) {
                soliditech.up();
            } else if (flips.incrementAndGet() % 2 == 1) {
                soliditech.down(503, null);
            } else {
                soliditech.up();
            }
        }, 0, 5, TimeUnit.SECONDS);
        relay.drop("expandable.ndjson", Outages.expandable("exp", WAITING));
        relay.drop("soliditech.ndjson", Outages.soliditech("sol", WAITING));

        await().atMost(Duration.ofSeconds(30)).until(() -> Outages.circuit(relay, "expandable").equals("open"));
        long during = healthyBatch("during");
        System.out.printf("healthy vendors: %d + %d updates in %d ms before the outage, %d ms during it%n", HEALTHY,
                HEALTHY, before, during);
        assertThat(during).as("RPM and SocialHub are not slowed by Expandable down beside them")
                .isLessThanOrEqualTo(3 * before + 5_000);

        // the outage goes on: nothing given up, nothing delivered, the circuit open or probing
        long left = OUTAGE_MS - (System.currentTimeMillis() - downAt);
        await().pollInterval(Duration.ofSeconds(1)).during(Duration.ofMillis(Math.max(1, left)))
                .atMost(Duration.ofMillis(left + 10_000)).until(() -> relay.deadLetters().isEmpty()
                        && expandable.callsWhileUp() == 0 && !Outages.circuit(relay, "expandable").equals("closed"));
        int callsWhileDown = expandable.callsWhileDown();
        long outage = System.currentTimeMillis() - downAt;
        expandable.up();
        long upAt = System.currentTimeMillis();

        await().atMost(Duration.ofMillis(MAX_OPEN_MS + 60_000)).until(() -> expandable.delivered().size() == WAITING);
        long drained = System.currentTimeMillis() - upAt;
        System.out.printf("Expandable down %d s: %d calls to it (bound %d), all %d delivered %d ms after it came "
                + "back%n", outage / 1000, callsWhileDown, outage / OPEN_MS + WINDOW, WAITING, drained);
        assertThat(callsWhileDown).as("calls while down <= outage / open interval + window")
                .isLessThanOrEqualTo((int) (outage / OPEN_MS) + WINDOW);
        assertThat(drained).as("delivered within one probe interval plus the drain")
                .isLessThanOrEqualTo(MAX_OPEN_MS + 30_000);
        await().atMost(Duration.ofSeconds(60)).until(() -> soliditech.delivered().size() == WAITING);
        assertThat(expandable.delivered().values()).as("each Expandable update delivered once")
                .allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        assertThat(soliditech.delivered().values()).as("each Soliditech update delivered once, through the flapping")
                .allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> relay.store().unfinished() == 0);
        assertThat(relay.deadLetters()).as("nothing dead-lettered").isEmpty();
        assertThat(relay.store().count(DeliveryStatus.DELIVERED, "expandable")).isEqualTo(WAITING);

        assertThat(Outages.circuit(relay, "expandable")).isEqualTo("closed");
        assertThat(Outages.metric(relay, "relay_vendor_circuit_transitions_total",
                "to=\"open\",vendor=\"expandable\"")).isGreaterThanOrEqualTo(1);
        assertThat(Outages.metric(relay, "relay_vendor_circuit_transitions_total",
                "to=\"closed\",vendor=\"expandable\"")).isEqualTo(1);
        assertThat(Outages.metric(relay, "relay_vendor_circuit_state", "state=\"closed\",vendor=\"expandable\""))
                .isEqualTo(1);
        String log = TestLog.since(mark);
        assertThat(count(log, "Vendor expandable is DOWN")).as("one line when the circuit opened").isEqualTo(1);
        assertThat(count(log, "Vendor expandable answers again")).as("one line when it closed").isEqualTo(1);
        assertThat(count(log, "still down")).as("a summary at most every minute")
                .isLessThanOrEqualTo((int) (outage / 60_000) + 1);
        assertThat(count(log, "to expandable: attempt")).as("no line per failed call").isZero();
    }

    /** 100 SocialHub and 100 RPM updates of records of their own; how long until all are delivered (ms). */
    private long healthyBatch(String batch) {
        long socialhubBefore = relay.store().count(DeliveryStatus.DELIVERED, "socialhub");
        long rpmBefore = relay.store().count(DeliveryStatus.DELIVERED, "rpm");
        String lines = IntStream.rangeClosed(1, HEALTHY).mapToObj(i -> "{\"id\":\"sh-" + batch + "-" + i
                + "\",\"kind\":\"customer\",\"targets\":{\"socialhub\":{\"customerCode\":\"S" + i + "\"}},\"data\":"
                + "{\"email\":\"" + batch + i + "@x.example\"}}\n{\"id\":\"rpm-" + batch + "-" + i + "\",\"kind\":"
                + "\"contact\",\"targets\":{\"rpm\":{\"customerId\":3000,\"contactId\":" + i + "}},\"data\":"
                + "{\"email\":\"" + batch + i + "@x.example\"}}").collect(Collectors.joining("\n", "", "\n"));
        long start = System.currentTimeMillis();
        relay.drop("healthy-" + batch + ".ndjson", lines);
        await().atMost(Duration.ofSeconds(120)).until(() ->
                relay.store().count(DeliveryStatus.DELIVERED, "socialhub") - socialhubBefore == HEALTHY
                        && relay.store().count(DeliveryStatus.DELIVERED, "rpm") - rpmBefore == HEALTHY);
        return System.currentTimeMillis() - start;
    }

    private static int count(String text, String what) {
        return (int) Pattern.compile(Pattern.quote(what)).matcher(text).results().count();
    }
}
