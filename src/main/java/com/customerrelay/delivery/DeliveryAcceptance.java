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
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

import static com.customerrelay.store.StateStore.isDuplicate;
import static com.customerrelay.store.StateStore.isRefusedData;
import static com.customerrelay.store.StateStore.rollbackQuietly;
import static com.customerrelay.store.StateStore.truncate;

/**
 * Taking responsibility for deliveries: a request is accepted once its rows (one per vendor, relay_delivery with its
 * text in relay_payload) are committed. The unique (request_id, vendor) pair is the idempotency key within the
 * dedupe window. Transactions that accept take turns (relay_accept_turn), so ids are drawn in commit order and an
 * earlier unfinished row of a record always holds back its later ones ({@link DispatchRounds}).
 */
public final class DeliveryAcceptance {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryAcceptance.class);

    private final StateStore store;
    private final Duration dedupeWindow;
    /** The group commit of {@link #accept}: lots waiting to be committed, and who commits them. */
    private final ReentrantLock groupCommit = new ReentrantLock();
    private final Queue<Lot> waiting = new ConcurrentLinkedQueue<>();

    public DeliveryAcceptance(StateStore store, Duration dedupeWindow) {
        this.store = store;
        this.dedupeWindow = dedupeWindow;
    }

    /**
     * Takes responsibility for several deliveries in one transaction (one write to disk for the lot); the result
     * says, for each, whether it was new. If another relay accepts one of them at the same moment, or the store
     * refuses the data of one, the lot is taken one by one instead, so one request never fails the others.
     *
     * @throws StoreUnavailableException when the store cannot be reached or does not commit: nothing was accepted
     */
    public List<Acceptance> accept(List<NewDelivery> deliveries) {
        if (deliveries.isEmpty()) {
            return List.of();
        }
        Lot lot = new Lot(deliveries);
        waiting.add(lot);
        // a group commit: whoever holds the lock commits every lot waiting by then in one transaction, so callers
        // that arrive together (several queue consumers, a file and the queue) share one write to disk; a caller
        // whose lot was committed by another while it waited returns at once
        groupCommit.lock();
        try {
            if (!lot.done) {
                List<Lot> group = new ArrayList<>();
                for (Lot next; (next = waiting.poll()) != null; ) {
                    group.add(next);
                }
                try {
                    commitTogether(group);
                } catch (RuntimeException e) {
                    // not foreseen: every caller of the group hears of it and keeps its input to try again
                    for (Lot l : group) {
                        if (!l.done) {
                            l.failure = new StoreUnavailableException("state store: cannot accept requests: " + e, e);
                            l.done = true;
                        }
                    }
                }
            }
        } finally {
            groupCommit.unlock();
        }
        if (lot.failure != null) {
            throw new StoreUnavailableException(lot.failure.getMessage(), lot.failure);
        }
        return lot.result;
    }

    /** One caller's deliveries waiting to be committed, and then what became of them. */
    private static final class Lot {
        final List<NewDelivery> deliveries;
        List<Acceptance> result;
        StoreUnavailableException failure;
        volatile boolean done;

        Lot(List<NewDelivery> deliveries) {
            this.deliveries = deliveries;
        }
    }

    private void commitTogether(List<Lot> group) {
        if (group.size() > 1) {
            List<NewDelivery> all = new ArrayList<>();
            group.forEach(l -> all.addAll(l.deliveries));
            try {
                List<Acceptance> results = commitLot(all, false);
                if (results != null) {
                    int at = 0;
                    for (Lot l : group) {
                        l.result = results.subList(at, at + l.deliveries.size());
                        at += l.deliveries.size();
                        l.done = true;
                    }
                    return;
                }
            } catch (StoreUnavailableException e) {
                group.forEach(l -> l.failure = e);
                group.forEach(l -> l.done = true);
                return;
            }
        }
        // one lot, or a group one of whose deliveries the store refused: each lot on its own, so that one request
        // never fails the others
        for (Lot l : group) {
            try {
                l.result = commitLot(l.deliveries, true);
            } catch (StoreUnavailableException e) {
                l.failure = e;
            }
            l.done = true;
        }
    }

    /**
     * Commits {@code deliveries} in one transaction. When the store refuses one of them (a duplicate accepted by
     * another relay at the same moment, or data it cannot hold) and {@code oneByOne} is false, nothing is committed
     * and null is returned; with it true they are then taken one by one.
     */
    private List<Acceptance> commitLot(List<NewDelivery> deliveries, boolean oneByOne) {
        try (Connection c = store.connection()) {
            c.setAutoCommit(false);
            try {
                acceptTurn(c);
                List<Acceptance> result = insertAll(c, deliveries, store.now(c), false);
                c.commit();
                store.forceToDisk(c);
                return result;
            } catch (SQLException e) {
                rollbackQuietly(c);
                if (!isDuplicate(e) && !isRefusedData(e)) {
                    throw e;
                }
                if (!oneByOne) {
                    return null;
                }
                if (deliveries.size() == 1) {
                    if (isDuplicate(e)) {
                        return List.of(Acceptance.DUPLICATE);
                    }
                    LOG.warn("The state store refused request {} to {}: {}", SafeText.value(deliveries.get(0)
                            .requestId()), deliveries.get(0).vendor(), SafeText.value(e.getMessage()));
                    return List.of(Acceptance.REFUSED);
                }
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("state store: cannot accept requests: " + e.getMessage(), e);
        }
        List<Acceptance> result = new ArrayList<>();
        for (NewDelivery delivery : deliveries) {
            result.add(commitLot(List.of(delivery), true).get(0));
        }
        return result;
    }

    /**
     * Waits for this transaction's turn to accept deliveries (the lock on relay_accept_turn's row, held to its
     * commit or rollback), so that ids are drawn in the order transactions commit: a delivery a claim can see
     * never has an earlier one of its record still to come.
     */
    private static void acceptTurn(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select id from relay_accept_turn where id = 1 for update")) {
            if (!rs.next()) {
                throw new SQLException("relay_accept_turn has lost its row");
            }
        }
    }

    /** Work done in the transaction that accepts deliveries, knowing what became of each. */
    public interface AfterAccepting {
        void run(Connection c, long now, List<NewDelivery> deliveries, List<Acceptance> results) throws SQLException;
    }

    /**
     * Takes responsibility for {@code deliveries} and runs {@code alsoCommit} in the same transaction: a sync job
     * records the fingerprints of the rows it hands over with them, so that a relay that dies in between leaves
     * neither a request without its fingerprint (sent again) nor a fingerprint without its request (lost).
     * A delivery whose id was delivered or skipped before is delivered again (a record that changed back to what
     * it was), and so is one still pending, behind the record's later deliveries; one in flight is a duplicate. A
     * delivery whose data the store refuses is REFUSED, the others are kept.
     *
     * @throws StoreUnavailableException when the store cannot be reached or does not commit: nothing was kept
     */
    public List<Acceptance> acceptWith(List<NewDelivery> deliveries, AfterAccepting alsoCommit) {
        try (Connection c = store.connection()) {
            c.setAutoCommit(false);
            try {
                acceptTurn(c);
                long at = store.now(c);
                List<Acceptance> result = new ArrayList<>();
                boolean oneByOne = false;
                try {
                    result.addAll(insertAll(c, deliveries, at, true));
                } catch (SQLException e) {
                    if (!isDuplicate(e) && !isRefusedData(e)) {
                        throw e;
                    }
                    rollbackQuietly(c);
                    oneByOne = true;
                }
                if (oneByOne) {
                    // each delivery behind a savepoint, so that the one the store refuses leaves the others
                    result.clear();
                    for (NewDelivery delivery : deliveries) {
                        Savepoint before = c.setSavepoint();
                        try {
                            result.add(insertIfNew(c, delivery, at, true) ? Acceptance.NEW : Acceptance.DUPLICATE);
                            c.releaseSavepoint(before);
                        } catch (SQLException e) {
                            if (!isDuplicate(e) && !isRefusedData(e)) {
                                throw e;
                            }
                            c.rollback(before);
                            result.add(isDuplicate(e) ? Acceptance.DUPLICATE : Acceptance.REFUSED);
                        }
                    }
                }
                if (alsoCommit != null) {
                    alsoCommit.run(c, at, deliveries, result);
                }
                c.commit();
                store.forceToDisk(c);
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("state store: cannot accept requests: " + e.getMessage(), e);
        }
    }

    /** Each of {@code deliveries} inserted unless already there, in one go: throws at the first the store refuses. */
    private List<Acceptance> insertAll(Connection c, List<NewDelivery> deliveries, long now, boolean renew)
            throws SQLException {
        List<Acceptance> result = new ArrayList<>();
        for (NewDelivery delivery : deliveries) {
            result.add(insertIfNew(c, delivery, now, renew) ? Acceptance.NEW : Acceptance.DUPLICATE);
        }
        return result;
    }

    private boolean insertIfNew(Connection c, NewDelivery d, long now, boolean renew) throws SQLException {
        try (PreparedStatement q = c.prepareStatement(
                "select id, status, created_at, attempts from relay_delivery where request_id = ? and vendor = ?")) {
            q.setString(1, d.requestId());
            q.setString(2, d.vendor());
            try (ResultSet rs = q.executeQuery()) {
                if (rs.next()) {
                    String status = rs.getString(2);
                    // only a finished delivery leaves the dedupe window: one still waiting (behind a pause, an
                    // outage) is the same request however old
                    boolean finished = DeliveryStatus.valueOf(status).finished();
                    boolean expired = finished && rs.getLong(3) < now - dedupeWindow.toMillis();
                    // renewed: a delivery not being attempted right now is made afresh, behind the record's later
                    // deliveries (one in flight cannot be taken back: it stays a duplicate)
                    boolean renewable = renew && !DeliveryStatus.INFLIGHT.name().equals(status);
                    if (!DeliveryStatus.DEAD.name().equals(status) && !expired && !renewable) {
                        return false;
                    }
                    // deleted only as it was read: a dispatch round (here or on another relay) may have claimed it
                    // since, and a delivery in flight is never taken back
                    try (PreparedStatement del = c.prepareStatement("delete from relay_delivery where id = ? "
                            + "and status = ? and attempts = ?");
                         PreparedStatement delPayload = c.prepareStatement("delete from relay_payload where id = ?");
                         PreparedStatement delAttempts = c.prepareStatement(
                                 "delete from relay_attempt where delivery_id = ?")) {
                        del.setLong(1, rs.getLong(1));
                        del.setString(2, status);
                        del.setInt(3, rs.getInt(4));
                        if (del.executeUpdate() == 0) {
                            return false;
                        }
                        delPayload.setLong(1, rs.getLong(1));
                        delPayload.executeUpdate();
                        delAttempts.setLong(1, rs.getLong(1));
                        delAttempts.executeUpdate();
                    }
                }
            }
        }
        long id;
        try (PreparedStatement i = c.prepareStatement("""
                insert into relay_delivery (request_id, vendor, kind, record_key, occurred_at, status,
                  attempts, next_attempt_at, lease_until, created_at, skipped)
                values (?, ?, ?, ?, ?, 'PENDING', 0, ?, 0, ?, ?)""", new String[] {"id"})) {
            i.setString(1, d.requestId());
            i.setString(2, d.vendor());
            i.setString(3, d.kind());
            i.setString(4, d.recordKey());
            if (d.occurredAt() == null) {
                i.setNull(5, java.sql.Types.BIGINT);
            } else {
                i.setLong(5, d.occurredAt());
            }
            i.setLong(6, now);
            i.setLong(7, now);
            i.setString(8, truncate(d.skipped(), 2000));
            i.executeUpdate();
            try (ResultSet keys = i.getGeneratedKeys()) {
                keys.next();
                id = keys.getLong(1);
            }
        }
        try (PreparedStatement p = c.prepareStatement(
                "insert into relay_payload (id, request_json, source_json) values (?, ?, ?)")) {
            p.setLong(1, id);
            p.setString(2, d.requestJson());
            p.setString(3, truncate(d.sourceJson(), 4000));
            p.executeUpdate();
        }
        return true;
    }
}
