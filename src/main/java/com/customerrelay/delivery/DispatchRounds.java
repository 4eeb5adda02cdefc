package com.customerrelay.delivery;

import com.customerrelay.core.SafeText;
import com.customerrelay.store.StateStore;
import com.customerrelay.store.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static com.customerrelay.store.StateStore.truncate;

/**
 * The dispatcher's rounds on the store: each writes the outcomes of finished attempts and claims what each vendor
 * wants next, in one transaction. An earlier unfinished row of the same record holds back later ones, so updates of
 * one record go out in arrival order. Claims are leases: a relay that dies mid-attempt leaves its rows to be claimed
 * again when the lease ends, and on PostgreSQL a row can only be claimed by one of the relays sharing the store.
 */
public final class DispatchRounds {

    private static final Logger LOG = LoggerFactory.getLogger(DispatchRounds.class);
    /** Attempts kept per delivery; older ones are dropped as new ones are written, so retries do not grow the store. */
    public static final int KEPT_ATTEMPTS = 20;

    /*
     * Due deliveries in arrival order, skipping any whose record has an earlier delivery still unfinished. Two
     * things keep a claim from reading the rows already finished, which lie before the unfinished ones:
     * - the status is a range ("between"), not an equality: with "=" PostgreSQL may read the order by id off the
     *   primary key and filter, which walks every finished row from the first (its statistics, taken while most
     *   rows were unfinished, say most rows match: 33 ms a round at 100,000 rows); with a range only the
     *   (vendor, status, id) index gives that order, and it starts at the first row of the status (0.2 ms);
     * - the request text is fetched per row claimed: as a join, PostgreSQL merged relay_payload from its first row.
     */
    private static final String DUE = """
            select d.id, d.request_id, d.vendor, d.kind, d.attempts, d.first_attempt_at,
                   (select p.request_json from relay_payload p where p.id = d.id),
                   (select p.source_json from relay_payload p where p.id = d.id),
                   d.status, d.record_key, d.occurred_at, d.created_at, d.unanswered
            from relay_delivery d
            where d.vendor = ? and d.status between '%1$s' and '%1$s' and %2$s
              and not exists (select 1 from relay_delivery e
                              where e.vendor = d.vendor and e.record_key = d.record_key and e.id < d.id
                                and e.status in ('PENDING', 'INFLIGHT'))
            order by d.vendor, d.status, d.id
            limit ?""";
    private static final String DUE_PENDING = DUE.formatted(DeliveryStatus.PENDING, "d.next_attempt_at <= ?");
    private static final String DUE_EXPIRED = DUE.formatted(DeliveryStatus.INFLIGHT, "d.lease_until < ?");
    /* Waiting deliveries accepted before a time, due or not: those past give-up-after-hours behind an open circuit. */
    private static final String DUE_AGED = DUE.formatted(DeliveryStatus.PENDING, "d.created_at < ?");

    private final StateStore store;

