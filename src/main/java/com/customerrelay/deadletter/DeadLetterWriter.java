package com.customerrelay.deadletter;

import com.customerrelay.connector.Outcome;
import com.customerrelay.core.Json;
import com.customerrelay.core.PrivateFiles;
import com.customerrelay.core.SafeText;
import com.customerrelay.core.Secrets;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** Writes one JSON file per undeliverable request and vendor (PRODUCT.md §4), with secrets masked. */
public final class DeadLetterWriter {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterWriter.class);
    private static final AtomicLong SEQUENCE = new AtomicLong();
    private static final int WRITE_ATTEMPTS = 3;

    private final Path dir;
    private final DeadLetterIndex index;

    /** @param index the store's index of {@code dir}, told of each letter written */
    public DeadLetterWriter(Path dir, DeadLetterIndex index) {
        this.dir = dir;
        this.index = index;
    }

    public Path dir() {
        return dir;
    }

    /** The details of one dead letter; null members are left out of the file. */
    public record Letter(String requestId, String vendor, String kind, String reason, String message,
                         Integer httpStatus, String vendorMessage, String vendorCode, int attempts,
                         Long firstAttemptAt, Long lastAttemptAt, JsonNode source, JsonNode request,
                         String rawRequest) {

        /**
         * A request the relay refused (reason {@code invalid}; never attempted): {@code request} as read, or
         * {@code rawRequest} when it could not be read as JSON.
         */
        public static Letter invalid(String requestId, String vendor, String kind, String message, JsonNode source,
                                     JsonNode request, String rawRequest) {
            return new Letter(requestId, vendor, kind, "invalid", message, null, null, null, 0, null, null, source,
                    request, request == null ? rawRequest : null);
        }

        /**
         * A delivery given up on ({@code reason} rejected or exhausted) after {@code attempts}, with what its last
         * attempt came to.
         */
        public static Letter givenUp(String requestId, String vendor, String kind, String reason, Outcome last,
                                     int attempts, Long firstAttemptAt, JsonNode source, JsonNode request,
                                     String rawRequest) {
            return new Letter(requestId, vendor, kind, reason, last.message(), last.httpStatus(),
                    last.vendorMessage(), last.vendorCode(), Math.max(0, attempts), firstAttemptAt,
                    System.currentTimeMillis(), source, request, request == null ? rawRequest : null);
        }
    }

    /**
     * Writes the dead letter; a failed write is tried again, and if it still fails the record is logged in full as
     * an error. Never throws: one dead letter that cannot be written must not stop the requests around it.
     *
     * @return the file written, or null when it could not be
     */
    public Path write(Letter letter) {
        ObjectNode record = Json.object();
        record.put("requestId", letter.requestId());
        if (letter.vendor() == null) {
            record.putNull("vendor");
        } else {
            record.put("vendor", letter.vendor());
        }
        if (letter.kind() != null) {
            record.put("kind", letter.kind());
        }
        record.put("reason", letter.reason());
        ObjectNode error = record.putObject("error");
        error.put("message", Secrets.mask(letter.message()));
        if (letter.httpStatus() != null) {
            error.put("httpStatus", letter.httpStatus());
        }
        if (letter.vendorMessage() != null) {
            error.put("vendorMessage", Secrets.mask(letter.vendorMessage()));
        }
        if (letter.vendorCode() != null) {
            error.put("vendorCode", Secrets.mask(letter.vendorCode()));
        }
        record.put("attempts", letter.attempts());
        if (letter.firstAttemptAt() != null) {
            record.put("firstAttemptAt", Instant.ofEpochMilli(letter.firstAttemptAt()).toString());
        }
        if (letter.lastAttemptAt() != null) {
            record.put("lastAttemptAt", Instant.ofEpochMilli(letter.lastAttemptAt()).toString());
        }
        if (letter.source() != null) {
            record.set("source", letter.source());
        }
        if (letter.request() != null) {
            record.set("request", Secrets.maskJson(letter.request()));
        } else {
            String raw = letter.rawRequest() == null ? "" : letter.rawRequest();
            record.set("request", TextNode.valueOf(Secrets.maskRaw(raw)));
        }
        String text = Json.writePretty(record);
        String name = fileName(letter);
        IOException failure = null;
        for (int attempt = 1; attempt <= WRITE_ATTEMPTS; attempt++) {
            try {
                Path file = writeFile(name, text);
                LOG.warn("Dead letter {}: request {} to {}: {}: {}", file.getFileName(),
                        SafeText.value(letter.requestId()),
                        letter.vendor() == null ? "(no vendor)" : SafeText.name(letter.vendor()), letter.reason(),
                        SafeText.value(Secrets.mask(letter.message())));
                indexed(file, letter);
                return file;
            } catch (IOException | RuntimeException e) {
                failure = e instanceof IOException io ? io : new IOException(e);
                sleepBeforeRetry(attempt);
            }
        }
        // the dead letter could not be written (disk full, folder not writable…): it is reported in full in the log,
        // and the caller goes on with the other requests
        LOG.error("DEAD LETTER NOT WRITTEN to {} after {} attempts ({}): {}", dir, WRITE_ATTEMPTS,
                SafeText.value(Secrets.mask(String.valueOf(failure.getMessage()))),
                SafeText.cut(SafeText.escape(Json.write(record)), 20_000));
        return null;
    }

    private void indexed(Path file, Letter letter) {
        try {
            String name = file.getFileName().toString();
            // written at the time its name starts with (fileName)
            index.add(name, letter.requestId(), letter.vendor(), letter.reason(),
                    Long.parseLong(name.substring(0, name.indexOf('-'))));
        } catch (RuntimeException e) {
            // the file is the record; the index learns of it at the next start (DeadLetterIndex.catchUp)
            LOG.warn("Dead letter {} is not in the store's index yet ({}); it is indexed at the next start",
                    file.getFileName(), SafeText.value(e.getMessage()));
        }
    }

    private Path writeFile(String name, String text) throws IOException {
        // a dead letter holds personal data: readable by the relay's user only
        return PrivateFiles.write(dir.resolve(name), text);
    }

    private static void sleepBeforeRetry(int attempt) {
        if (attempt < WRITE_ATTEMPTS) {
            try {
                Thread.sleep(100L * attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Built only from cleaned, bounded parts: whatever the request's id or target names hold, a plain file name. */
    static String fileName(Letter letter) {
        String id = letter.requestId() == null ? "unknown" : SafeText.fileNamePart(letter.requestId(), 80);
        String vendor = letter.vendor() == null ? "invalid" : SafeText.fileNamePart(letter.vendor(), 32);
        return String.format("%d-%06d-%s-%s.json", System.currentTimeMillis(), SEQUENCE.incrementAndGet() % 1_000_000,
                vendor, id);
    }
}
