package com.customerrelay.delivery;

/** What became of a delivery handed to {@link DeliveryAcceptance}. */
public enum Acceptance {
    /** Taken responsibility for. */
    NEW,
    /** The same request id was already accepted for that vendor within the dedupe window. */
    DUPLICATE,
    /** The store refused its data (a value it cannot hold): the request is invalid, the others go on. */
    REFUSED
}
