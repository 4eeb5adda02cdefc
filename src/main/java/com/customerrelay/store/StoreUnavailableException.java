package com.customerrelay.store;

/**
 * The state store could not be reached or did not commit. Nothing was taken in: intakes keep their input (the queue
 * message stays on the queue, the dropped file in the inbox) and try again once the store answers.
 */
public final class StoreUnavailableException extends IllegalStateException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