    /**
     * On a store this relay has to itself (embedded H2), rows left in flight by its earlier run are taken back at
     * once instead of when their lease ends.
     */
    public DispatchRounds(StateStore store) {
        this.store = store;
        if (!store.shared()) {
            int taken = store.withConnection((c, now) -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "update relay_delivery set status = 'PENDING', lease_until = 0 where status = 'INFLIGHT'")) {
                    return ps.executeUpdate();
                }
            });
            if (taken > 0) {
                LOG.info("Took back {} deliveries left in flight when the relay last stopped", taken);
            }
        }
    }

    /** What a vendor's part of a dispatch round asks for: up to {@code limit} due deliveries, each leased. */
    public record Want(String vendor, int limit, long leaseMs, boolean expiredToo, long createdBefore) {

        public Want(String vendor, int limit, long leaseMs, boolean expiredToo) {
            this(vendor, limit, leaseMs, expiredToo, 0);
        }

        /** Up to {@code limit} waiting deliveries accepted before {@code createdBefore}, due or not. */
        public static Want aged(String vendor, int limit, long leaseMs, long createdBefore) {
            return new Want(vendor, limit, leaseMs, false, createdBefore);
        }
    }

    /**
     * One dispatch round, in one transaction (one write to disk however many deliveries it moves): writes the
     * outcomes of finished attempts, then claims what each vendor wants — new or retrying deliveries whose time
     * has come and, when {@link Want#expiredToo}, in-flight ones whose lease ran out (their relay stopped
     * mid-attempt). The outcomes go first, so an update whose earlier update of the same record has just finished
     * can be claimed in the same round. Nothing is written when this throws: the caller keeps the outcomes and
     * gives them to the next round.
     *
     * @return the claimed deliveries, per vendor
     * @throws StoreUnavailableException when the store cannot be reached or does not commit
     */
    public Map<String, List<Delivery>> round(List<Finish> finishes, List<Want> wants) {
        return store.inTransaction("dispatch round failed", (c, at) -> {
            Map<String, List<Delivery>> claimed = new LinkedHashMap<>();
            if (!finishes.isEmpty()) {
                write(c, finishes, at);
            }
            for (Want want : wants) {
                List<Delivery> got = claimed.computeIfAbsent(want.vendor(), v -> new ArrayList<>());
                if (want.createdBefore() > 0) {
                    claim(c, DUE_AGED, DeliveryStatus.PENDING, want.vendor(), want.limit(), want.leaseMs(), at,
                            want.createdBefore(), got);
                    continue;
                }
                int before = got.size();
                if (want.expiredToo()) {
                    claim(c, DUE_EXPIRED, DeliveryStatus.INFLIGHT, want.vendor(), want.limit(), want.leaseMs(), at,
                            at, got);
                }
                if (got.size() - before < want.limit()) {
                    claim(c, DUE_PENDING, DeliveryStatus.PENDING, want.vendor(),
                            want.limit() - (got.size() - before), want.leaseMs(), at, at, got);
                }
            }
            return claimed;
        });
    }

    private void claim(Connection c, String query, DeliveryStatus status, String vendor, int limit, long leaseMs,
                       long now, long bound, List<Delivery> claimed) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(query);
             PreparedStatement u = c.prepareStatement("""
                     update relay_delivery set status = 'INFLIGHT', lease_until = ?, attempts = attempts + 1,
                       first_attempt_at = coalesce(first_attempt_at, ?), last_attempt_at = ?
                     where id = ? and status = ? and attempts = ?""")) {
            q.setString(1, vendor);
            q.setLong(2, bound);
            q.setInt(3, limit);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    long id = rs.getLong(1);
                    int attempts = rs.getInt(5);
                    long first = rs.getLong(6);
                    u.setLong(1, now + leaseMs);
                    u.setLong(2, now);
                    u.setLong(3, now);
                    u.setLong(4, id);
                    u.setString(5, status.name());
                    u.setInt(6, attempts);
                    if (u.executeUpdate() == 1) {
                        Long occurred = rs.getObject(11, Long.class);
                        claimed.add(new Delivery(id, rs.getString(2), rs.getString(3), rs.getString(4), attempts + 1,
                                first == 0 ? now : first, rs.getString(7), rs.getString(8), rs.getString(10),
                                occurred, rs.getLong(12), rs.getInt(13)));
                    }
                }
            }
        }
    }

    /*
     * The outcome of an attempt is recorded only while the row is still in flight under that same attempt: if its
     * lease ran out and another claim took it over, the older attempt's outcome is not allowed to overwrite it.
     */
    private static void write(Connection c, List<Finish> finishes, long now) throws SQLException {
        try (PreparedStatement done = c.prepareStatement("update relay_delivery set status = ?, finished_at = ?, "
                + "lease_until = 0, last_error = ? where id = ? and status = 'INFLIGHT' and attempts = ?");
             PreparedStatement again = c.prepareStatement("update relay_delivery set status = 'PENDING', "
                     + "next_attempt_at = ?, lease_until = 0, last_error = coalesce(?, last_error), "
                     + "unanswered = unanswered + ? where id = ? and status = 'INFLIGHT' and attempts = ?")) {
            for (Finish f : finishes) {
                int rows;
                if (f.status() == DeliveryStatus.PENDING) {
                    again.setLong(1, now + f.delayMs());
                    again.setString(2, truncate(f.errorJson(), 8000));
                    again.setInt(3, f.counted() ? 0 : 1);
                    again.setLong(4, f.delivery().id());
                    again.setInt(5, f.delivery().attempt());
                    rows = again.executeUpdate();
                } else {
                    done.setString(1, f.status().name());
                    done.setLong(2, now);
                    done.setString(3, truncate(f.errorJson(), 8000));
                    done.setLong(4, f.delivery().id());
                    done.setInt(5, f.delivery().attempt());
                    rows = done.executeUpdate();
                }
                if (rows == 0) {
                    LOG.warn("Outcome {} of request {} to {} (attempt {}) not recorded: its lease ended and it was "
                            + "claimed again", f.status(), SafeText.value(f.delivery().requestId()),
                            f.delivery().vendor(), f.delivery().attempt());
                    continue;
                }
                if (f.attempt() != null) {
                    keep(c, f.delivery(), f.attempt());
                }
                if (f.notice() != null) {
                    OutboxTable.add(c, f.notice(), now);
                }
            }
        }
    }

    /** Keeps one attempt of {@code delivery}, dropping those more than {@link #KEPT_ATTEMPTS} before it. */
    private static void keep(Connection c, Delivery delivery, Attempt a) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into relay_attempt (delivery_id, attempt, at, millis, "
                + "http_status, result, vendor_message, vendor_code, vendor_record_id) values (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setLong(1, delivery.id());
            ps.setInt(2, delivery.attempt());
            ps.setLong(3, a.at());
            ps.setLong(4, a.millis());
            ps.setObject(5, a.httpStatus(), Types.INTEGER);
            ps.setString(6, a.result());
            ps.setString(7, truncate(a.vendorMessage(), 1000));
            ps.setString(8, truncate(a.vendorCode(), 200));
            ps.setString(9, truncate(a.vendorRecordId(), 200));
            ps.executeUpdate();
        }
        if (delivery.attempt() > KEPT_ATTEMPTS) {
            try (PreparedStatement ps = c.prepareStatement(
                    "delete from relay_attempt where delivery_id = ? and attempt <= ?")) {
                ps.setLong(1, delivery.id());
                ps.setInt(2, delivery.attempt() - KEPT_ATTEMPTS);
                ps.executeUpdate();
            }
        }
    }
}
