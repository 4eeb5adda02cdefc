package com.customerrelay.support;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PostgreSQL server for the shared-state tests. .ci/run installs and starts one and passes it in
 * RELAY_TEST_PG_URL, _USER and _PASSWORD. Under CI (CI=true) a missing server fails the test; on a developer's
 * machine without one the test is skipped with a note.
 */
public final class PostgresSupport {

    private static final Pattern SERVER = Pattern.compile("jdbc:postgresql://([^:/]+):(\\d+)/(.+)");

    public final String url;
    public final String user;
    public final String password;

    private PostgresSupport(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    public static PostgresSupport required() {
        String url = System.getenv("RELAY_TEST_PG_URL");
        if (url == null || url.isBlank()) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail("RELAY_TEST_PG_URL is not set: under CI the PostgreSQL server must be running "
                        + "(.ci/run starts it)");
            }
            Assumptions.abort("RELAY_TEST_PG_URL is not set; run .ci/run to test shared state on PostgreSQL");
        }
        PostgresSupport pg = new PostgresSupport(url, System.getenv().getOrDefault("RELAY_TEST_PG_USER", "relay_test"),
                System.getenv().getOrDefault("RELAY_TEST_PG_PASSWORD", "relay_test"));
        pg.reset();
        return pg;
    }

    /** Drops the relay's tables so each test starts from an empty store. */
    public void reset() {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            s.execute("drop table if exists relay_delivery");
            s.execute("drop table if exists relay_payload");
            s.execute("drop table if exists relay_sync_fingerprint");
            s.execute("drop table if exists relay_sync_run");
            s.execute("drop table if exists relay_vendor_pause");
            s.execute("drop table if exists relay_accept_turn");
            s.execute("drop table if exists relay_outbox");
            s.execute("drop table if exists relay_outbox_turn");
            s.execute("drop table if exists relay_attempt");
            s.execute("drop table if exists relay_dead_letter");
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + url + " is not usable: " + e.getMessage(), e);
        }
    }

    public RelayHarness configure(RelayHarness relay) {
        return relay.set("relay.store.url", url).set("relay.store.user", user).set("relay.store.password", password);
    }

    /** A proxy in front of this server, which a test cuts ({@link TcpProxy#down()}) to take the store away. */
    public TcpProxy proxy() {
        Matcher server = SERVER.matcher(url);
        if (!server.matches()) {
            throw new IllegalStateException("not a jdbc:postgresql://host:port/database URL: " + url);
        }
        return new TcpProxy(server.group(1), Integer.parseInt(server.group(2)));
    }

    /** Sets the relay's store to this server's database reached through {@code proxy}. */
    public RelayHarness configure(RelayHarness relay, TcpProxy proxy) {
        Matcher server = SERVER.matcher(url);
        if (!server.matches()) {
            throw new IllegalStateException("not a jdbc:postgresql://host:port/database URL: " + url);
        }
        return relay.set("relay.store.url", "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + server.group(3))
                .set("relay.store.user", user).set("relay.store.password", password);
    }
}
