package com.customerrelay.delivery;

import com.customerrelay.core.Json;
import com.customerrelay.core.Secrets;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** Writes one JSON file per undeliverable request and vendor (PRODUCT.md §4), with secrets masked. */
public final class DeadLetterWriter {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterWriter.class);
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final Path dir;

    public DeadLetterWriter(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** The details of one dead letter; null members are left out of the file. */
    public record Letter(String requestId, String vendor, String kind, String reason, String message,
                         Integer httpStatus, String vendorMessage, String vendorCode, int attempts,
                         Long firstAttemptAt, Long lastAttemptAt, JsonNode source, JsonNode request,
                         String rawRequest) {
    }

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
            record.set("request", TextNode.valueOf(Secrets.mask(letter.rawRequest() == null ? "" : letter.rawRequest())));
        }
        Path file = dir.resolve(fileName(letter));
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
            Files.writeString(tmp, Json.writePretty(record), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write dead letter " + file, e);
        }
        LOG.warn("Dead letter {}: request {} to {}: {}: {}", file.getFileName(), letter.requestId(),
                letter.vendor() == null ? "(no vendor)" : letter.vendor(), letter.reason(),
                Secrets.mask(letter.message()));
        return file;
    }

    private static String fileName(Letter letter) {
        String id = letter.requestId() == null ? "unknown" : letter.requestId().replaceAll("[^A-Za-z0-9._-]", "_");
        if (id.length() > 80) {
            id = id.substring(0, 80);
        }
        return String.format("%d-%06d-%s-%s.json", System.currentTimeMillis(), SEQUENCE.incrementAndGet() % 1_000_000,
                letter.vendor() == null ? "invalid" : letter.vendor(), id);
    }
}
