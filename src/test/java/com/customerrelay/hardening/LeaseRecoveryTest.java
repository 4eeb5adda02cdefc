package com.customerrelay.hardening;

import com.customerrelay.delivery.DeliveryStatus;
import com.customerrelay.support.RelayHarness;
import com.customerrelay.support.RelayTestCase;
import com.customerrelay.support.Requests;
import com.customerrelay.support.VendorStub;
import org.h2.api.Trigger;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A single relay whose state store fails at the moment it records a delivery's outcome (a fault injected into the
 * real embedded database by a trigger, three rounds in a row): the outcome is kept and written once the store takes
 * it, so the delivery is neither left in flight for good, holding back every later update of its record, nor sent
 * again; the later update follows in order. (A relay that dies before it could write an outcome leaves the delivery
 * to be sent again: CrashRecoveryTest, SharedWorkTest.)
 */
class LeaseRecoveryTest extends RelayTestCase {

    /** Fails the first {@code remaining} updates that would mark a delivery DELIVERED. */
    public static final class FailOutcome implements Trigger {
        static final AtomicInteger REMAINING = new AtomicInteger();
        private int status = -1;

        @Override
        public void init(Connection conn, String schema, String trigger, String table, boolean before, int type)
                throws SQLException {
            try (ResultSet columns = conn.getMetaData().getColumns(null, schema, table, "STATUS")) {
                columns.next();
                status = columns.getInt("ORDINAL_POSITION") - 1;
            }
        }

        @Override
        public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
            if ("INFLIGHT".equals(oldRow[status]) && "DELIVERED".equals(newRow[status])
                    && REMAINING.getAndDecrement() > 0) {
                throw new SQLException("injected fault: the store went away while recording the outcome", "08006");
            }
        }
    }

    VendorStub vendor = newVendor();
    RelayHarness relay;

    private static String update(String marker, String title) {
        return Requests.marked(marker, "ABC", "SAME", title);
    }

    @Test
    void anOutcomeTheStoreFailedToRecordIsWrittenLaterAndTheDeliveryIsNotSentTwice() throws Exception {
        relay = newRelay(vendor)
                .set("relay.vendors.expandable.timeout-ms", "500").start();
        String url = "jdbc:h2:file:" + dir.resolve("data/store/relay").toAbsolutePath();
        try (Connection c = DriverManager.getConnection(url, "relay", ""); Statement s = c.createStatement()) {
            s.execute("create trigger fail_outcome before update on relay_delivery for each row call \""
                    + FailOutcome.class.getName() + "\"");
        }
        FailOutcome.REMAINING.set(3);

        long started = System.nanoTime();
        relay.drop("two-updates.ndjson", update("first", "one") + "\n" + update("second", "two") + "\n");
        await().atMost(Duration.ofSeconds(40)).until(() -> relay.store().count(DeliveryStatus.DELIVERED, "expandable") == 2);
        long tookMs = (System.nanoTime() - started) / 1_000_000;

        List<String> calls = vendor.received().stream().map(r -> r.body().path("SOFCT_USER_1").asText()).toList();
        assertThat(calls).as("each update sent once, in order").containsExactly("first", "second");
        assertThat(FailOutcome.REMAINING.get()).as("the outcome write failed three times first").isNegative();
        assertThat(tookMs).as("written on a later round, well before the 9 s lease ends").isLessThan(9_000);
        try (Connection c = DriverManager.getConnection(url, "relay", ""); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select attempts, status from relay_delivery where request_id = 'first'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("one attempt").isEqualTo(1);
            assertThat(rs.getString(2)).isEqualTo("DELIVERED");
        }
    }
}
