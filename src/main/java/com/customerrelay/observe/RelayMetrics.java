package com.customerrelay.observe;

import com.customerrelay.delivery.DeliveryMetrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * The relay's own metrics (PRODUCT.md §7), in the Micrometer registry that Camel's camel-micrometer-prometheus
 * serves at /observe/metrics beside Camel's route metrics. Every vendor's counters exist from the start at zero, so
 * a scrape shows the whole set before the first request. The timers are Prometheus histograms.
 */
public final class RelayMetrics implements DeliveryMetrics {

    /** The outcomes of relay_deliveries_total. */
    public static final List<String> OUTCOMES = List.of("delivered", "rejected", "exhausted", "skipped", "invalid");
    /** The results of relay_delivery_attempts_total. */
    public static final List<String> RESULTS = List.of("ok", "retry", "failed");
    /** The intakes of relay_requests_accepted_total. */
    public static final List<String> INTAKES = List.of("file", "queue", "kafka", "http", "sync");

    private final MeterRegistry registry;
    /** The configured vendors: any other name a request makes up is counted as "unknown", not as a series of its own. */
    private final java.util.Set<String> vendors;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    public RelayMetrics(MeterRegistry registry, List<String> vendors) {
        this.registry = registry;
        this.vendors = java.util.Set.copyOf(vendors);
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (id.getType() == Meter.Type.TIMER && id.getName().startsWith("relay.")) {
                    return DistributionStatisticConfig.builder().percentilesHistogram(true)
                            .minimumExpectedValue((double) Duration.ofMillis(1).toNanos())
                            .maximumExpectedValue((double) Duration.ofHours(1).toNanos()).build().merge(config);
                }
                return config;
            }
        });
        INTAKES.forEach(this::counterAccepted);
        deliveries("none", "invalid");
        deliveries("unknown", "invalid");
        for (String vendor : vendors) {
            OUTCOMES.forEach(outcome -> deliveries(vendor, outcome));
            RESULTS.forEach(result -> attempts(vendor, result));
        }
    }

    public MeterRegistry registry() {
        return registry;
    }

    private Counter counterAccepted(String intake) {
        return counters.computeIfAbsent("accepted|" + intake, k -> Counter.builder("relay.requests.accepted")
                .description("requests durably accepted").tag("intake", intake).register(registry));
    }

    private Counter deliveries(String vendor, String outcome) {
        return counters.computeIfAbsent("deliveries|" + vendor + "|" + outcome, k ->
                Counter.builder("relay.deliveries").description("deliveries finished").tag("vendor", vendor)
                        .tag("outcome", outcome).register(registry));
    }

    private Counter attempts(String vendor, String result) {
        return counters.computeIfAbsent("attempts|" + vendor + "|" + result, k ->
                Counter.builder("relay.delivery.attempts").description("delivery attempts made (vendor calls)")
                        .tag("vendor", vendor).tag("result", result).register(registry));
    }

    /** A request durably accepted by {@code intake} (file, queue, kafka, http, sync). */
    public void accepted(String intake) {
        counterAccepted(INTAKES.contains(intake) ? intake : "other").increment();
    }

    /** Rows read by sync job {@code job} that came to {@code result} (changed, unchanged, invalid). */
    public void syncRows(String job, String result, long rows) {
        counters.computeIfAbsent("sync|" + job + "|" + result, k -> Counter.builder("relay.sync.rows")
                .description("rows read by sync jobs").tag("job", job).tag("result", result).register(registry))
                .increment(rows);
    }

    @Override
    public void finished(String vendor, String outcome, Long acceptedAt) {
        vendor = vendors.contains(vendor) || "none".equals(vendor) ? vendor : "unknown";
        deliveries(vendor, outcome).increment();
        if (acceptedAt != null && !"invalid".equals(outcome)) {
            timer("relay.delivery", "from acceptance to the final outcome", vendor)
                    .record(Duration.ofMillis(Math.max(0, System.currentTimeMillis() - acceptedAt)));
        }
    }

    @Override
    public void attempt(String vendor, String result) {
        attempts(vendor, result).increment();
    }

    /** One HTTP call to {@code vendor} took {@code nanos}. */
    public void call(String vendor, long nanos) {
        timer("relay.vendor.call", "one vendor call, its answer read", vendor).record(Duration.ofNanos(nanos));
    }

    private Timer timer(String name, String description, String vendor) {
        return timers.computeIfAbsent(name + "|" + vendor, k -> Timer.builder(name).description(description)
                .tag("vendor", vendor).register(registry));
    }

    /**
     * relay_vendor_circuit_state{vendor,state}: 1 for the vendor's current state, 0 for the others; and
     * relay_vendor_circuit_transitions_total{vendor,to}, each at zero from the start.
     */
    public void circuit(String vendor, List<String> states, java.util.function.Supplier<String> current) {
        for (String state : states) {
            Gauge.builder("relay.vendor.circuit.state", () -> state.equals(current.get()) ? 1 : 0)
                    .description("1 for the vendor circuit's current state").tag("vendor", vendor).tag("state", state)
                    .register(registry);
            transitions(vendor, state);
        }
    }

    /** The vendor's circuit went to {@code state}. */
    public void circuitTransition(String vendor, String state) {
        transitions(vendor, state).increment();
    }

    private Counter transitions(String vendor, String state) {
        return counters.computeIfAbsent("circuit|" + vendor + "|" + state, k ->
                Counter.builder("relay.vendor.circuit.transitions").description("changes of a vendor circuit's state")
                        .tag("vendor", vendor).tag("to", state).register(registry));
    }

    /** A gauge per vendor, read at each scrape (NaN when it cannot be read, e.g. the store is away). */
    public void gauge(String name, String description, String vendor, ToDoubleFunction<String> value) {
        Gauge.builder(name, vendor, v -> {
            try {
                return value.applyAsDouble(v);
            } catch (RuntimeException e) {
                return Double.NaN;
            }
        }).description(description).tag("vendor", vendor).register(registry);
    }
}
