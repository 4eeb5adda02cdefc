package com.customerrelay.support;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** The embedded H2 store a relay left in its folder ({@code data/store/relay}), read with SQL once it has stopped. */
public final class StoreFile implements AutoCloseable {

    private final Connection connection;

    private StoreFile(Connection connection) {
        this.connection = connection;
    }

    /** The store of the relay whose data root is {@code relayDir}/data. */
    public static StoreFile of(Path relayDir) throws SQLException {
        return new StoreFile(DriverManager.getConnection("jdbc:h2:file:"
                + relayDir.resolve("data/store/relay").toAbsolutePath(), "relay", ""));
    }

    /** The number {@code sql} (a {@code select count(*) ...}) answers. */
    public long count(String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The rows {@code sql} selects, one line each with its columns between " | ", for a failure's message. */
    public String rows(String sql) throws SQLException {
        StringBuilder text = new StringBuilder();
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                text.append('\n');
                for (int i = 1; i <= columns; i++) {
                    text.append(i == 1 ? "" : " | ").append(rs.getString(i));
                }
            }
        }
        return text.toString();
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
