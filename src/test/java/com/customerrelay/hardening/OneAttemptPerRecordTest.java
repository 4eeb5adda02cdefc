package com.customerrelay.hardening;

import com.customerrelay.support.Http;
import com.customerrelay.support.PostgresSupport;
import com.customerrelay.support.RelayHarness;
import com.customerrelay.support.RelayTestCase;
import com.customerrelay.support.VendorStub;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two relays on one PostgreSQL store accept updates of the same contacts at the same moment. A record's update must
 * never be sent while an earlier one of it is unfinished, including one whose transaction had not committed yet when
 * the later one did (its id was drawn first, so the later one's claim could not see it): the vendor stub counts the
 * calls it is answering per contact and must never see two.
 */
class OneAttemptPerRecordTest extends RelayTestCase {

    private static final String KEY = "order-test-key";
    private static final int CONTACTS = 200;
    private static final int ROUNDS = 3;

    VendorStub vendor;
    final List<RelayHarness> relays = new ArrayList<>();

    @Test
    void twoRelaysNeverHaveTwoCallsOfOneContactInFlight() throws Exception {
        PostgresSupport pg = PostgresSupport.required();
        vendor = newVendor();
        vendor.keepBodies(false);
        vendor.delayMs(300);
        for (String name : List.of("a", "b")) {
            relays.add(newRelayOn(pg, name, vendor).set("relay.http.api-keys", KEY)
                    .set("relay.vendors.expandable.concurrency", "16").start());
        }

        // each round relay a takes one update of every contact in one array (one transaction, ids drawn one by one)
        // while relay b takes one update of every contact as requests of their own, each committed at once: b's
        // update of a contact commits before a's earlier one does. The round is then let finish, so that nothing of
        // a contact is waiting but what the round brought.
        ExecutorService producers = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                CyclicBarrier together = new CyclicBarrier(2);
                List<Future<?>> sent = new ArrayList<>();
                for (int r = 0; r < relays.size(); r++) {
                    RelayHarness relay = relays.get(r);
                    String tag = (r == 0 ? "a-" : "b-") + round;
                    boolean oneArray = r == 0;
                    sent.add(producers.submit(() -> {
                        together.await();
                        if (oneArray) {
                            post(relay, tag, 0, CONTACTS);
                        } else {
                            for (int c = 0; c < CONTACTS; c++) {
                                post(relay, tag, c, c + 1);
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : sent) {
                    f.get();
                }
                int expected = 2 * CONTACTS * (round + 1);
                await().atMost(Duration.ofSeconds(60)).until(() -> vendor.distinct() == expected
                        && relays.get(0).store().unfinished() == 0);
            }
        } finally {
            producers.shutdownNow();
        }

        assertThat(vendor.perMarker().values()).extracting(AtomicInteger::get).containsOnly(1);
        assertThat(vendor.mostAtOncePerContact()).as("calls of one contact answered at the same moment")
                .isEqualTo(1);
    }

    /** Posts one update of each contact from {@code from} to {@code to} (exclusive) in one array. */
    private static void post(RelayHarness relay, String tag, int from, int to) throws Exception {
        StringBuilder body = new StringBuilder("[");
        for (int c = from; c < to; c++) {
            String id = tag + "-" + c;
            body.append(c == from ? "" : ",").append("{\"id\":\"").append(id)
                    .append("\",\"kind\":\"contact\",\"targets\":{\"expandable\":{\"customerId\":\"ORD\","
                            + "\"contactId\":\"C").append(c).append("\"}},\"data\":{\"title\":\"")
                    .append(id).append("\"},\"vendorFields\":{\"expandable\":{\"SOFCT_USER_1\":\"")
                    .append(id).append("\"}}}");
        }
        HttpResponse<String> answer = Http.send("POST", relay.apiUrl() + "/updates", body.append("]").toString(),
                "X-API-Key", KEY);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
    }
}
