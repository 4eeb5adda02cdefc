package com.customerrelay.delivery;

import com.customerrelay.connector.Outcome;
import com.customerrelay.connector.OutcomeException;
import com.customerrelay.core.SafeText;
import com.customerrelay.core.Secrets;
import com.customerrelay.core.VendorSettings;
import org.apache.camel.Exchange;
import org.apache.camel.util.ObjectHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Map;

/**
 * The outcome of an attempt one of whose steps failed, one method per kind of failure: routes/errors.camel.yaml's
 * delivery-failures configuration has an onException for each, which calls its method here and then
 * {@link DeliveryAttempts#failed} to record the outcome. Each leaves the {@link Outcome} in the body.
 */
public final class DeliveryFailures {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryFailures.class);

    private final Map<String, VendorSettings> settings;
    private final Map<String, String> displayNames;

    public DeliveryFailures(Map<String, VendorSettings> settings, Map<String, String> displayNames) {
        this.settings = settings;
        this.displayNames = displayNames;
    }

    /** A step ended the attempt with a known outcome ({@link OutcomeException}: a login refused, no such contact). */
    public void known(Exchange exchange) {
        exchange.getMessage().setBody(caught(exchange, OutcomeException.class).outcome());
    }

    /** The vendor's answer was larger than {@link CallLimits#MAX_ANSWER_BYTES}: tried again, counted. */
    public void answerTooLarge(Exchange exchange) {
        exchange.getMessage().setBody(Outcome.retry(vendor(exchange) + " answered with more than "
                + CallLimits.MAX_ANSWER_BYTES + " bytes, which is not read (is the base-url right?)"));
    }

    /** The vendor did not answer within its timeout-ms: the vendor is down, not counted (PRODUCT.md §3a). */
    public void timedOut(Exchange exchange) {
        Delivery delivery = delivery(exchange);
        exchange.getMessage().setBody(Outcome.unreachable(vendor(exchange) + " did not answer within "
                + (delivery == null ? "?" : settings.get(delivery.vendor()).timeoutMs()) + " ms"));
    }

    /** A connection refused, reset, or closed before an answer: the vendor is down, not counted. */
    public void noConnection(Exchange exchange) {
        exchange.getMessage().setBody(Outcome.unreachable(cannotReach(exchange)));
    }

    /**
     * Any other I/O failure (a TLS handshake refused, a host name that does not resolve, a garbled answer): more
     * likely something set up wrong than the vendor down, so tried again and counted.
     */
    public void ioFailure(Exchange exchange) {
        exchange.getMessage().setBody(Outcome.retry(cannotReach(exchange)));
    }

    public void interrupted(Exchange exchange) {
        exchange.getMessage().setBody(Outcome.retry("interrupted while calling " + vendor(exchange)));
    }

    /** Anything else: tried again, counted, and logged as an error with the root cause. */
    public void unexpected(Exchange exchange) {
        String what = rootCause(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
        Delivery delivery = delivery(exchange);
        if (delivery != null) {
            LOG.error("Delivery {} of request {} to {} failed unexpectedly: {}", delivery.id(),
                    SafeText.value(delivery.requestId()), delivery.vendor(), SafeText.value(what));
        }
        exchange.getMessage().setBody(Outcome.retry("unexpected error delivering to " + vendor(exchange) + ": "
                + what));
    }

    /** The innermost cause of {@code failure} as "Type: message", its message masked ("unknown" for none). */
    public static String rootCause(Throwable failure) {
        Throwable root = failure;
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == null ? "unknown" : root.getClass().getSimpleName() + ": "
                + Secrets.mask(String.valueOf(root.getMessage()));
    }

    private String cannotReach(Exchange exchange) {
        IOException io = caught(exchange, IOException.class);
        return "cannot reach " + vendor(exchange) + ": " + io.getClass().getSimpleName()
                + (io.getMessage() == null ? "" : ": " + Secrets.mask(io.getMessage()));
    }

    /** The failure of type {@code type} in the caught exception's chain (the one its onException matched). */
    private static <T extends Throwable> T caught(Exchange exchange, Class<T> type) {
        return ObjectHelper.getException(type, exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
    }

    private static Delivery delivery(Exchange exchange) {
        return exchange.getProperty(DeliveryAttempts.DELIVERY, Delivery.class);
    }

    private String vendor(Exchange exchange) {
        Delivery delivery = delivery(exchange);
        return delivery == null ? "the vendor" : displayNames.getOrDefault(delivery.vendor(), delivery.vendor());
    }
}
