package com.customerrelay.intake;

/** A dropped file that cannot be read as requests at all; it goes to .failed/ with this message beside it. */
public class UnreadableFileException extends RuntimeException {

    public UnreadableFileException(String message) {
        super(message);
    }
}
