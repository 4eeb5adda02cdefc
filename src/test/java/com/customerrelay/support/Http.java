package com.customerrelay.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Calls to the relay's HTTP API and management port in tests: real HTTP/1.1, the answer as text. HTTP/1.1 because
 * the JDK client otherwise offers the server an upgrade to HTTP/2 (h2c), which Vert.x accepts, and a CI run hung
 * for minutes in this client on a call to the management port, past the request's timeout, the answer never
 * complete (others report the same of the JDK client and Vert.x with h2c). Each call is also bounded as a whole,
 * so a test fails instead of hanging.
 */
public final class Http {

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    /** The most a whole call may take, answer included: the request's timeout covers only its headers. */
    private static final long WHOLE_CALL_SECONDS = TIMEOUT.toSeconds() + 10;

    private Http() {
    }

    public static HttpResponse<String> get(String url, String... headers) throws IOException, InterruptedException {
        return send("GET", url, null, headers);
    }

    /**
     * Sends {@code method} to {@code url} with {@code body} (null: none; a body goes as JSON) and the {@code headers}
     * given as name, value, name, value…
     */
    public static HttpResponse<String> send(String method, String url, String body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        CompletableFuture<HttpResponse<String>> answer = CLIENT.sendAsync(request.build(),
                HttpResponse.BodyHandlers.ofString());
        try {
            return answer.get(WHOLE_CALL_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw new IOException(method + " " + url + ": no whole answer within " + WHOLE_CALL_SECONDS + " s", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }
}
