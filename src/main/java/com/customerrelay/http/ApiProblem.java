package com.customerrelay.http;

/** An HTTP API call that cannot be answered as asked: the status to answer and a message that names why. */
public final class ApiProblem extends RuntimeException {

    private final int status;

    public ApiProblem(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
