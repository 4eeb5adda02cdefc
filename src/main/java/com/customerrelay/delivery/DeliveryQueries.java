package com.customerrelay.delivery;

import com.customerrelay.store.StateStore;
import com.customerrelay.store.StoreUnavailableException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** What the store knows of deliveries, read for the HTTP API, the metrics, the circuits and the staleness check. */
public final class DeliveryQueries {

    private final StateStore store;

    public DeliveryQueries(StateStore store) {
        this.store = store;
    }

    /** A delivery of one request as the store keeps it, for GET /requests/{id}. */
    public record Status(long id, String vendor, DeliveryStatus status, int attempts, long nextAttemptAt,
                         Long lastAttemptAt, String lastErrorJson, String skipped, int unanswered) {

        /** The attempts that counted against max-attempts (those made while the vendor was down did not). */
        public int countedAttempts() {
            return attempts - unanswered;
        }
    }

    /** Whether the delivery of {@code requestId} to {@code vendor} is in flight (its outcome not yet recorded). */
    public boolean inFlight(String requestId, String vendor) {
        return statusOf(requestId).stream()
                .anyMatch(d -> d.vendor().equals(vendor) && d.status() == DeliveryStatus.INFLIGHT);
    }

    /** The deliveries of request {@code requestId}, one per vendor (empty: the store does not know it). */
    public List<Status> statusOf(String requestId) {
        List<Status> result = new ArrayList<>();
        try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement(
                "select vendor, status, attempts, next_attempt_at, last_attempt_at, last_error, skipped, unanswered, "
                        + "id from relay_delivery where request_id = ? order by vendor")) {
            ps.setString(1, requestId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Long last = rs.getObject(5, Long.class);
                    result.add(new Status(rs.getLong(9), rs.getString(1), DeliveryStatus.valueOf(rs.getString(2)),
                            rs.getInt(3), rs.getLong(4), last, rs.getString(6), rs.getString(7), rs.getInt(8)));
                }
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("state store: lookup failed: " + e.getMessage(), e);
        }
        return result;
    }

    /** The kept attempts of delivery {@code deliveryId}, oldest first. */
    public List<Attempt> attemptsOf(long deliveryId) {
        return store.withConnection((c, now) -> {
            List<Attempt> attempts = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select at, millis, http_status, result, vendor_message, "
                    + "vendor_code, vendor_record_id from relay_attempt where delivery_id = ? order by attempt")) {
                ps.setLong(1, deliveryId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        attempts.add(new Attempt(rs.getLong(1), rs.getLong(2), rs.getObject(3, Integer.class),
                                rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7)));
                    }
                }
            }
            return attempts;
        });
    }

    /**
     * How long the oldest delivery waiting for {@code vendor} has waited since its acceptance, in seconds; 0 when
     * none waits. The oldest is the lowest id (ids follow acceptance), read off relay_delivery_status, so the cost
     * stays flat as the backlog grows.
     */
    public double oldestPendingSeconds(String vendor) {
        try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement(
                "select created_at from relay_delivery where id = (select min(id) from relay_delivery "
                        + "where vendor = ? and status = ?)")) {
            ps.setString(1, vendor);
            ps.setString(2, DeliveryStatus.PENDING.name());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Math.max(0, store.now(c) - rs.getLong(1)) / 1000.0 : 0;
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("state store: oldest pending failed: " + e.getMessage(), e);
        }
    }

    /** Number of deliveries in {@code status}, for vendor {@code vendor} (null: all vendors). */
    public long count(DeliveryStatus status, String vendor) {
        String sql = "select count(*) from relay_delivery where status = ?" + (vendor == null ? "" : " and vendor = ?");
        try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, status.name());
            if (vendor != null) {
                ps.setString(2, vendor);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("state store: count failed: " + e.getMessage(), e);
        }
    }

    /** Number of deliveries not yet finished (waiting, retrying or in flight). */
    public long unfinished() {
        try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement(
                "select count(*) from relay_delivery where status in ('PENDING', 'INFLIGHT')");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new StoreUnavailableException("state store: count failed: " + e.getMessage(), e);
        }
    }

    /** The canonical members the vendor had no place for, as recorded when the request was accepted. */
    public String skipped(String requestId, String vendor) {
        try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement(
                "select skipped from relay_delivery where request_id = ? and vendor = ?")) {
            ps.setString(1, requestId);
            ps.setString(2, vendor);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("state store: lookup failed: " + e.getMessage(), e);
        }
    }

    /** The latest occurredAt among the delivered updates of a record, or null. */
    public Long lastDeliveredOccurredAt(String vendor, String recordKey) {
        try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement(
                "select max(occurred_at) from relay_delivery where vendor = ? and record_key = ? "
                        + "and status = 'DELIVERED'")) {
            ps.setString(1, vendor);
            ps.setString(2, recordKey);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long value = rs.getLong(1);
                return rs.wasNull() ? null : value;
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("state store: lookup failed: " + e.getMessage(), e);
        }
    }
}
