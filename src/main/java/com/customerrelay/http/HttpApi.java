package com.customerrelay.http;

import com.customerrelay.core.Json;
import com.customerrelay.core.SafeText;
import com.customerrelay.core.Secrets;
import com.customerrelay.deadletter.DeadLetterIndex;
import com.customerrelay.delivery.DeliveryQueries;
import com.customerrelay.delivery.DeliveryStatus;
import com.customerrelay.delivery.VendorCircuit;
import com.customerrelay.delivery.VendorCircuits;
import com.customerrelay.store.StoreUnavailableException;
import com.customerrelay.deadletter.DeadLetterReplay;
import com.customerrelay.intake.DryRun;
import com.customerrelay.intake.IntakeItem;
import com.customerrelay.intake.RequestIntake;
import com.customerrelay.intake.RequestBodyReader;
import com.customerrelay.sync.SyncRunner;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The relay's HTTP API (PRODUCT.md §7), one method per call of routes/http-api.camel.yaml: each reads what the call
 * carries and leaves the answer — status in {@code CamelHttpResponseCode}, JSON body — on the message. A call that
 * cannot be answered as asked throws {@link ApiProblem}, which the route configuration turns into its answer.
 */
public final class HttpApi {

    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);

    private final RequestIntake intake;
    private final RequestBodyReader reader;
    private final DeliveryQueries store;
    private final DeadLetterReplay deadLetters;
    private final List<String> vendors;
    private final long maxBodyBytes;
    private final String console;
    private final SyncRunner sync;
    private final SyncViews syncViews;
    private final RequestViews requestViews;
    private final VendorCircuits circuits;
    private final DryRun dryRun;

    public HttpApi(RequestIntake intake, RequestBodyReader reader, DeliveryQueries store, DeadLetterReplay deadLetters,
                   List<String> vendors, long maxBodyBytes, SyncRunner sync, VendorCircuits circuits,
                   DryRun dryRun) {
        this.dryRun = dryRun;
        this.sync = sync;
        this.syncViews = new SyncViews(sync);
        this.requestViews = new RequestViews(store, circuits);
        this.circuits = circuits;
        this.intake = intake;
        this.reader = reader;
        this.store = store;
        this.deadLetters = deadLetters;
        this.vendors = vendors;
        this.maxBodyBytes = maxBodyBytes;
        try (InputStream in = HttpApi.class.getResourceAsStream("/console/index.html")) {
            this.console = in == null ? "<!doctype html><title>Customer Relay</title>console missing"
                    : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** POST /updates: one request or an array; 202 once every valid one is durably accepted. */
    public void updates(Exchange exchange) {
        List<IntakeItem> items = items(exchange);
        List<RequestIntake.Receipt> receipts = intake.acceptFor(items, null);
        ObjectNode answer = Json.object();
        ArrayNode accepted = answer.putArray("accepted");
        ArrayNode duplicates = answer.putArray("duplicates");
        ArrayNode invalid = answer.putArray("invalid");
        for (int i = 0; i < receipts.size(); i++) {
            RequestIntake.Receipt receipt = receipts.get(i);
            if (!receipt.accepted().isEmpty()) {
                ObjectNode one = accepted.addObject().put("id", receipt.id());
                receipt.accepted().forEach(one.putArray("vendors")::add);
            }
            if (!receipt.duplicates().isEmpty()) {
                duplicates.add(receipt.id());
            }
            for (String message : receipt.invalid()) {
                invalid.addObject().put("index", i).put("id", receipt.id()).put("message", Secrets.mask(message));
            }
        }
        answer(exchange, 202, answer);
    }

    /**
     * Whether POST /updates is a dry run: {@code dryRun=true}; {@code false} or no dryRun is a delivery, and any
     * other value is refused (a mistyped flag must not deliver what was meant as a trial).
     */
    public boolean isDryRun(@Header("dryRun") String dryRun) {
        if (dryRun == null || dryRun.equalsIgnoreCase("false")) {
            return false;
        }
        if (dryRun.equalsIgnoreCase("true")) {
            return true;
        }
        throw new ApiProblem(400, "dryRun must be true or false, not " + SafeText.value(dryRun)
                + "; nothing was accepted");
    }

    /** POST /updates?dryRun=true: each request's vendor calls as a delivery would make them; nothing kept. */
    public void dryRun(Exchange exchange) {
        List<IntakeItem> items = items(exchange);
        if (items.size() > DryRun.MAX_REQUESTS) {
            throw new ApiProblem(400, "a dry run takes at most " + DryRun.MAX_REQUESTS + " requests, not "
                    + items.size());
        }
        answer(exchange, 200, dryRun.answer(items));
    }

    /** POST /sync/{job}/preview: the first {@code limit} (default 20) requests the job's next run hands over. */
    public void syncPreview(Exchange exchange) {
        String job = exchange.getMessage().getHeader("job", String.class);
        int limit = limit(exchange.getMessage().getHeader("limit", String.class), 20, DryRun.MAX_REQUESTS);
        JsonNode answer = syncViews.preview(job, limit, dryRun);
        if (answer == null) {
            throw new ApiProblem(404, "no sync job " + SafeText.value(job) + " is configured");
        }
        answer(exchange, 200, answer);
    }

    /** The requests in the body of POST /updates: one, or a JSON array. */
    private List<IntakeItem> items(Exchange exchange) {
        byte[] body = body(exchange);
        if (body.length == 0 || new String(body, StandardCharsets.UTF_8).isBlank()) {
            throw new ApiProblem(400, "the body is empty: send one request or a JSON array of requests");
        }
        try {
            // X-Correlation-Id: carried by the requests' outcome messages (PRODUCT.md §8)
            String correlationId = exchange.getMessage().getHeader("X-Correlation-Id", String.class);
            return reader.read(body, "the body of POST /updates", index -> {
                ObjectNode source = Json.object().put("intake", "http").put("name", "POST /updates");
                if (index != null) {
                    source.put("index", index);
                }
                return RequestBodyReader.withReply(source, correlationId, null);
            });
        } catch (JsonProcessingException e) {
            throw new ApiProblem(400, "the body is not JSON: " + SafeText.value(e.getOriginalMessage())
                    + "; nothing was accepted");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** GET /requests/{id}: what became of a request at each of its vendors. */
    public void request(Exchange exchange) {
        String id = exchange.getMessage().getHeader("id", String.class);
        List<DeliveryQueries.Status> deliveries = id == null ? List.of() : store.statusOf(id);
        if (deliveries.isEmpty()) {
            throw new ApiProblem(404, "no request " + SafeText.value(id) + " is known to the relay");
        }
        answer(exchange, 200, requestViews.describe(id, deliveries));
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    /** {@code before}: an ISO instant or epoch milliseconds; null when not given. */
    private static Long instant(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return text.chars().allMatch(Character::isDigit) ? Long.parseLong(text) : Instant.parse(text).toEpochMilli();
        } catch (RuntimeException e) {
            throw new ApiProblem(400, "before must be an instant such as 2026-11-22T10:15:00Z or epoch milliseconds, "
                    + "not " + SafeText.value(text));
        }
    }

    /**
     * GET /dead-letters?vendor=&reason=&requestId=&before=&limit=: the dead letters not yet replayed, newest first,
     * found through the store's index; {@code before} (an instant, or epoch ms) pages back to those written before it.
     */
    public void deadLetters(Exchange exchange) {
        String vendor = blankToNull(exchange.getMessage().getHeader("vendor", String.class));
        String reason = blankToNull(exchange.getMessage().getHeader("reason", String.class));
        String requestId = blankToNull(exchange.getMessage().getHeader("requestId", String.class));
        Long before = instant(exchange.getMessage().getHeader("before", String.class));
        int limit = limit(exchange.getMessage().getHeader("limit", String.class), 100, 10_000);
        ArrayNode answer = Json.MAPPER.createArrayNode();
        DeadLetterIndex.Query query = new DeadLetterIndex.Query(vendor, reason,
                requestId == null ? null : List.of(requestId), before);
        for (DeadLetterReplay.Letter letter : deadLetters.list(query, letter -> matches(letter, vendor)
                && matches(letter.path("reason"), reason), limit)) {
            ObjectNode record = letter.record().deepCopy();
            record.put("file", letter.file().getFileName().toString());
            answer.add(record);
        }
        answer(exchange, 200, answer);
    }

    /**
     * POST /dead-letters/replay: {"requestIds":[…]} (narrowed by "vendor" and "reason" when given beside them),
     * {"vendor":…,"reason":…} or {"all":true}.
     */
    public void replay(Exchange exchange) {
        JsonNode filter;
        try {
            filter = Json.MAPPER.readTree(body(exchange));
        } catch (IOException e) {
            throw new ApiProblem(400, "the body is not JSON: give {\"requestIds\":[…]}, {\"vendor\":…,\"reason\":…} "
                    + "or {\"all\":true}");
        }
        Predicate<JsonNode> which;
        DeadLetterIndex.Query query;
        if (filter != null && filter.path("all").asBoolean(false)) {
            which = letter -> true;
            query = DeadLetterIndex.Query.ALL;
        } else if (filter != null && filter.path("requestIds").isArray()) {
            Set<String> ids = new HashSet<>();
            filter.path("requestIds").forEach(id -> ids.add(id.asText()));
            // a vendor (and reason) beside the ids narrows them: the console's button replays its row's letter only,
            // not the request's letters to every vendor
            String vendor = filter.path("vendor").asText(null);
            String reason = filter.path("reason").asText(null);
            which = letter -> ids.contains(letter.path("requestId").asText()) && matches(letter, vendor)
                    && matches(letter.path("reason"), reason);
            query = new DeadLetterIndex.Query(blankToNull(vendor), blankToNull(reason), ids, null);
        } else if (filter != null && (filter.hasNonNull("vendor") || filter.hasNonNull("reason"))) {
            String vendor = filter.path("vendor").asText(null);
            String reason = filter.path("reason").asText(null);
            which = letter -> matches(letter, vendor) && matches(letter.path("reason"), reason);
            query = new DeadLetterIndex.Query(blankToNull(vendor), blankToNull(reason), null, null);
        } else {
            throw new ApiProblem(400, "say which dead letters to replay: {\"requestIds\":[…]}, "
                    + "{\"vendor\":…,\"reason\":…} or {\"all\":true}");
        }
        answer(exchange, 200, Json.object().put("replayed", deadLetters.replay(query, which)));
    }

    /**
     * GET /vendors: per vendor, the deliveries delivered, pending, in flight, dead and skipped, and its circuit
     * (PRODUCT.md §3a): state, since when, the next probe while open (the console's).
     */
    public void vendors(Exchange exchange) {
        ArrayNode answer = Json.MAPPER.createArrayNode();
        for (String vendor : vendors) {
            ObjectNode one = answer.addObject().put("vendor", vendor).put("delivered", store.count(DeliveryStatus.DELIVERED, vendor))
                    .put("pending", store.count(DeliveryStatus.PENDING, vendor))
                    .put("inFlight", store.count(DeliveryStatus.INFLIGHT, vendor))
                    .put("dead", store.count(DeliveryStatus.DEAD, vendor))
                    .put("skipped", store.count(DeliveryStatus.SKIPPED, vendor));
            circuitOf(one, circuits.of(vendor));
        }
        answer(exchange, 200, answer);
    }

    private static ObjectNode circuitOf(ObjectNode into, VendorCircuit circuit) {
        into.put("circuit", circuit.state().label)
                .put("circuitSince", Instant.ofEpochMilli(circuit.since()).toString());
        Long probe = circuit.nextProbeAt();
        if (probe != null) {
            into.put("nextProbeAt", Instant.ofEpochMilli(probe).toString());
        } else {
            into.putNull("nextProbeAt");
        }
        into.put("paused", circuit.state() == VendorCircuit.State.PAUSED);
        return into;
    }

    /** POST /vendors/{vendor}/pause: no deliveries to the vendor, on every relay sharing the store, until resumed. */
    public void pause(Exchange exchange) {
        VendorCircuit circuit = circuits.pause(vendorOf(exchange));
        answer(exchange, 200, circuitOf(Json.object().put("vendor", circuit.vendor()), circuit));
    }

    /** POST /vendors/{vendor}/resume. */
    public void resume(Exchange exchange) {
        VendorCircuit circuit = circuits.resume(vendorOf(exchange));
        answer(exchange, 200, circuitOf(Json.object().put("vendor", circuit.vendor()), circuit));
    }

    private String vendorOf(Exchange exchange) {
        String vendor = exchange.getMessage().getHeader("vendor", String.class);
        if (vendor == null || !vendors.contains(vendor)) {
            throw new ApiProblem(404, "no vendor " + SafeText.name(String.valueOf(vendor)) + " (vendors: "
                    + String.join(", ", vendors) + ")");
        }
        return vendor;
    }

    /** GET /sync: each job's schedule, whether it is running, and its last run's report. */
    public void syncJobs(Exchange exchange) {
        answer(exchange, 200, syncViews.describeAll());
    }

    /** GET /sync/{job}: one job. */
    public void syncJob(Exchange exchange) {
        String job = exchange.getIn().getHeader("job", String.class);
        JsonNode described = syncViews.describe(job);
        if (described == null) {
            throw new ApiProblem(404, "no sync job " + SafeText.name(String.valueOf(job)) + " (relay.sync.jobs)");
        }
        answer(exchange, 200, described);
    }

    /** POST /sync/{job}/run: starts a run now; 202, or 409 while one is going on. */
    public void syncRun(Exchange exchange) {
        String job = exchange.getIn().getHeader("job", String.class);
        switch (sync.start(job)) {
            case STARTED -> answer(exchange, 202, Json.object().put("job", job).put("started", true));
            case RUNNING -> throw new ApiProblem(409, "sync job " + job + " is running; try again when it is done");
            default -> throw new ApiProblem(404, "no sync job " + SafeText.name(String.valueOf(job))
                    + " (relay.sync.jobs)");
        }
    }

    /** GET /: the console page (no key needed; the page asks for one and uses the calls above). */
    public void console(Exchange exchange) {
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/html; charset=utf-8");
        exchange.getMessage().setBody(console);
    }

    /** The answer to a call that failed: its status and {"error": message}; never a stack trace or a secret. */
    public void problem(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        int status;
        String message;
        if (failure instanceof ApiProblem problem) {
            status = problem.status();
            message = problem.getMessage();
        } else if (failure instanceof StoreUnavailableException) {
            status = 503;
            message = "the state store is not available; try again shortly";
            LOG.warn("HTTP API: {}", SafeText.value(Secrets.mask(String.valueOf(failure.getMessage()))));
        } else {
            status = 500;
            message = "the relay could not answer this call";
            LOG.error("HTTP API call failed: {}", SafeText.value(Secrets.mask(String.valueOf(failure))));
        }
        answer(exchange, status, Json.object().put("error", Secrets.mask(message)));
    }

    private byte[] body(Exchange exchange) {
        Long declared = exchange.getMessage().getHeader("Content-Length", Long.class);
        if (declared != null && declared > maxBodyBytes) {
            throw new ApiProblem(413, "the body is larger than relay.http.max-body-bytes (" + maxBodyBytes + ")");
        }
        byte[] body = exchange.getMessage().getBody(byte[].class);
        if (body == null) {
            return new byte[0];
        }
        if (body.length > maxBodyBytes) {
            throw new ApiProblem(413, "the body is larger than relay.http.max-body-bytes (" + maxBodyBytes + ")");
        }
        return body;
    }

    private static void answer(Exchange exchange, int status, JsonNode body) {
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(Json.write(body));
    }

    private static boolean matches(JsonNode value, String wanted) {
        return wanted == null || wanted.isEmpty() || wanted.equals(value.isObject() ? value.path("vendor").asText()
                : value.asText());
    }

    /** {@code limit}: {@code absent} when not given, else a number from 1 to {@code max}. */
    private static int limit(String text, int absent, int max) {
        if (text == null || text.isEmpty()) {
            return absent;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit < 1 || limit > max) {
                throw new NumberFormatException();
            }
            return limit;
        } catch (NumberFormatException e) {
            throw new ApiProblem(400, "limit must be a number from 1 to " + max + ", not " + SafeText.value(text));
        }
    }
}
