package com.customerrelay.delivery;

/**
 * What the delivery routes count (observe.RelayMetrics counts it for /observe/metrics): an interface here, so that
 * delivery does not depend on observe, whose health checks depend on delivery.
 */
public interface DeliveryMetrics {

    /** A delivery finished as {@code outcome}; {@code acceptedAt} (epoch ms, or null) times it from acceptance. */
    void finished(String vendor, String outcome, Long acceptedAt);

    /** An attempt at {@code vendor} came to {@code result} (ok, retry, failed). */
    void attempt(String vendor, String result);
}
