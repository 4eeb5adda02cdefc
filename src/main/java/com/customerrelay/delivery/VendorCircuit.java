package com.customerrelay.delivery;

import com.customerrelay.connector.Outcome;
import com.customerrelay.core.SafeText;
import com.customerrelay.core.VendorSettings;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnStateTransitionEvent;
import io.github.resilience4j.core.IntervalFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

/**
 * One vendor's circuit (PRODUCT.md §3a), this relay's own: Resilience4j's {@link CircuitBreaker} — a count-based
 * window of the latest {@code circuit.window} calls, opened when {@code circuit.failure-rate} % of them (at least
 * {@code circuit.min-calls}) said the vendor is down ({@link Outcome#vendorDown()}), one probe call in half-open
 * state, the open interval doubling from {@code circuit.open-ms} to {@code circuit.max-open-ms} while probes fail —
 * and, around it, what Resilience4j has no notion of: a pause set by an operator (kept in the state store, so that
 * every relay sharing it honours it), the vendor's {@code Retry-After} holding the next probe back, and the log
 * lines and figures operators read.
 * <p>
 * The dispatcher asks {@link #claimable} how many deliveries to claim for the vendor (none while open, one as the
 * probe once the open interval is over); a claimed delivery calls the vendor only if {@link #admit} lets it (the
 * circuit may have opened while it waited in the vendor's queue), and every admitted call's outcome is handed to
 * {@link #record}, exactly once.
 */
public final class VendorCircuit {

    private static final Logger LOG = LoggerFactory.getLogger(VendorCircuit.class);
    /** While the circuit stays open, the log says so at most this often. */
    static final long SUMMARY_EVERY_MS = 60_000;

    /** The states of relay_vendor_circuit_state and GET /vendors. */
    public enum State {
        CLOSED("closed"), OPEN("open"), HALF_OPEN("half-open"), PAUSED("paused");

        public final String label;

        State(String label) {
            this.label = label;
        }
    }

    /** What Resilience4j is told a call failed with: a vendor-down outcome's message. */
    static final class VendorDown extends RuntimeException {
        VendorDown(String message) {
            super(message, null, false, false);
        }
    }

    private final String vendor;
    private final VendorSettings settings;
    private final CircuitBreaker breaker;
    private final LongSupplier waiting;
    private final BiConsumer<String, String> transitions;
    private final long openMs;
    private final long maxOpenMs;
    private final long maxRetryAfterMs;
    private final long giveUpAfterMs;
    /** When the circuit left closed (the outage's start), or when it closed again. */
    private volatile long since = System.currentTimeMillis();
    /** Open: when the next probe may be made. */
    private volatile long probeAt;
    /** The latest Retry-After of a failing answer, as a time: no probe before it. */
    private volatile long notBefore;
    /** Consecutive opens (1 on the first, +1 for each probe that failed). */
    private int opens;
    /** Deliveries held back since the circuit opened: claimed and not sent because it was open. */
    private final AtomicLong heldBack = new AtomicLong();
    private final Deque<String> lastFailures = new ArrayDeque<>();
    private volatile long pausedSince;
    private long summaryAt;
    private long retryAfterCutLoggedAt;

