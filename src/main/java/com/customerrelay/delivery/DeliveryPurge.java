package com.customerrelay.delivery;

import com.customerrelay.store.StateStore;
import com.customerrelay.store.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static com.customerrelay.store.StateStore.rollbackQuietly;

/** Forgets finished deliveries once they are older than the dedupe window (the purge route, dispatch.camel.yaml). */
public final class DeliveryPurge {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryPurge.class);

    private final StateStore store;
    private final Duration dedupeWindow;

    public DeliveryPurge(StateStore store, Duration dedupeWindow) {
        this.store = store;
        this.dedupeWindow = dedupeWindow;
    }

    /** Rows deleted per purge transaction. */
    static final int PURGE_CHUNK = 1_000;
    /* The finished deliveries past the dedupe window, oldest first, a chunk at a time (relay_delivery_created). */
    private static final String PURGEABLE = "select id from relay_delivery where created_at < ? "
            + "and status in ('DELIVERED', 'DEAD', 'SKIPPED') order by created_at limit ?";

    /** Forgets finished deliveries older than the dedupe window. */
    public int purge() {
        return purgeInChunks(PURGE_CHUNK);
    }

    /**
     * Forgets finished deliveries older than the dedupe window, {@code chunk} rows per transaction: a purge of a
     * week's millions never holds one transaction (and its locks, and PostgreSQL's undo) over all of them. The
     * cut-off is read once off the store's clock, and each chunk deletes exactly the ids it selected from both
     * tables, so no request text is left behind without its row. (Not an overload of purge: the purge route calls
     * that by name.)
     */
    int purgeInChunks(int chunk) {
        int removed = 0;
        try (Connection c = store.connection();
             PreparedStatement select = c.prepareStatement(PURGEABLE);
             PreparedStatement payload = c.prepareStatement("delete from relay_payload where id = ?");
             PreparedStatement attempts = c.prepareStatement("delete from relay_attempt where delivery_id = ?");
             PreparedStatement row = c.prepareStatement("delete from relay_delivery where id = ? "
                     + "and status in ('DELIVERED', 'DEAD', 'SKIPPED')")) {
            long cutoff = store.now(c) - dedupeWindow.toMillis();
            c.setAutoCommit(false);
            for (int got = chunk; got == chunk; ) {
                got = 0;
                try {
                    select.setLong(1, cutoff);
                    select.setInt(2, chunk);
                    List<Long> ids = new ArrayList<>();
                    try (ResultSet rs = select.executeQuery()) {
                        while (rs.next()) {
                            ids.add(rs.getLong(1));
                        }
                    }
                    got = ids.size();
                    for (long id : ids) {
                        row.setLong(1, id);
                        row.addBatch();
                        payload.setLong(1, id);
                        payload.addBatch();
                        attempts.setLong(1, id);
                        attempts.addBatch();
                    }
                    if (got > 0) {
                        for (int n : row.executeBatch()) {
                            removed += Math.max(n, 0);
                        }
                        payload.executeBatch();
                        attempts.executeBatch();
                    }
                    c.commit();
                } catch (SQLException e) {
                    rollbackQuietly(c);
                    throw e;
                }
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("state store: purge failed: " + e.getMessage(), e);
        }
        if (removed > 0) {
            LOG.info("Purged {} finished deliveries older than the dedupe window", removed);
        }
        return removed;
    }
}
