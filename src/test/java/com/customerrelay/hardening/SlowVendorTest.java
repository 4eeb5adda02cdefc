package com.customerrelay.hardening;

import com.customerrelay.delivery.DeliveryStatus;
import com.customerrelay.support.PostgresSupport;
import com.customerrelay.support.RelayHarness;
import com.customerrelay.support.RelayTestCase;
import com.customerrelay.support.Requests;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two relays sharing one PostgreSQL store, and an Expandable that trickles its first answer a byte at a time for
 * 40 s — longer than any lease. The call is cut off at timeout-ms (the deadline covers the whole answer, not only
 * its headers), so the attempt ends well inside its lease and the other relay never sends the same update while the
 * first call is still open: the vendor sees its calls one after the other, each counted as an attempt.
 */
class SlowVendorTest extends RelayTestCase {

    /** One call as the vendor saw it. */
    record Call(long startNanos, long endNanos) {
    }

    final List<RelayHarness> relays = new ArrayList<>();
    HttpServer server;
    final ExecutorService executor = Executors.newCachedThreadPool();
    final List<Call> calls = new ArrayList<>();

    @Test
    void aVendorTricklingItsAnswerPastTheLeaseNeverGetsTheSameUpdateTwiceAtOnce() throws Exception {
        PostgresSupport pg = PostgresSupport.required();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(executor);
        closing.add(executor::shutdownNow);
        closing.add(() -> server.stop(0));
        server.createContext("/api/auth-token-get", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] body = "{\"AUTH_TOKEN\":\"t\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.createContext("/api/customer-contact-update", exchange -> {
            long start = System.nanoTime();
            boolean first;
            synchronized (calls) {
                first = calls.isEmpty();
                calls.add(new Call(start, 0));
            }
            exchange.getRequestBody().readAllBytes();
            try (OutputStream out = exchange.getResponseBody()) {
                if (first) {
                    // headers at once, then the body a space at a time for 40 s
                    exchange.sendResponseHeaders(200, 0);
                    for (int i = 0; i < 400; i++) {
                        out.write(' ');
                        out.flush();
                        Thread.sleep(100);
                    }
                    out.write("{}".getBytes(StandardCharsets.UTF_8));
                } else {
                    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(200, body.length);
                    out.write(body);
                }
            } catch (IOException | InterruptedException cut) {
                // the relay hung up
            } finally {
                synchronized (calls) {
                    for (int i = 0; i < calls.size(); i++) {
                        if (calls.get(i).startNanos() == start) {
                            calls.set(i, new Call(start, System.nanoTime()));
                        }
                    }
                }
                exchange.close();
            }
        });
        server.start();
        String baseUrl = "http://127.0.0.1:" + server.getAddress().getPort() + "/api";
        for (String name : List.of("a", "b")) {
            relays.add(pg.configure(closing.add(new RelayHarness(dir.resolve(name))))
                    .set("relay.vendors.expandable.base-url", baseUrl)
                    .set("relay.vendors.expandable.timeout-ms", "1000")
                    .set("relay.vendors.expandable.initial-delay-ms", "500")
                    .start());
        }

        relays.get(0).drop("slow.ndjson", Requests.marked("slow-1") + "\n");
        await().atMost(Duration.ofSeconds(60)).until(() -> relays.get(0).store().count(DeliveryStatus.DELIVERED, "expandable") == 1);
        // wait for every call the vendor still has open to end before judging them
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            synchronized (calls) {
                return calls.stream().allMatch(c -> c.endNanos() > 0);
            }
        });

        List<Call> seen;
        synchronized (calls) {
            seen = new ArrayList<>(calls);
        }
        assertThat(seen).as("the slow call, then the retry that was answered").hasSizeGreaterThanOrEqualTo(2);
        assertThat((seen.get(0).endNanos() - seen.get(0).startNanos()) / 1_000_000)
                .as("the trickled answer was cut off at the deadline (1 s), not read for 40 s").isLessThan(5_000);
        for (int i = 1; i < seen.size(); i++) {
            assertThat(seen.get(i).startNanos()).as("call %d began after call %d had ended", i + 1, i)
                    .isGreaterThan(seen.get(i - 1).endNanos());
        }
        try (var c = java.sql.DriverManager.getConnection(pg.url, pg.user, pg.password);
             var s = c.createStatement();
             var rs = s.executeQuery("select attempts, status from relay_delivery where request_id = 'slow-1'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("every call was an attempt of its own").isEqualTo(seen.size());
            assertThat(rs.getString(2)).isEqualTo("DELIVERED");
        }
    }
}
