package com.customerrelay.store;

import com.customerrelay.core.RelaySettings;
import com.customerrelay.core.Secrets;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.apache.camel.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The relay's state store: a pool of connections to embedded H2 (one relay) or PostgreSQL (several relays sharing
 * the work), the store's clock, and the schema of {@code store/schema.sql}, prepared at start. The tables' owners
 * (DeliveryAcceptance, DispatchRounds, DeliveryQueries, OutboxTable, VendorPauses, DeadLetterIndex, SyncStore) work
 * through {@link #withConnection} and {@link #inTransaction}.
 */
public final class StateStore implements Service {

    private static final Logger LOG = LoggerFactory.getLogger(StateStore.class);
    /** The smallest pool: the intakes, the dispatcher, the HTTP API and the sync jobs. */
    public static final int MIN_POOL = 16;

    private final HikariDataSource pool;
    private final boolean shared;
    /** Whether an acceptance must force the store's file to the disk itself (embedded H2; see forceToDisk). */
    private final boolean forceToDisk;
    /**
     * The store's clock in epoch milliseconds, as SQL. Every time kept in the store (leases, retry times, acceptance)
     * is read off this one clock, so relays whose own clocks differ still agree on when a lease has ended.
     */
    private final String now;

    /**
     * @param shared   false when this relay is the store's only user (embedded H2)
     * @param poolSize the most connections at once (see {@link #poolSize(RelaySettings, List)})
     */
    public StateStore(String url, String user, String password, boolean shared, int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        // opened as they are needed: relays sharing one PostgreSQL server do not each hold their whole pool
        config.setMinimumIdle(Math.min(4, poolSize));
        config.setPoolName("relay-store");
        config.setInitializationFailTimeout(30_000);
        // fail a call within 3 s when the store is away, so the intakes back off (and say so) instead of hanging
        config.setConnectionTimeout(3_000);
        config.setValidationTimeout(2_000);
        this.pool = new HikariDataSource(config);
        this.shared = shared;
        this.forceToDisk = !shared && !url.startsWith("jdbc:h2:mem:");
        this.now = url.startsWith("jdbc:postgresql:")
                ? "cast(extract(epoch from clock_timestamp()) * 1000 as bigint)"
                : "cast(extract(epoch from current_timestamp(3)) * 1000 as bigint)";
        createSchema();
    }

    /** A store for tests and tools: its own pool of {@link #MIN_POOL}. */
    public StateStore(String url, String user, String password, boolean shared) {
        this(url, user, password, shared, MIN_POOL);
    }

    /** The store {@code relay.store.*} name: embedded H2 under the data folder unless {@code relay.store.url} is set. */
    public static StateStore open(RelaySettings settings, List<String> vendors) {
        String configured = settings.optional("relay.store.url").orElse(null);
        // WRITE_DELAY=0: H2 otherwise keeps the last second of commits in memory, and a relay killed in that second
        // would lose requests it had already acknowledged to the queue.
        String url = configured != null ? configured : "jdbc:h2:file:"
                + settings.dataDir().resolve("store").resolve("relay").toAbsolutePath() + ";WRITE_DELAY=0";
        boolean embedded = url.startsWith("jdbc:h2:file:") || url.startsWith("jdbc:h2:mem:")
                || (url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:h2:tcp:") && !url.startsWith("jdbc:h2:ssl:"));
        String password = settings.optional("relay.store.password").orElse("");
        Secrets.register(password);
        Secrets.registerUrl(url);
        return new StateStore(url, settings.string("relay.store.user", "relay"), password, !embedded,
                poolSize(settings, vendors));
    }

    /**
     * Connections enough for every thread that may ask the store at once: besides {@link #MIN_POOL}, each delivery
     * thread (a vendor's concurrency; one asks before its attempt whether a newer update went out) and each queue
     * consumer. With 16 for everything, 4 vendors at concurrency 8 waited for connections and timed out.
     */
    public static int poolSize(RelaySettings settings, List<String> vendors) {
        long size = MIN_POOL + settings.number("relay.queue.consumers", 1);
        for (String vendor : vendors) {
            size += settings.vendor(vendor).concurrency();
        }
        return (int) Math.min(size, 500);
    }

    /** The most connections the store's pool opens. */
    public int poolSize() {
        return pool.getMaximumPoolSize();
    }

    /** False when this relay is the store's only user (embedded H2). */
    public boolean shared() {
        return shared;
    }

    /** Work done on a store connection; {@code now} is the store's clock (epoch ms) when the work began. */
    public interface Work<T> {
        T run(Connection c, long now) throws SQLException;
    }

    /**
     * Runs {@code work} on a connection of the pool in auto-commit mode.
     *
     * @throws StoreUnavailableException when the store cannot be reached or the work fails
     */
    public <T> T withConnection(Work<T> work) {
        try (Connection c = pool.getConnection()) {
            return work.run(c, now(c));
        } catch (SQLException e) {
            throw new StoreUnavailableException("state store: " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code work} in one transaction, committed when it returns and rolled back when it throws.
     *
     * @param what what the work does, for the exception's message ("dispatch round failed")
     * @throws StoreUnavailableException when the store cannot be reached or does not commit
     */
    public <T> T inTransaction(String what, Work<T> work) {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c, now(c));
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreUnavailableException("state store: " + what + ": " + e.getMessage(), e);
        }
    }

    /** A connection of the pool, for work that commits in steps of its own (the caller closes it). */
    public Connection connection() throws SQLException {
        return pool.getConnection();
    }

    /**
     * The store's clock, epoch milliseconds. An embedded store has only this relay as its user, on this machine's
     * clock, so the round trip is spared there.
     */
    public long now(Connection c) throws SQLException {
        if (!shared) {
            return System.currentTimeMillis();
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select " + now)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Makes the embedded store's commit survive a power cut before the deliveries are acknowledged: H2 writes each
     * commit to its file (WRITE_DELAY=0) but leaves it in the operating system's cache, and never calls fsync on its
     * own (strace showed none while POST /updates answered 202); CHECKPOINT SYNC has H2 write what it holds and
     * force the file to the device. PostgreSQL syncs its own commits (synchronous_commit, on by default).
     */
    public void forceToDisk(Connection c) throws SQLException {
        if (forceToDisk) {
            try (Statement s = c.createStatement()) {
                s.execute("checkpoint sync");
            }
        }
    }

    /** One round trip to the store; throws {@link StoreUnavailableException} when it does not answer. */
    public void ping() {
        withConnection((c, now) -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select 1")) {
                rs.next();
            }
            return null;
        });
    }

    public static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the pool drops it
        }
    }

    /** SQL state 23505: a unique key already holds the value. */
    public static boolean isDuplicate(SQLException e) {
        return "23505".equals(e.getSQLState());
    }

    /** SQL state class 22, "data exception": the value, not the store, is the problem. */
    public static boolean isRefusedData(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith("22");
    }

    /** {@code text} cut to the {@code max} characters its column holds. */
    public static String truncate(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }

    private void createSchema() {
        List<String> statements = statements("store/schema.sql");
        for (int attempt = 1; ; attempt++) {
            try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                for (String sql : statements) {
                    s.execute(sql);
                }
                movePayloadsOutOfStatusRows(c);
                return;
            } catch (SQLException e) {
                // two relays starting together on PostgreSQL can collide on "if not exists"; the second try sees
                // what the other created
                if (attempt >= 3) {
                    throw new IllegalStateException("cannot prepare the state store: " + e.getMessage(), e);
                }
                LOG.info("Preparing the state store failed ({}); trying again", e.getMessage());
                try {
                    Thread.sleep(200L * attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while preparing the state store", interrupted);
                }
            }
        }
    }

    /** The statements of a schema resource: each ends with ";" at the end of a line; "--" lines are comments. */
    static List<String> statements(String resource) {
        String text;
        try (InputStream in = StateStore.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks " + resource);
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource + ": " + e.getMessage(), e);
        }
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                statements.add(current.substring(0, current.lastIndexOf(";")).strip());
                current.setLength(0);
            }
        }
        if (!current.isEmpty()) {
            statements.add(current.toString().strip());
        }
        return statements;
    }

    /**
     * A store written before the request text moved to relay_payload keeps it in relay_delivery: moved over once,
     * at the first start on this version.
     */
    private static void movePayloadsOutOfStatusRows(Connection c) throws SQLException {
        boolean old;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "select request_json from relay_delivery where 1 = 0")) {
            old = true;
        } catch (SQLException noSuchColumn) {
            old = false;
        }
        if (!old) {
            return;
        }
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            int moved = s.executeUpdate("insert into relay_payload (id, request_json, source_json) "
                    + "select id, request_json, source_json from relay_delivery d "
                    + "where not exists (select 1 from relay_payload p where p.id = d.id)");
            s.execute("alter table relay_delivery drop column request_json");
            s.execute("alter table relay_delivery drop column source_json");
            c.commit();
            LOG.info("State store: moved the request text of {} deliveries to relay_payload", moved);
        } catch (SQLException e) {
            rollbackQuietly(c);
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    @Override
    public void start() {
        // the pool is ready from construction
    }

    @Override
    public void stop() {
        pool.close();
    }
}