    /**
     * @param waiting     the vendor's deliveries waiting, for the log line when the circuit closes
     * @param transitions told (vendor, state label) of every change of state, for the metrics
     */
    public VendorCircuit(VendorSettings settings, LongSupplier waiting, BiConsumer<String, String> transitions) {
        this.vendor = settings.vendor();
        this.settings = settings;
        this.waiting = waiting;
        this.transitions = transitions;
        this.openMs = settings.circuitOpenMs();
        this.maxOpenMs = settings.circuitMaxOpenMs();
        this.maxRetryAfterMs = settings.maxRetryAfterMs();
        // read here, at start, so that a value out of range stops the start naming its key
        this.giveUpAfterMs = settings.giveUpAfterMs();
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.circuitWindow())
                .minimumNumberOfCalls(settings.circuitMinCalls())
                .failureRateThreshold(settings.circuitFailureRate())
                .waitIntervalFunctionInOpenState(IntervalFunction.ofExponentialBackoff(openMs, 2.0, maxOpenMs))
                .permittedNumberOfCallsInHalfOpenState(1)
                // the probe may wait in the vendor's queue and take up to timeout-ms: half-open lasts until it ends
                .maxWaitDurationInHalfOpenState(Duration.ZERO)
                // no timer thread: the dispatcher's rounds look at the clock, and the probe's admission moves the
                // breaker to half-open
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .writableStackTraceEnabled(false)
                .build();
        this.breaker = CircuitBreaker.of(vendor, config);
        breaker.getEventPublisher().onStateTransition(this::transitioned);
    }

    public String vendor() {
        return vendor;
    }

    /** relay.vendors.&lt;v&gt;.give-up-after-hours, in ms. */
    public long giveUpAfterMs() {
        return giveUpAfterMs;
    }

    public State state() {
        if (pausedSince != 0) {
            return State.PAUSED;
        }
        return switch (breaker.getState()) {
            case OPEN, FORCED_OPEN -> State.OPEN;
            case HALF_OPEN -> State.HALF_OPEN;
            default -> State.CLOSED;
        };
    }

    /** Whether the circuit, pause apart, is closed (the vendor answers). */
    public boolean closed() {
        return breaker.getState() == CircuitBreaker.State.CLOSED;
    }

    /** Since when the current state holds (epoch ms): the pause, the outage's start, or the last close. */
    public long since() {
        return pausedSince != 0 ? pausedSince : since;
    }

    /** Open: when the next probe may go (epoch ms); null when no probe is waited for. */
    public Long nextProbeAt() {
        return pausedSince == 0 && breaker.getState() == CircuitBreaker.State.OPEN ? probeAt : null;
    }

    /**
     * How many deliveries the dispatcher may claim for this vendor now: {@code free} while closed; none while
     * paused or open; one, as the probe, once the open interval is over and nothing of the vendor is in flight here.
     */
    public int claimable(int free, int inFlight) {
        if (pausedSince != 0) {
            return 0;
        }
        return switch (breaker.getState()) {
            case CLOSED -> free;
            case OPEN -> System.currentTimeMillis() >= probeAt && inFlight == 0 ? 1 : 0;
            case HALF_OPEN -> inFlight == 0 ? 1 : 0;
            default -> 0;
        };
    }

    /**
     * Whether a claimed delivery may call the vendor now. False while paused or open (it then waits, its attempt
     * not counted); in half-open state true for the one probe. A true answer must be followed by {@link #record}.
     */
    public boolean admit() {
        boolean admitted = pausedSince == 0
                && !(breaker.getState() == CircuitBreaker.State.OPEN && System.currentTimeMillis() < probeAt)
                && breaker.tryAcquirePermission();
        if (!admitted) {
            heldBack.incrementAndGet();
        }
        return admitted;
    }

    /**
     * What an admitted call came to: a vendor-down failure counts against the circuit; a delivery, a refusal or a
     * failure of this request alone counts for it (the vendor answered); a failure the relay cannot tell (an error
     * of its own) is not counted either way.
     */
    public void record(Outcome outcome, long nanos) {
        if (outcome.vendorDown()) {
            Long retryAfter = retryAfterMs(outcome);
            if (retryAfter != null) {
                notBefore = Math.max(notBefore, System.currentTimeMillis() + retryAfter);
            }
            synchronized (lastFailures) {
                // the distinct failures of late, for the line that says the circuit opened
                lastFailures.remove(outcome.message());
                if (lastFailures.size() == 3) {
                    lastFailures.removeFirst();
                }
                lastFailures.addLast(outcome.message());
            }
            breaker.onError(nanos, TimeUnit.NANOSECONDS, new VendorDown(outcome.message()));
        } else if (outcome.type() == Outcome.Type.RETRY && outcome.httpStatus() == null) {
            breaker.releasePermission();
        } else {
            breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
        }
    }

    /** A claimed delivery that was not sent after {@link #admit} let it (it turned out stale): nothing to count. */
    public void release() {
        breaker.releasePermission();
    }

    /** The outcome's Retry-After, cut to max-retry-after-ms (said in the log, at most once a minute); or null. */
    public Long retryAfterMs(Outcome outcome) {
        Long asked = outcome.retryAfterMs();
        if (asked == null || asked <= maxRetryAfterMs) {
            return asked;
        }
        synchronized (this) {
            long now = System.currentTimeMillis();
            if (now - retryAfterCutLoggedAt >= SUMMARY_EVERY_MS) {
                retryAfterCutLoggedAt = now;
                LOG.warn("Vendor {} asked to wait {} s (Retry-After); waiting {} s instead "
                        + "(relay.vendors.{}.max-retry-after-ms)", vendor, asked / 1000, maxRetryAfterMs / 1000, vendor);
            }
        }
        return maxRetryAfterMs;
    }

    /**
     * Delay before a delivery whose call said the vendor is down is due again: none while the circuit is open (it
     * then holds the delivery back itself, and lets it go the moment it closes); while it is closed, the vendor's
     * backoff by the delivery's calls that failed so, never longer than circuit.max-open-ms; never sooner than the
     * answer's Retry-After.
     */
    public long delayWhileDown(int downCalls, Outcome outcome) {
        Long retryAfter = retryAfterMs(outcome);
        long delay = closed() ? Math.min(RetryPolicy.delayMs(settings, Math.min(downCalls, 30), null), maxOpenMs) : 0;
        return retryAfter == null ? delay : Math.max(delay, retryAfter);
    }

    /** Sets or lifts the pause as the state store holds it ({@code pausedAt} 0: not paused). */
    public synchronized void paused(long pausedAt, String why) {
        if (pausedAt == pausedSince) {
            return;
        }
        boolean was = pausedSince != 0;
        pausedSince = pausedAt;
        if (pausedAt != 0 && !was) {
            LOG.warn("Vendor {} PAUSED{}: no deliveries to it until it is resumed (POST /vendors/{}/resume); "
                    + "requests for it are taken in and wait", vendor, why, vendor);
            transitions.accept(vendor, State.PAUSED.label);
        } else if (pausedAt == 0 && was) {
            LOG.info("Vendor {} resumed{}: deliveries to it go on", vendor, why);
            transitions.accept(vendor, state().label);
        }
    }

    /** The log's summary of an open circuit, at most once a minute (called by a timer). */
    public synchronized void report() {
        long now = System.currentTimeMillis();
        if (pausedSince != 0 || closed() || now - summaryAt < SUMMARY_EVERY_MS) {
            return;
        }
        summaryAt = now;
        LOG.warn("Vendor {} still down: circuit {} since {} ({} s), {} probe(s) failed, next probe at {}; {} "
                        + "deliveries held back so far; last failure: {}", vendor, state().label,
                Instant.ofEpochMilli(since), (now - since) / 1000, Math.max(0, opens - 1),
                Instant.ofEpochMilli(probeAt), heldBack.get(), SafeText.value(lastFailure()));
    }

    /** The latest failure that said the vendor is down, or "none". */
    public String lastFailure() {
        synchronized (lastFailures) {
            return lastFailures.isEmpty() ? "none" : lastFailures.peekLast();
        }
    }

    private synchronized void transitioned(CircuitBreakerOnStateTransitionEvent event) {
        long now = System.currentTimeMillis();
        CircuitBreaker.State to = event.getStateTransition().getToState();
        CircuitBreaker.State from = event.getStateTransition().getFromState();
        if (to == CircuitBreaker.State.OPEN) {
            opens = from == CircuitBreaker.State.HALF_OPEN ? opens + 1 : 1;
            // the interval Resilience4j's own wait was computed with (its OpenState applies the same function)
            long interval = breaker.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(opens);
            probeAt = Math.max(now + interval, notBefore);
            if (from == CircuitBreaker.State.CLOSED) {
                since = now;
                summaryAt = now;
                heldBack.set(0);
                CircuitBreaker.Metrics m = breaker.getMetrics();
                String failures;
                synchronized (lastFailures) {
                    failures = String.join("; ", lastFailures);
                }
                LOG.warn("Vendor {} is DOWN: circuit open after {} of its last {} calls failed ({}); deliveries to "
                                + "it wait without using up their attempts, one probe call at {}", vendor,
                        m.getNumberOfFailedCalls(), m.getNumberOfBufferedCalls(), SafeText.value(failures),
                        Instant.ofEpochMilli(probeAt));
            } else {
                LOG.debug("Vendor {}: probe failed, circuit open again until {}", vendor,
                        Instant.ofEpochMilli(probeAt));
            }
        } else if (to == CircuitBreaker.State.CLOSED) {
            long waited;
            try {
                waited = waiting.getAsLong();
            } catch (RuntimeException e) {
                waited = -1;
            }
            LOG.info("Vendor {} answers again: circuit closed after {} s open ({} probe(s) failed); {} deliveries "
                            + "waiting go out at concurrency {}", vendor, (now - since) / 1000, Math.max(0, opens - 1),
                    waited < 0 ? "the" : waited, settings.concurrency());
            since = now;
            opens = 0;
            notBefore = 0;
        }
        if (pausedSince == 0) {
            transitions.accept(vendor, state(to).label);
        }
    }

    private static State state(CircuitBreaker.State state) {
        return switch (state) {
            case OPEN, FORCED_OPEN -> State.OPEN;
            case HALF_OPEN -> State.HALF_OPEN;
            default -> State.CLOSED;
        };
    }

    @Override
    public String toString() {
        return "VendorCircuit[" + vendor + ", " + state().label + "]";
    }
}
