package com.customerrelay.sync;

import com.customerrelay.store.StateStore;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the sync jobs keep in the relay's state store, beside the deliveries, so that relays sharing the store share
 * it too: the fingerprint last handed over per (job, key), and per job the run lock — a lease, so that one relay
 * runs a job at a time and a run whose relay died is taken over once its lease has ended — with the last report.
 * A lease here rather than Quartz's clustered JDBC JobStore (or camel-master, which has no JDBC-backed cluster
 * service): it works the same on the embedded H2 store and on PostgreSQL without Quartz's own tables, and the
 * handover's transaction can check it ({@link #fence}), which a scheduler's lock could not.
 */
final class SyncStore {

    private static final Logger LOG = LoggerFactory.getLogger(SyncStore.class);

    private final StateStore store;

    SyncStore(StateStore store) {
        this.store = store;
    }

    /** The run lock of each job, made when the job is new (its tables are in store/schema.sql). */
    void addJobs(Collection<String> jobs) {
        store.withConnection((c, now) -> {
            for (String job : jobs) {
                try (PreparedStatement ps = c.prepareStatement(
                        "insert into relay_sync_run (job, lease_until, completed_runs) select ?, 0, 0 "
                                + "where not exists (select 1 from relay_sync_run where job = ?)")) {
                    ps.setString(1, job);
                    ps.setString(2, job);
                    ps.executeUpdate();
                } catch (SQLException e) {
                    if (!StateStore.isDuplicate(e)) {
                        throw e; // another relay inserted it at the same moment: fine
                    }
                }
            }
            return null;
        });
    }

