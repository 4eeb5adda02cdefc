package com.customerrelay.delivery;

import com.customerrelay.store.StateStore;
import com.customerrelay.store.StoreUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The pauses an operator set (POST /vendors/{vendor}/pause|resume), kept in relay_vendor_pause so that every relay
 * on the store and every restart honours them ({@link VendorCircuits} reads them each second).
 */
public final class VendorPauses {

    private static final Logger LOG = LoggerFactory.getLogger(VendorPauses.class);

    private final StateStore store;

    public VendorPauses(StateStore store) {
        this.store = store;
    }

    /** The paused vendors and since when (epoch ms, the store's clock). */
    public Map<String, Long> pausedVendors() {
        Map<String, Long> paused = new LinkedHashMap<>();
        try (Connection c = store.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select vendor, paused_at from relay_vendor_pause")) {
            while (rs.next()) {
                paused.put(rs.getString(1), rs.getLong(2));
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("state store: lookup failed: " + e.getMessage(), e);
        }
        return paused;
    }

    /** Pauses {@code vendor} (kept until {@link #resume}); returns since when it is paused (epoch ms). */
    public long pause(String vendor) {
        try (Connection c = store.connection()) {
            long at = store.now(c);
            try (PreparedStatement ps = c.prepareStatement("insert into relay_vendor_pause (vendor, paused_at) "
                    + "select ?, ? where not exists (select 1 from relay_vendor_pause where vendor = ?)")) {
                ps.setString(1, vendor);
                ps.setLong(2, at);
                ps.setString(3, vendor);
                ps.executeUpdate();
            } catch (SQLException raced) {
                // another relay paused it at the same moment: its row stands
                LOG.debug("Pause of {} raced another relay's: {}", vendor, raced.getMessage());
            }
            try (PreparedStatement ps = c.prepareStatement("select paused_at from relay_vendor_pause where vendor = ?")) {
                ps.setString(1, vendor);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : at;
                }
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("state store: cannot pause " + vendor + ": " + e.getMessage(), e);
        }
    }

    /** Lifts the pause of {@code vendor}. */
    public void resume(String vendor) {
        store.withConnection((c, now) -> {
            try (PreparedStatement ps = c.prepareStatement("delete from relay_vendor_pause where vendor = ?")) {
                ps.setString(1, vendor);
                return ps.executeUpdate();
            }
        });
    }
}
