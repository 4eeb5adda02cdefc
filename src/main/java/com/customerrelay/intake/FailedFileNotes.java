package com.customerrelay.intake;

import com.customerrelay.core.Secrets;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/** Writes {@code .failed/<name>.error.txt} saying why a dropped file could not be read. */
public final class FailedFileNotes {

    private static final Logger LOG = LoggerFactory.getLogger(FailedFileNotes.class);

    private final Path failedDir;

    public FailedFileNotes(Path inboxDir) {
        this.failedDir = inboxDir.resolve(".failed");
    }

    public void write(Exchange exchange) {
        String name = exchange.getIn().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (error == null) {
            error = exchange.getException();
        }
        boolean unreadable = unreadable(error);
        String why = reason(error);
        try {
            Files.createDirectories(failedDir);
            Files.writeString(failedDir.resolve(name + ".error.txt"),
                    name + (unreadable ? " could not be read" : " could not be taken in to the end")
                            + " and was moved to .failed/ at " + Instant.now() + "\n" + why + "\n"
                            + (unreadable ? "" : "Requests before the failure were accepted; once the cause is fixed, "
                            + "drop the file again: requests already accepted are recognised and not sent twice.\n"),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            LOG.error("Cannot write the error note for {}", name, e);
        }
        LOG.warn("Dropped file {} refused: {}", name, why);
    }

    private static boolean unreadable(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof UnreadableFileException) {
                return true;
            }
        }
        return false;
    }

    private static String reason(Throwable error) {
        Throwable cause = error;
        while (cause != null && !(cause instanceof UnreadableFileException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof UnreadableFileException) {
            return cause.getMessage();
        }
        return error == null ? "unknown error" : Secrets.mask(error.getClass().getSimpleName() + ": "
                + error.getMessage());
    }
}
