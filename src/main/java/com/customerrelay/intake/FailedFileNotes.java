package com.customerrelay.intake;

import com.customerrelay.core.FatalErrors;
import com.customerrelay.core.SafeText;
import com.customerrelay.core.Secrets;
import com.customerrelay.store.StoreUnavailableException;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;

/**
 * Handles a dropped file that could not be taken in. A file that cannot be read (not JSON, truncated) or that failed
 * for a reason of its own moves to {@code .failed/} with {@code <name>.error.txt} beside it saying why. A file that
 * failed because the state store was away stays in the inbox, untouched, and is read again at a later poll.
 */
public final class FailedFileNotes {

    private static final Logger LOG = LoggerFactory.getLogger(FailedFileNotes.class);

    private final Path failedDir;

    public FailedFileNotes(Path inboxDir) {
        this.failedDir = inboxDir.resolve(".failed");
    }

    public void write(Exchange exchange) {
        String name = exchange.getIn().getHeader(Exchange.FILE_NAME_ONLY, String.class);
        String path = exchange.getIn().getHeader(Exchange.FILE_PATH, String.class);
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (error == null) {
            error = exchange.getException();
        }
        FatalErrors.check(error, "the file intake");
        if (causedBy(error, StoreUnavailableException.class)) {
            LOG.warn("Dropped file {} left in the inbox: the state store is not available ({}); it is read again "
                    + "at a later poll", SafeText.value(name), SafeText.value(Secrets.mask(rootMessage(error))));
            return;
        }
        boolean unreadable = causedBy(error, UnreadableFileException.class);
        String why = reason(error);
        try {
            com.customerrelay.core.PrivateFiles.createDirectories(failedDir);
            if (path != null && Files.exists(Path.of(path))) {
                Files.move(Path.of(path), failedDir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
            com.customerrelay.core.PrivateFiles.write(failedDir.resolve(name + ".error.txt"),
                    name + (unreadable ? " could not be read" : " could not be taken in to the end")
                            + " and was moved to .failed/ at " + Instant.now() + "\n" + why + "\n"
                            + (unreadable ? "" : "Requests before the failure may have been accepted; once the cause "
                            + "is fixed, drop the file again: requests already accepted are recognised and not sent "
                            + "twice.\n"));
        } catch (IOException e) {
            LOG.error("Cannot move {} to .failed/ or write its error note: {}", SafeText.value(name),
                    SafeText.value(e.toString()));
        }
        LOG.warn("Dropped file {} refused: {}", SafeText.value(name), SafeText.value(why));
    }

    private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable error) {
        Throwable cause = error;
        while (cause != null && cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause == null ? "unknown error" : String.valueOf(cause.getMessage());
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
