package com.customerrelay.benchmark;

import com.customerrelay.support.VendorStub;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@link VendorStub} in a JVM of its own: the benchmarks' vendor, whose CPU then counts neither for the relay nor
 * for the plain client (both still share the machine's cores with it).
 */
final class StubProcess implements AutoCloseable {

    private final Process process;
    private final BufferedReader out;
    private final PrintWriter in;
    private final String baseUrl;

    /** @param delayMs how long each update takes the stub to answer (a vendor's latency) */
    StubProcess(long delayMs) throws IOException {
        process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-Dstub.delay-ms=" + delayMs, "-Dsun.net.httpserver.idleInterval=3600", "-Dsun.net.httpserver.maxIdleConnections=1000",
                "-cp", System.getProperty("java.class.path"), VendorStub.class.getName()))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        String first = out.readLine();
        if (first == null || !first.startsWith("url=")) {
            process.destroyForcibly();
            throw new IOException("the stub process did not start: " + first);
        }
        baseUrl = first.substring("url=".length());
    }

    /** Expandable's API root at the stub, e.g. {@code http://127.0.0.1:PORT/api}. */
    String baseUrl() {
        return baseUrl;
    }

    /** Updates the stub has received so far. */
    int total() throws IOException {
        in.println("total");
        return Integer.parseInt(out.readLine().substring("total=".length()));
    }

    @Override
    public void close() throws InterruptedException {
        in.close();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
