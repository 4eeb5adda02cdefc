package com.customerrelay.delivery;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.concurrent.Cancellable;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One deadline per vendor call, covering connecting, sending and reading the whole answer. camel-http's timeouts
 * (Apache HttpClient's connect and response timeouts) are per step and per read, so a vendor that trickles its
 * answer a byte at a time would hold a delivery far past timeout-ms, and past its lease. Here every vendor client
 * gets an exec interceptor that, when the call starts, schedules its cancellation at the deadline; Apache
 * HttpClient then closes the connection and the read fails. The caller ends the call when it has the answer.
 * Automatic retries of Apache HttpClient are off too: the relay's own retry policy decides what is tried again.
 */
public final class CallDeadlines implements HttpClientConfigurer {

    /** The call the current thread is making. */
    private static final ThreadLocal<Call> CURRENT = new ThreadLocal<>();

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "relay-call-deadlines");
        thread.setDaemon(true);
        return thread;
    });

    /** One call under a deadline. */
    public static final class Call {
        private final long deadlineNanos;
        private volatile boolean expired;
        private ScheduledFuture<?> abort;

        private Call(long timeoutMs) {
            this.deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        }

        /** True when the call was cut off at its deadline. */
        public boolean expired() {
            return expired;
        }
    }

    /** Starts a call on this thread: everything it sends and reads must be done within {@code timeoutMs}. */
    public Call begin(long timeoutMs) {
        Call call = new Call(timeoutMs);
        CURRENT.set(call);
        return call;
    }

    /** Ends the call: its answer is read, or it failed. */
    public void end(Call call) {
        CURRENT.remove();
        synchronized (call) {
            if (call.abort != null) {
                call.abort.cancel(false);
            }
        }
    }

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        builder.disableAutomaticRetries();
        builder.addExecInterceptorFirst("relay-call-deadline", (request, scope, chain) -> {
            Call call = CURRENT.get();
            if (call != null) {
                synchronized (call) {
                    if (call.abort == null) {
                        long remaining = Math.max(0, call.deadlineNanos - System.nanoTime());
                        call.abort = timer.schedule(() -> {
                            call.expired = true;
                            if (scope.originalRequest instanceof Cancellable cancellable) {
                                cancellable.cancel();
                            } else {
                                scope.execRuntime.discardEndpoint();
                            }
                        }, remaining, TimeUnit.NANOSECONDS);
                    }
                }
            }
            return chain.proceed(request, scope);
        });
    }
}