    /**
     * The fingerprints last handed over of {@code keys}, by key (a key never handed over is absent). The key is the
     * first column of the primary key: H2 looks an IN list up in an index only on its first column, and with the
     * job first it read every fingerprint of the job for each batch (0.7 s a batch at 200,000 rows, 4 ms now).
     */
    Map<String, String> fingerprints(String job, List<String> keys) {
        Map<String, String> found = new HashMap<>();
        if (keys.isEmpty()) {
            return found;
        }
        return store.withConnection((c, now) -> {
            for (int from = 0; from < keys.size(); from += 500) {
                List<String> part = keys.subList(from, Math.min(keys.size(), from + 500));
                String sql = "select record_key, fingerprint from relay_sync_fingerprint where job = ? and record_key in ("
                        + "?,".repeat(part.size() - 1) + "?)";
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setString(1, job);
                    for (int i = 0; i < part.size(); i++) {
                        ps.setString(i + 2, part.get(i));
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            found.put(rs.getString(1), rs.getString(2));
                        }
                    }
                }
            }
            return found;
        });
    }

    /**
     * Records fingerprints on {@code c} (the transaction that hands their requests over): {@code known} are the keys
     * that had one before, the others are new.
     */
    static void record(Connection c, long now, String job, Map<String, String> fingerprints, Collection<String> known)
            throws SQLException {
        try (PreparedStatement update = c.prepareStatement(
                "update relay_sync_fingerprint set fingerprint = ?, handed_at = ? where job = ? and record_key = ?");
             PreparedStatement insert = c.prepareStatement(
                "insert into relay_sync_fingerprint (job, record_key, fingerprint, handed_at) values (?, ?, ?, ?)")) {
            int updates = 0;
            int inserts = 0;
            for (Map.Entry<String, String> e : fingerprints.entrySet()) {
                if (known.contains(e.getKey())) {
                    update.setString(1, e.getValue());
                    update.setLong(2, now);
                    update.setString(3, job);
                    update.setString(4, e.getKey());
                    update.addBatch();
                    updates++;
                } else {
                    insert.setString(1, job);
                    insert.setString(2, e.getKey());
                    insert.setString(3, e.getValue());
                    insert.setLong(4, now);
                    insert.addBatch();
                    inserts++;
                }
            }
            if (updates > 0) {
                update.executeBatch();
            }
            if (inserts > 0) {
                insert.executeBatch();
            }
        }
    }

    /**
     * On {@code c}, in the transaction that hands a batch over: extends the run's lease, and fails the
     * transaction when this relay no longer holds it (its lease ended while the store was away, and another relay
     * may have taken the job over): a run that lost its lock never commits a handover.
     */
    static void fence(Connection c, long now, String job, String owner, long leaseMs) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update relay_sync_run set lease_until = ? "
                + "where job = ? and owner = ? and lease_until >= ?")) {
            ps.setLong(1, now + leaseMs);
            ps.setString(2, job);
            ps.setString(3, owner);
            ps.setLong(4, now);
            if (ps.executeUpdate() != 1) {
                throw new SQLException("the run lock of sync job " + job + " was lost (its lease ended); another run "
                        + "takes over", "40001");
            }
        }
    }

    /** True when the job has recorded a fingerprint (it has seen rows). */
    boolean hasFingerprints(String job) {
        return store.withConnection((c, now) -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "select 1 from relay_sync_fingerprint where job = ? fetch first 1 rows only")) {
                ps.setString(1, job);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /** Takes the job's run lock for {@code leaseMs} unless another run holds it; true when taken. */
    boolean tryLock(String job, String owner, long leaseMs) {
        return store.withConnection((c, now) -> {
            try (PreparedStatement ps = c.prepareStatement("update relay_sync_run set owner = ?, lease_until = ?, "
                    + "started_at = ? where job = ? and (owner is null or lease_until < ?)")) {
                ps.setString(1, owner);
                ps.setLong(2, now + leaseMs);
                ps.setLong(3, now);
                ps.setString(4, job);
                ps.setLong(5, now);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Extends the lease of a run this relay holds; false when it no longer holds it. */
    boolean renew(String job, String owner, long leaseMs) {
        return store.withConnection((c, now) -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "update relay_sync_run set lease_until = ? where job = ? and owner = ?")) {
                ps.setLong(1, now + leaseMs);
                ps.setString(2, job);
                ps.setString(3, owner);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Ends a run: the lock is let go and its report kept; a completed run counts towards "not the first run". */
    void finish(String job, String owner, boolean completed, String reportJson) {
        store.withConnection((c, now) -> {
            try (PreparedStatement ps = c.prepareStatement("update relay_sync_run set owner = null, lease_until = 0, "
                    + "completed_runs = completed_runs + ?, last_report = ? where job = ? and owner = ?")) {
                ps.setInt(1, completed ? 1 : 0);
                ps.setString(2, reportJson.length() > 8000 ? reportJson.substring(0, 8000) : reportJson);
                ps.setString(3, job);
                ps.setString(4, owner);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Lets go of the job's lock whoever holds it: for the embedded store, which only this relay uses. */
    void releaseAny(String job) {
        store.withConnection((c, now) -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "update relay_sync_run set owner = null, lease_until = 0 where job = ? and owner is not null")) {
                ps.setString(1, job);
                if (ps.executeUpdate() > 0) {
                    LOG.info("Sync job {}: the run that was going on "
                            + "when the relay last stopped is redone by the next run", job);
                }
            }
            return null;
        });
    }

    SyncRunState state(String job) {
        return store.withConnection((c, now) -> {
            try (PreparedStatement ps = c.prepareStatement("select owner, lease_until, started_at, completed_runs, "
                    + "last_report from relay_sync_run where job = ?")) {
                ps.setString(1, job);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return new SyncRunState(false, null, null, 0, null);
                    }
                    boolean running = rs.getString(1) != null && rs.getLong(2) >= now;
                    long started = rs.getLong(3);
                    return new SyncRunState(running, running ? rs.getString(1) : null, rs.wasNull() ? null : started,
                            rs.getLong(4), rs.getString(5));
                }
            }
        });
    }
}
