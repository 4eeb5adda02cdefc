package com.customerrelay.hardening;

import com.customerrelay.support.Http;
import com.customerrelay.support.PostgresSupport;
import com.customerrelay.support.RelayHarness;
import com.customerrelay.support.RelayTestCase;
import com.customerrelay.support.TcpProxy;
import com.customerrelay.support.VendorStub;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Before a delivery with occurredAt is sent, the store is asked whether a newer update of its record went out. When
 * the store cannot answer (away, or its pool busy), the delivery waits, not sent, and that is no attempt: before, the
 * store's absence was taken for the vendor's ("cannot reach Expandable", counted towards its circuit), or, with the
 * pool busy, an unexpected error that used up an attempt.
 */
class StoreAwayBeforeAnAttemptTest extends RelayTestCase {

    private static final int REQUESTS = 12;

    TcpProxy proxy;
    VendorStub vendor;
    RelayHarness relay;

    @Test
    void aStoreThatCannotBeAskedBeforeAnAttemptCostsNoAttempt() throws Exception {
        PostgresSupport pg = PostgresSupport.required();
        proxy = closing.add(pg.proxy());
        vendor = newVendor();
        vendor.delayMs(1_500);
        relay = pg.configure(newRelay(), proxy)
                .set("relay.vendors.expandable.base-url", vendor.baseUrl())
                .set("relay.vendors.expandable.concurrency", "2")
                .set("relay.vendors.expandable.max-attempts", "1")
                .start();
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < REQUESTS; i++) {
            lines.append("{\"id\":\"away-").append(i).append("\",\"kind\":\"contact\",\"occurredAt\":\"2026-12-0")
                    .append(1 + i % 2).append("T10:00:00Z\",\"targets\":{\"expandable\":{\"customerId\":\"BULK\","
                            + "\"contactId\":\"C").append(i).append("\"}},\"data\":{\"title\":\"t\"},\"vendorFields\":"
                            + "{\"expandable\":{\"SOFCT_USER_1\":\"away-").append(i).append("\"}}}\n");
        }
        relay.drop("away.ndjson", lines.toString());
        // two calls at the vendor, two more claimed behind them: the store goes away while they wait their turn
        await().atMost(Duration.ofSeconds(20)).until(() -> vendor.total() >= 1);
        proxy.down();
        await().pollDelay(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(5)).until(() -> true);
        proxy.up();

        await().atMost(Duration.ofSeconds(60)).until(() -> vendor.distinct() == REQUESTS
                && relay.store().unfinished() == 0);
        assertThat(relay.deadLetters()).as("no attempt spent on the store's absence").isEmpty();
        assertThat(vendor.perMarker().values()).extracting(AtomicInteger::get).containsOnly(1);
        // nor was the vendor blamed for it: before, the store's absence came out as an attempt that "could not
        // reach Expandable" (a retry, counted towards its circuit)
        String metrics = Http.get(relay.managementUrl() + "/observe/metrics").body();
        List<String> attempts = metrics.lines().filter(l -> l.startsWith("relay_delivery_attempts_total")
                && l.contains("vendor=\"expandable\"") && !l.endsWith(" 0.0")).toList();
        assertThat(attempts).as("expandable's attempts by result").hasSize(1)
                .allSatisfy(l -> assertThat(l).contains("result=\"ok\"").endsWith(" " + REQUESTS + ".0"));
    }
}
