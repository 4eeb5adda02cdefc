package com.customerrelay.delivery;

/** Makes one attempt at delivering a request to one vendor and classifies the result. Never throws for I/O. */
public interface VendorClient {

    String vendor();

    Outcome deliver(Delivery delivery);

    /**
     * The most HTTP calls one attempt can make (a login, the call, a second login and call after a refused token…);
     * each is cut off at the vendor's timeout-ms, so together they bound how long an attempt can take.
     */
    default int callsPerAttempt() {
        return 1;
    }
}
