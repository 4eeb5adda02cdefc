package com.customerrelay.sync;

import java.sql.Array;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The rows of a sync job's JDBC query, fetched {@code fetch-size} at a time (a forward-only, read-only cursor in a
 * read-only transaction: PostgreSQL streams only so), never held whole. Timestamps become instants: one with a
 * time zone as it says, one without in the job's time-zone.
 */
final class JdbcRows implements RowReader {

    private final Connection connection;
    private final PreparedStatement statement;
    private final ResultSet rows;
    private final List<String> columns = new ArrayList<>();
    private final int[] types;
    private final boolean[] zoned;
    private final ZoneId zone;
    private long row;

    JdbcRows(SyncJob job) throws SQLException {
        this.zone = job.timeZone();
        connection = DriverManager.getConnection(job.jdbcUrl(), job.jdbcUser(), job.jdbcPassword());
        try {
            connection.setAutoCommit(false);
            connection.setReadOnly(true);
            statement = connection.prepareStatement(job.query(), ResultSet.TYPE_FORWARD_ONLY,
                    ResultSet.CONCUR_READ_ONLY);
            statement.setFetchSize(job.fetchSize());
            rows = statement.executeQuery();
            ResultSetMetaData meta = rows.getMetaData();
            types = new int[meta.getColumnCount()];
            zoned = new boolean[types.length];
            for (int i = 0; i < types.length; i++) {
                columns.add(meta.getColumnLabel(i + 1));
                types[i] = meta.getColumnType(i + 1);
                String typeName = String.valueOf(meta.getColumnTypeName(i + 1)).toLowerCase(Locale.ROOT);
                zoned[i] = types[i] == Types.TIMESTAMP_WITH_TIMEZONE || typeName.equals("timestamptz")
                        || typeName.contains("with time zone");
            }
        } catch (SQLException | RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public List<String> columns() {
        return columns;
    }

    @Override
    public SyncRow next() throws SQLException {
        if (!rows.next()) {
            return null;
        }
        row++;
        Map<String, Object> cells = new HashMap<>();
        for (int i = 0; i < types.length; i++) {
            cells.put(columns.get(i).toLowerCase(Locale.ROOT), value(i + 1));
        }
        return new SyncRow(row, cells, null);
    }

    private Object value(int column) throws SQLException {
        int type = types[column - 1];
        if (zoned[column - 1]) {
            OffsetDateTime at = rows.getObject(column, OffsetDateTime.class);
            return at == null ? null : at.toInstant();
        }
        switch (type) {
            case Types.TIMESTAMP -> {
                LocalDateTime at = rows.getObject(column, LocalDateTime.class);
                return at == null ? null : at.atZone(zone).toInstant();
            }
            case Types.DATE -> {
                return rows.getObject(column, LocalDate.class);
            }
            case Types.CLOB, Types.NCLOB -> {
                Clob clob = rows.getClob(column);
                return clob == null ? null : clob.getSubString(1, (int) Math.min(clob.length(), Integer.MAX_VALUE));
            }
            case Types.ARRAY -> {
                Array array = rows.getArray(column);
                return array == null ? null : Arrays.asList((Object[]) array.getArray());
            }
            default -> {
                Object value = rows.getObject(column);
                if (value instanceof Number || value instanceof Boolean || value instanceof String || value == null) {
                    return value;
                }
                return rows.getString(column);
            }
        }
    }

    @Override
    public void close() {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // read-only: nothing to undo
        }
        try {
            connection.close();
        } catch (SQLException ignored) {
            // closing a broken connection
        }
    }
}
