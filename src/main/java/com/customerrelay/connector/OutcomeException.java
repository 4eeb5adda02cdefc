package com.customerrelay.connector;

/**
 * Ends an attempt early with a known outcome, e.g. a vendor login that failed inside a token cache. The message is
 * the outcome's, already free of secrets; no stack trace is kept.
 */
public final class OutcomeException extends Exception {

    private final transient Outcome outcome;

    public OutcomeException(Outcome outcome) {
        super(outcome.message(), null, false, false);
        this.outcome = outcome;
    }

    public Outcome outcome() {
        return outcome;
    }
}
