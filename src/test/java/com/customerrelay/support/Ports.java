package com.customerrelay.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A free port for a server a test configures before it starts (the relay's API and management ports, a broker).
 * <p>
 * Taken below the system's ephemeral range (32768 and up on Linux), where the system never hands out a port by
 * itself: a port asked of the system ({@code new ServerSocket(0)}) is one it may give again, before the test's
 * server binds it, to a sandbox or WireMock started on port 0 or to an outgoing connection. Seen once (HttpApiTest,
 * 2026-12-04): POST /updates answered 404, which is what a vendor sandbox answers for a path it does not know — the
 * likeliest cause, the relay's API port given again to a sandbox the same relay started on port 0.
 */
public final class Ports {

    private static final int FIRST = 10_000;
    private static final int LAST = 32_000;

    private Ports() {
    }

    public static int free() {
        for (int tries = 0; tries < 200; tries++) {
            int port = ThreadLocalRandom.current().nextInt(FIRST, LAST);
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), port));
                return port;
            } catch (IOException taken) {
                // in use: try another
            }
        }
        throw new IllegalStateException("no free port found from " + FIRST + " to " + LAST);
    }
}
