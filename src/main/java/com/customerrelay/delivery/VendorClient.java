package com.customerrelay.delivery;

/** Makes one attempt at delivering a request to one vendor and classifies the result. Never throws for I/O. */
public interface VendorClient {

    String vendor();

    Outcome deliver(Delivery delivery);
}
