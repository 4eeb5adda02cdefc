package com.customerrelay.delivery;

import com.customerrelay.store.StateStore;
import com.customerrelay.store.StoreUnavailableException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static com.customerrelay.store.StateStore.truncate;

/**
 * The outcome messages waiting to be published (relay_outbox, PRODUCT.md §8): written in the transaction that
 * records an outcome ({@link DispatchRounds}) and removed once the broker or Kafka acknowledged them
 * ({@link OutcomeOutbox}).
 */
public final class OutboxTable {

    private final StateStore store;

    public OutboxTable(StateStore store) {
        this.store = store;
    }

    /** Puts {@code notice} in the outbox within the caller's transaction. */
    static void add(Connection c, OutcomeNotice notice, long now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "insert into relay_outbox (record_key, reply_to, body, created_at) values (?, ?, ?, ?)")) {
            ps.setString(1, truncate(notice.key(), 700));
            ps.setString(2, truncate(notice.replyTo(), 400));
            ps.setString(3, truncate(notice.body(), 16000));
            ps.setLong(4, now);
            ps.executeUpdate();
        }
    }

    /**
     * Puts an outcome message in the outbox on its own (an invalid request's, which has no delivery row).
     *
     * @throws StoreUnavailableException when the store cannot take it
     */
    public void add(OutcomeNotice notice) {
        store.withConnection((c, now) -> {
            add(c, notice, now);
            return null;
        });
    }

    /** A message waiting in the outbox. */
    public record Waiting(long id, String key, String replyTo, String body) {
    }

    /**
     * Up to {@code limit} outbox messages in the order they were written, when this relay ({@code holder}) has the
     * outbox's turn — taken when free or when its holder has not renewed it for {@code leaseMs} — else none: one
     * relay publishes at a time, so one record's outcomes never pass each other.
     */
    public List<Waiting> turn(String holder, long leaseMs, int limit) {
        return store.withConnection((c, now) -> {
            try (PreparedStatement turn = c.prepareStatement("update relay_outbox_turn set holder = ?, held_until = ? "
                    + "where id = 1 and (holder = ? or held_until < ?)")) {
                turn.setString(1, holder);
                turn.setLong(2, now + leaseMs);
                turn.setString(3, holder);
                turn.setLong(4, now);
                if (turn.executeUpdate() == 0) {
                    return List.of();
                }
            }
            List<Waiting> waiting = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "select id, record_key, reply_to, body from relay_outbox order by id limit ?")) {
                ps.setInt(1, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        waiting.add(new Waiting(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)));
                    }
                }
            }
            return waiting;
        });
    }

    /** Removes published outbox messages. */
    public void remove(List<Long> ids) {
        if (ids.isEmpty()) {
            return;
        }
        store.withConnection((c, now) -> {
            try (PreparedStatement ps = c.prepareStatement("delete from relay_outbox where id = ?")) {
                for (long id : ids) {
                    ps.setLong(1, id);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** Outcome messages waiting to be published. */
    public long size() {
        return store.withConnection((c, now) -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select count(*) from relay_outbox")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }
}
