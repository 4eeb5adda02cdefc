package com.customerrelay.delivery;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.concurrent.Cancellable;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.HttpEntityWrapper;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The limits of one vendor call: a deadline covering connecting, sending and reading the whole answer, and a cap
 * on the size of the answer read ({@value #MAX_ANSWER_BYTES} bytes), so a vendor can neither hold a delivery past
 * its lease nor fill the heap. camel-http's timeouts
 * (Apache HttpClient's connect and response timeouts) are per step and per read, so a vendor that trickles its
 * answer a byte at a time would hold a delivery far past timeout-ms, and past its lease. Here every vendor client
 * gets an exec interceptor that, when the call starts, schedules its cancellation at the deadline; Apache
 * HttpClient then closes the connection and the read fails. The caller ends the call when it has the answer.
 * Automatic retries of Apache HttpClient are off too: the relay's own retry policy decides what is tried again.
 */
public final class CallLimits implements HttpClientConfigurer {

    /** The most of an answer that is read; a longer one fails the call as {@link AnswerTooLarge}. */
    public static final int MAX_ANSWER_BYTES = 1024 * 1024;

    /** The call the current thread is making. */
    private static final ThreadLocal<Call> CURRENT = new ThreadLocal<>();

    private final ScheduledThreadPoolExecutor timer = timer();

    /**
     * One daemon thread for all deadlines. A call that ends in time cancels its deadline, and the cancelled task
     * must leave the queue at once: kept until its time (the default), every finished call of the last timeout-ms
     * would stay in memory with its request and answer.
     */
    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "relay-call-deadlines");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

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

    /** Deadlines still scheduled: one per call in progress, none once every call has ended. */
    public int pendingDeadlines() {
        return timer.getQueue().size();
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
            ClassicHttpResponse response = chain.proceed(request, scope);
            if (response.getEntity() != null) {
                response.setEntity(new CappedEntity(response.getEntity()));
            }
            return response;
        });
    }

    /** An answer longer than {@link #MAX_ANSWER_BYTES}: not read any further. */
    public static final class AnswerTooLarge extends IOException {
        AnswerTooLarge() {
            super("the answer is longer than " + MAX_ANSWER_BYTES + " bytes; the rest was not read");
        }
    }

    /** An answer body that fails once more than {@link #MAX_ANSWER_BYTES} of it have been read. */
    private static final class CappedEntity extends HttpEntityWrapper {

        CappedEntity(HttpEntity entity) {
            super(entity);
        }

        @Override
        public InputStream getContent() throws IOException {
            if (getContentLength() > MAX_ANSWER_BYTES) {
                throw new AnswerTooLarge();
            }
            InputStream in = super.getContent();
            return in == null ? null : new FilterInputStream(in) {
                private long read;

                @Override
                public int read() throws IOException {
                    int b = super.read();
                    count(b < 0 ? 0 : 1);
                    return b;
                }

                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                    int n = super.read(buffer, offset, length);
                    count(Math.max(n, 0));
                    return n;
                }

                private void count(int n) throws IOException {
                    read += n;
                    if (read > MAX_ANSWER_BYTES) {
                        throw new AnswerTooLarge();
                    }
                }
            };
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            try (InputStream in = getContent()) {
                if (in != null) {
                    in.transferTo(out);
                }
            }
        }
    }
}
