package com.customerrelay.delivery;

import com.customerrelay.core.SafeText;
import com.customerrelay.core.VendorSettings;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Moves due deliveries from the store to each vendor's delivery route ({@code seda:deliver-<vendor>}), keeping at
 * most twice the vendor's concurrency claimed at once, and writes what finished attempts came to. {@link #dispatch()}
 * only asks for a round: rounds run one at a time in the dispatch-rounds route (routes/dispatch.camel.yaml, one
 * consumer of {@link #TRIGGER}), so callers — the dispatch timer, the intakes after taking requests in, a delivery
 * that has just finished — never wait on it, and nothing ever sleeps on a retry. A round is one store transaction: the outcomes handed in since the last round, then the claims
 * of every vendor. That is one write to disk for many deliveries instead of two for each, which is where the
 * relay's time went (ENGINEERING.md: most CPU inside H2 committing). An outcome a round could not write (the store
 * away) is kept and written by a later round; should the relay die first, the delivery's lease ends and it is sent
 * again (at least once, never lost).
 */
public final class Dispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    /** Where rounds are asked for: a queue of one, a request beyond it dropped (its round is asked for already). */
    public static final String TRIGGER = "seda:relay-dispatch?size=1&discardWhenFull=true";
    /** How often a round also looks for deliveries whose lease ran out (their relay stopped mid-attempt). */
    private static final long EXPIRED_EVERY_MS = 1_000;
    /** The longest an outcome waits for a round that also claims before a round writes it alone. */
    private static final long OUTCOME_WAIT_MS = 20;

    private final DispatchRounds store;
    private final Map<String, VendorSettings> vendors;
    private final VendorCircuits circuits;
    private final Map<String, Long> leases = new LinkedHashMap<>();
    private final ProducerTemplate producer;
    private final Map<String, AtomicInteger> claimed = new LinkedHashMap<>();
    private final Queue<Finish> finished = new ConcurrentLinkedQueue<>();
    /** Outcomes taken off {@link #finished} and not yet written (only the dispatcher's thread touches it). */
    private final List<Finish> unwritten = new ArrayList<>();
    private long expiredLookedAt;
    /** When the oldest outcome of {@link #unwritten} was taken off {@link #finished} (0: none waiting). */
    private long unwrittenSince;
    private boolean failing;
    /** Rounds, and the last write of outcomes at stop, one at a time. */
    private final ReentrantLock roundLock = new ReentrantLock();
    /** Set when the relay begins to stop: rounds then write outcomes and claim nothing. */
    private volatile boolean stopping;

    /** {@code callsPerAttempt}: the most HTTP calls one attempt makes, per vendor (for the lease). */
    public Dispatcher(DispatchRounds store, Map<String, VendorSettings> vendors, Map<String, Integer> callsPerAttempt,
                      VendorCircuits circuits, ProducerTemplate producer) {
        this.store = store;
        this.circuits = circuits;
        this.vendors = vendors;
        vendors.forEach((name, vendor) -> leases.put(name, leaseMs(vendor, callsPerAttempt.getOrDefault(name, 1))));
        this.producer = producer;
        vendors.keySet().forEach(v -> claimed.put(v, new AtomicInteger()));
    }

    /**
     * Asks for a dispatch round; returns at once. The request goes to {@link #TRIGGER}, which holds one: a request
     * made while a round runs brings one more round after it, and requests beyond that are dropped, as that round
     * serves them too (routes/dispatch.camel.yaml).
     */
    public void dispatch() {
        try {
            producer.sendBody(TRIGGER, null);
        } catch (RuntimeException stopped) {
            // the context is stopping: writeOutcomesOnStop writes what is left
            LOG.debug("Dispatch request not taken: {}", stopped.getMessage());
        }
    }

    /**
     * One dispatch round (the dispatch-rounds route): writes the outcomes handed in since the last and claims what
     * each vendor has room for; returns the claimed deliveries, which the route hands to their vendors' routes. When
     * the store does not answer, the outcomes are kept for the next round, nothing is claimed, and the log says so
     * once.
     */
    public List<Delivery> round() {
        roundLock.lock();
        try {
            List<Delivery> claimedNow = claimRound();
            if (failing) {
                failing = false;
                LOG.info("Dispatching works again");
            }
            return claimedNow;
        } catch (RuntimeException e) {
            // said once, not on every round while the state store is away; the timer asks again
            if (!failing) {
                failing = true;
                LOG.error("Dispatching failed; {} outcomes kept to be written, rounds go on trying: {}",
                        unwritten.size(), SafeText.value(e.getMessage()));
            }
            return List.of();
        } finally {
            roundLock.unlock();
        }
    }

    /** A claimed delivery the dispatch-rounds route could not hand to its vendor's route: its lease brings it back. */
    public void notHandedOver(Exchange exchange) {
        Delivery delivery = exchange.getMessage().getBody(Delivery.class);
        if (delivery != null) {
            claimed.get(delivery.vendor()).decrementAndGet();
            LOG.error("Cannot hand delivery {} to the {} route; it will be retried when its lease ends: {}",
                    delivery.id(), delivery.vendor(), SafeText.value(String.valueOf(
                            exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class))));
        }
    }

    private List<Delivery> claimRound() {
        long now = System.currentTimeMillis();
        takeFinished(now);
        boolean expiredToo = now - expiredLookedAt >= EXPIRED_EVERY_MS;
        if (expiredToo) {
            // pauses set here or on another relay sharing the store, read back once a second
            circuits.refreshPauses();
        }
        List<DispatchRounds.Want> wants = new ArrayList<>();
        for (VendorSettings vendor : stopping ? List.<VendorSettings>of() : vendors.values()) {
            // claims are made a vendor's concurrency at a time, once the deliveries claimed ahead have fallen to one
            // round of calls: the claim query is the costly part of a round (on PostgreSQL it walks the index
            // entries that claims and outcomes leave behind), and claiming one or two per finished call made as
            // many queries as calls
            int inFlight = claimed.get(vendor.vendor()).get();
            int free = vendor.concurrency() * 2 - inFlight;
            VendorCircuit circuit = circuits.of(vendor.vendor());
            if (circuit.closed()) {
                free = circuit.claimable(free, inFlight);
                if (free >= vendor.concurrency()) {
                    wants.add(new DispatchRounds.Want(vendor.vendor(), free, leases.get(vendor.vendor()), expiredToo));
                }
                continue;
            }
            // the circuit is open: one probe once its interval is over, and (once a second) the deliveries that
            // have waited past give-up-after-hours, to be ended as exhausted without a call
            int probe = circuit.claimable(free, inFlight);
            if (probe > 0) {
                wants.add(new DispatchRounds.Want(vendor.vendor(), probe, leases.get(vendor.vendor()), expiredToo));
            }
            if (expiredToo && free > 0 && circuit.state() != VendorCircuit.State.PAUSED) {
                wants.add(DispatchRounds.Want.aged(vendor.vendor(), free, leases.get(vendor.vendor()),
                        System.currentTimeMillis() - circuit.giveUpAfterMs()));
            }
        }
        if (unwritten.isEmpty() && wants.isEmpty()) {
            return List.of();
        }
        if (wants.isEmpty() && !stopping && now - unwrittenSince < OUTCOME_WAIT_MS && othersWillFinish()) {
            // a round of outcomes alone costs a commit as dear as one that also claims; while each of their
            // vendors has more than its concurrency in flight, those attempts' ends bring a round that claims
            // within a few calls, and it writes these outcomes too (the dispatch timer writes them should that
            // take longer than OUTCOME_WAIT_MS)
            return List.of();
        }
        Map<String, List<Delivery>> got = store.round(unwritten, wants);
        unwritten.clear();
        unwrittenSince = 0;
        if (expiredToo) {
            expiredLookedAt = now;
        }
        List<Delivery> handOut = new ArrayList<>();
        got.forEach((vendor, deliveries) -> {
            claimed.get(vendor).addAndGet(deliveries.size());
            handOut.addAll(deliveries);
        });
        return handOut;
    }

    /** Moves the outcomes handed in since the last round to {@link #unwritten}, noting when the oldest came. */
    private void takeFinished(long now) {
        for (Finish f; (f = finished.poll()) != null; ) {
            if (unwritten.isEmpty()) {
                unwrittenSince = now;
            }
            unwritten.add(f);
        }
    }

    /**
     * The relay begins to stop (its Camel context is stopping): from now on rounds claim nothing, and the claimed
     * deliveries not yet begun are handed back ({@link #stopping()}), while the calls already made run to their end.
     */
    public void stopClaiming() {
        stopping = true;
    }

    /** Whether the relay is stopping: a claimed delivery not yet begun is then handed back, not attempted. */
    public boolean stopping() {
        return stopping;
    }

    /**
     * Writes every outcome not yet written, once the delivery routes have finished (the relay's last step before
     * the store closes), so that a restart sends again nothing a vendor has already taken. Should the store not take
     * them, the deliveries are sent again after the restart (at least once), and the log says how many.
     */
    public void writeOutcomesOnStop() {
        roundLock.lock();
        try {
            takeFinished(System.currentTimeMillis());
            if (unwritten.isEmpty()) {
                return;
            }
            int count = unwritten.size();
            try {
                store.round(unwritten, List.of());
                unwritten.clear();
                LOG.info("Wrote the outcomes of the last {} attempts before stopping", count);
            } catch (RuntimeException e) {
                LOG.error("Could not write the outcomes of the last {} attempts before stopping; those deliveries "
                        + "will be attempted again: {}", count, SafeText.value(e.getMessage()));
            }
        } finally {
            roundLock.unlock();
        }
    }

    /** Whether every vendor with an outcome waiting still has more than its concurrency of deliveries in flight. */
    private boolean othersWillFinish() {
        for (Finish f : unwritten) {
            String vendor = f.delivery().vendor();
            if (claimed.get(vendor).get() <= vendors.get(vendor).concurrency()) {
                return false;
            }
        }
        return true;
    }

    /**
     * How long a claim lasts: the worst case of a claimed delivery, which may wait in the vendor's queue behind one
     * attempt (at most twice the concurrency is claimed) and then makes its own — each attempt at most
     * {@code calls} HTTP calls, each cut off at timeout-ms — plus the rate limit's waits and a margin. Another relay
     * takes a delivery over only once its lease has ended, so a lease shorter than this could send it twice.
     */
    static long leaseMs(VendorSettings vendor, int calls) {
        long rateWait = vendor.rateLimit() > 0
                ? (long) Math.ceil(2.0 * vendor.concurrency() * calls * 1000 / vendor.rateLimit()) : 0;
        return 2L * calls * vendor.timeoutMs() + rateWait + 5_000;
    }

    /** Deliveries of {@code vendor} this relay has claimed and not yet finished (waiting for or in their attempt). */
    public int inFlight(String vendor) {
        AtomicInteger n = claimed.get(vendor);
        return n == null ? 0 : n.get();
    }

    /**
     * Called once when a delivery handed out by a round has finished its attempt, with what it came to: written by
     * the next round, which this asks for.
     */
    public void finished(Finish outcome) {
        finished.add(outcome);
        claimed.get(outcome.delivery().vendor()).decrementAndGet();
        dispatch();
    }
}
