package com.customerrelay.core;

import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.support.DefaultThreadPoolFactory;
import org.apache.camel.util.concurrent.RejectableScheduledThreadPoolExecutor;
import org.apache.camel.util.concurrent.SizedScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.function.IntConsumer;

/**
 * An {@link OutOfMemoryError} (or another {@link VirtualMachineError}) anywhere in the relay ends the process at once
 * with exit status {@value #EXIT_STATUS}: a relay that lives on after one may have lost an intake thread and take
 * nothing in any more, while a supervisor (systemd, Kubernetes) restarts a relay that exited, and the queue, the inbox
 * and the state store give the new one everything that was not finished.
 */
public final class FatalErrors {

    public static final int EXIT_STATUS = 70;
    private static final Logger LOG = LoggerFactory.getLogger(FatalErrors.class);
    private static volatile IntConsumer exit = status -> Runtime.getRuntime().halt(status);

    /** Ends the process on a fatal error in any thread that does not catch it. */
    public static void installForThreads() {
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, error) -> {
            check(error, "thread " + thread.getName());
            if (previous != null) {
                previous.uncaughtException(thread, error);
            } else {
                // what the JVM would print without a handler, through the log (masked, one line)
                LOG.error("Uncaught in thread {}: {}", SafeText.value(thread.getName()), describe(error));
            }
        });
    }

    /**
     * A failure and its causes on one line, secrets masked and each message cut: "A: message; caused by B: …".
     */
    public static String describe(Throwable error) {
        StringBuilder line = new StringBuilder();
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            line.append(line.length() == 0 ? "" : "; caused by ").append(cause.getClass().getSimpleName());
            if (cause.getMessage() != null) {
                line.append(": ").append(SafeText.value(Secrets.mask(cause.getMessage())));
            }
        }
        return line.toString();
    }

    /** Tests replace the exit with a recorder; returns the one it replaced. */
    public static IntConsumer exitWith(IntConsumer replacement) {
        IntConsumer before = exit;
        exit = replacement;
        return before;
    }

    /**
     * Camel's thread pools, with one addition. An Error escapes Camel's processors (they handle Exceptions) up to
     * the polling consumer — the file intake — whose scheduled task it ends; the pool would keep that silently, and
     * the consumer would never poll again. Here a scheduled task that ended with a fatal error ends the process.
     */
    public static final class ThreadPools extends DefaultThreadPoolFactory {

        @Override
        public ScheduledExecutorService newScheduledThreadPool(ThreadPoolProfile profile, ThreadFactory threads) {
            RejectedExecutionHandler rejected = profile.getRejectedExecutionHandler() != null
                    ? profile.getRejectedExecutionHandler() : new ThreadPoolExecutor.CallerRunsPolicy();
            ScheduledThreadPoolExecutor pool = new RejectableScheduledThreadPoolExecutor(profile.getPoolSize(),
                    threads, rejected) {
                @Override
                protected void afterExecute(Runnable task, Throwable error) {
                    super.afterExecute(task, error);
                    check(error != null ? error : failureOf(task), "a scheduled task (" + profile.getId() + ")");
                }
            };
            pool.setRemoveOnCancelPolicy(true);
            return profile.getMaxPoolSize() != null && profile.getMaxPoolSize() > 0
                    ? new SizedScheduledExecutorService(pool, profile.getMaxQueueSize()) : pool;
        }

        private static Throwable failureOf(Runnable task) {
            if (task instanceof Future<?> future && future.isDone() && !future.isCancelled()) {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    return e.getCause();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (CancellationException ignored) {
                    // not a failure
                }
            }
            return null;
        }
    }

    /** Ends the process when {@code error} or one of its causes is a {@link VirtualMachineError}. */
    public static void check(Throwable error, String where) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof VirtualMachineError fatal) {
                String line = "FATAL: " + fatal.getClass().getSimpleName() + " in " + where
                        + "; the relay exits with status " + EXIT_STATUS + " so that it is restarted whole";
                System.err.println(line);
                try {
                    LOG.error(line);
                } catch (Throwable ignored) {
                    // logging may fail too when memory is gone; the line above went to stderr
                }
                exit.accept(EXIT_STATUS);
                return;
            }
            if (cause.getCause() == cause) {
                return;
            }
        }
    }
}
