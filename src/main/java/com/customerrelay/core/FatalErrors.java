package com.customerrelay.core;

import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.IntConsumer;

/**
 * An {@link OutOfMemoryError} (or another {@link VirtualMachineError}) anywhere in the relay ends the process at once
 * with exit status {@value #EXIT_STATUS}: a relay that lives on after one may have lost an intake thread and take
 * nothing in any more, while a supervisor (systemd, Kubernetes) restarts a relay that exited, and the queue, the inbox
 * and the state store give the new one everything that was not finished.
 */
public final class FatalErrors extends EventNotifierSupport {

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
            }
        });
    }

    /** Tests replace the exit with a recorder; returns the one it replaced. */
    public static IntConsumer exitWith(IntConsumer replacement) {
        IntConsumer before = exit;
        exit = replacement;
        return before;
    }

    /** Exchanges of every route: one that failed with a fatal error ends the process. */
    @Override
    public void notify(CamelEvent event) {
        if (event instanceof CamelEvent.ExchangeFailedEvent failed) {
            check(failed.getExchange().getException(), "route " + failed.getExchange().getFromRouteId());
        }
    }

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof CamelEvent.ExchangeFailedEvent;
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
