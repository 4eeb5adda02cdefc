package com.customerrelay.intake;

import com.customerrelay.connector.Connector;
import com.customerrelay.connector.OutcomeException;
import com.customerrelay.core.Json;
import com.customerrelay.core.RequestValidator;
import com.customerrelay.core.SafeText;
import com.customerrelay.core.Secrets;
import com.customerrelay.core.UpdateRequest;
import com.customerrelay.delivery.DeliveryFailures;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.util.ObjectHelper;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Dry runs (PRODUCT.md §7: {@code POST /updates?dryRun=true}, {@code POST /sync/{job}/preview}): requests validated
 * as every intake validates them, then each deliverable target sent through its vendor's attempt route
 * ({@code direct:<vendor>-attempt}) as a delivery would be, reads included (RPM's customer read is made, so its
 * payload is the contact as RPM holds it, merged). Each write call (a vendor-request route,
 * routes/vendor-call.camel.yaml) passes {@code direct:dry-run-gate} (routes/dry-run.camel.yaml) just before it
 * reaches the vendor; in a dry run the gate calls {@link #keep} and stops the
 * exchange, so nothing is written. Nothing is stored, dispatched or dead-lettered.
 */
public final class DryRun {

    /** The exchange property that makes an attempt a dry run. */
    public static final String DRY_RUN = "relayDryRun";

    /** The most requests one dry run or sync preview answers: each RPM target costs a read at RPM. */
    public static final int MAX_REQUESTS = 100;

    /** The exchange property the gate leaves the call in. */
    static final String CALL = "relayDryRunCall";

    private final RequestValidator validator;
    private final ProducerTemplate template;
    private final Map<String, String> displayNames;

    /** @param displayNames each vendor's name as people write it, for messages */
    public DryRun(RequestValidator validator, ProducerTemplate template, Map<String, String> displayNames) {
        this.validator = validator;
        this.template = template;
        this.displayNames = displayNames;
    }

    /**
     * {@code {"requests":[{"id":…,"vendors":[…]}],"invalid":[{"index":…,"id":…,"vendor":…,"message":…}]}}:
     * each request's call per deliverable target, or the failure that stopped its attempt before the write; the
     * invalid ones as {@code POST /updates} answers them ({@code vendor} where one target alone is refused).
     */
    public ObjectNode answer(List<IntakeItem> items) {
        ObjectNode answer = Json.object();
        ArrayNode requests = answer.putArray("requests");
        ArrayNode invalid = answer.putArray("invalid");
        for (int i = 0; i < items.size(); i++) {
            IntakeItem item = items.get(i);
            if (item.json() == null) {
                invalid(invalid, i, RequestIntake.idOf(item), null, item.parseError());
                continue;
            }
            RequestValidator.Result result;
            try {
                result = validator.validate(item.json());
            } catch (RuntimeException e) {
                // as an intake answers it: a rule the validator did not foresee refuses this request alone
                invalid(invalid, i, RequestIntake.idOf(item), null, "the request could not be taken in: "
                        + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + SafeText.value(e.getMessage())));
                continue;
            }
            if (result.vendors().isEmpty()) {
                invalid(invalid, i, result.id(), null, result.message(null));
                continue;
            }
            List<String> refused = new ArrayList<>();
            ArrayNode vendors = null;
            for (String vendor : result.vendors()) {
                if (!result.deliverable(vendor)) {
                    refused.add(vendor);
                    continue;
                }
                if (vendors == null) {
                    vendors = requests.addObject().put("id", result.id()).putArray("vendors");
                }
                vendors.add(attempt(vendor, result.request()));
            }
            if (!refused.isEmpty()) {
                invalid(invalid, i, result.id(), refused.size() == 1 ? refused.get(0) : null,
                        RequestIntake.messageOf(result, refused));
            }
        }
        return answer;
    }

    /** The gate's step in a dry run: keeps the call the attempt route is about to make, payload masked. */
    public void keep(Exchange exchange) {
        Message message = exchange.getMessage();
        ObjectNode call = Json.object();
        call.put("method", String.valueOf(message.getHeader(Exchange.HTTP_METHOD)));
        call.put("path", message.getHeader(Exchange.HTTP_PATH, String.class));
        call.set("payload", Secrets.maskJson(Json.MAPPER.valueToTree(message.getBody())));
        exchange.setProperty(CALL, call);
    }

    private ObjectNode attempt(String vendor, UpdateRequest request) {
        Exchange exchange = new DefaultExchange(template.getCamelContext());
        exchange.setProperty(DRY_RUN, Boolean.TRUE);
        exchange.setProperty(Connector.REQUEST, request);
        exchange.getMessage().setBody(request);
        template.send("direct:" + vendor + "-attempt", exchange);
        ObjectNode one = Json.object().put("vendor", vendor);
        ObjectNode call = exchange.getProperty(CALL, ObjectNode.class);
        if (exchange.getException() != null || call == null) {
            one.put("error", failure(vendor, exchange.getException()));
            return one;
        }
        one.setAll(call);
        ArrayNode skipped = one.putArray("skippedFields");
        validator.profile(vendor).skipped(request.leaves().keySet(), request.kind()).forEach(skipped::add);
        return one;
    }

    /** Why the attempt stopped before its write: the outcome a step knew (an unknown contact), or the failure. */
    private String failure(String vendor, Exception failure) {
        String name = displayNames.getOrDefault(vendor, vendor);
        if (failure == null) {
            return "the attempt to " + name + " ended before its write";
        }
        OutcomeException known = ObjectHelper.getException(OutcomeException.class, failure);
        if (known != null) {
            return SafeText.value(Secrets.mask(known.outcome().message()));
        }
        return "the attempt to " + name + " failed before its write: "
                + SafeText.value(DeliveryFailures.rootCause(failure));
    }

    private static void invalid(ArrayNode invalid, int index, String id, String vendor, String message) {
        ObjectNode one = invalid.addObject().put("index", index).put("id", id);
        if (vendor != null) {
            one.put("vendor", vendor);
        }
        one.put("message", Secrets.mask(message));
    }
}
