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
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;

/**
 * The limits of one vendor call: a deadline covering connecting, sending and reading the whole answer, and a cap
 * on the size of the answer read ({@value #MAX_ANSWER_BYTES} bytes), so a vendor can neither hold a delivery past
 * its lease nor fill the heap. camel-http's timeouts (Apache HttpClient's connect and response timeouts) are per
 * step and per read, so a vendor that trickles its answer a byte at a time would hold a delivery far past
 * timeout-ms, and past its lease. Each vendor's endpoint gets its own instance as {@code httpClientConfigurer}: an
 * exec interceptor that, when a call starts, schedules its cancellation at the deadline (Apache HttpClient then
 * closes the connection and the read fails with {@link CallTimedOut}); the deadline is dropped once the answer has
 * been read to its end or closed. Automatic retries of Apache HttpClient are off too: the relay's own retry policy
 * decides what is tried again.
 */
public final class CallLimits implements HttpClientConfigurer {

    /** The most of an answer that is read; a longer one fails the call as {@link AnswerTooLarge}. */
    public static final int MAX_ANSWER_BYTES = 1024 * 1024;

    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private final long timeoutMs;
    private final LongConsumer took;

    /** Limits for calls that must be over within {@code timeoutMs} (relay.vendors.&lt;v&gt;.timeout-ms). */
    public CallLimits(long timeoutMs) {
        this(timeoutMs, nanos -> { });
    }

    /** As {@link #CallLimits(long)}, telling {@code took} how long each call took, answer read, in nanoseconds. */
    public CallLimits(long timeoutMs, LongConsumer took) {
        this.timeoutMs = timeoutMs;
        this.took = took;
    }

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

    /** Deadlines still scheduled, of all vendors: one per call in progress, none once every call has ended. */
    public static int pendingDeadlines() {
        return TIMER.getQueue().size();
    }

    /** One call under its deadline. */
    private final class Call {
        private volatile boolean expired;
        private final ScheduledFuture<?> abort;
        private final long started = System.nanoTime();
        private final AtomicBoolean ended = new AtomicBoolean();

        Call(Runnable cancel) {
            this.abort = TIMER.schedule(() -> {
                expired = true;
                cancel.run();
            }, timeoutMs, TimeUnit.MILLISECONDS);
        }

        void end() {
            abort.cancel(false);
            if (ended.compareAndSet(false, true)) {
                took.accept(System.nanoTime() - started);
            }
        }

        /** The failure to report: a timeout when the deadline cut the call off. */
        IOException failure(IOException e) {
            return expired && !(e instanceof AnswerTooLarge) ? new CallTimedOut(timeoutMs) : e;
        }
    }

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        builder.disableAutomaticRetries();
        builder.addExecInterceptorFirst("relay-call-limits", (request, scope, chain) -> {
            Call call = new Call(() -> {
                if (scope.originalRequest instanceof Cancellable cancellable) {
                    cancellable.cancel();
                } else {
                    scope.execRuntime.discardEndpoint();
                }
            });
            ClassicHttpResponse response;
            try {
                response = chain.proceed(request, scope);
            } catch (IOException e) {
                call.end();
                throw call.failure(e);
            } catch (RuntimeException | org.apache.hc.core5.http.HttpException e) {
                call.end();
                throw e;
            }
            if (response.getEntity() == null) {
                call.end();
            } else {
                response.setEntity(new LimitedEntity(response.getEntity(), call));
            }
            return response;
        });
    }

    /** The deadline cut the call off: no complete answer within timeout-ms. */
    public static final class CallTimedOut extends InterruptedIOException {
        CallTimedOut(long timeoutMs) {
            super("no complete answer within " + timeoutMs + " ms");
        }
    }

    /** An answer longer than {@link #MAX_ANSWER_BYTES}: not read any further. */
    public static final class AnswerTooLarge extends IOException {
        AnswerTooLarge() {
            super("the answer is longer than " + MAX_ANSWER_BYTES + " bytes; the rest was not read");
        }
    }

    /**
     * An answer body that fails once more than {@link #MAX_ANSWER_BYTES} of it have been read, and ends its call's
     * deadline when read to its end or closed.
     */
    private static final class LimitedEntity extends HttpEntityWrapper {

        private final Call call;

        LimitedEntity(HttpEntity entity, Call call) {
            super(entity);
            this.call = call;
        }

        @Override
        public InputStream getContent() throws IOException {
            if (getContentLength() > MAX_ANSWER_BYTES) {
                call.end();
                throw new AnswerTooLarge();
            }
            InputStream in;
            try {
                in = super.getContent();
            } catch (IOException e) {
                call.end();
                throw call.failure(e);
            }
            if (in == null) {
                call.end();
                return null;
            }
            return new FilterInputStream(in) {
                private long read;

                @Override
                public int read() throws IOException {
                    try {
                        int b = super.read();
                        count(b < 0 ? -1 : 1);
                        return b;
                    } catch (IOException e) {
                        call.end();
                        throw call.failure(e);
                    }
                }

                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                    try {
                        int n = super.read(buffer, offset, length);
                        count(n);
                        return n;
                    } catch (IOException e) {
                        call.end();
                        throw call.failure(e);
                    }
                }

                /** Counts what was read; -1 is the end of the answer, which ends the call. */
                private void count(int n) throws IOException {
                    if (n < 0) {
                        call.end();
                        return;
                    }
                    read += n;
                    if (read > MAX_ANSWER_BYTES) {
                        throw new AnswerTooLarge();
                    }
                }

                @Override
                public void close() throws IOException {
                    call.end();
                    super.close();
                }
            };
        }

        @Override
        public void close() throws IOException {
            call.end();
            super.close();
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
