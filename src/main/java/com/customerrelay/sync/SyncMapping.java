package com.customerrelay.sync;

import com.customerrelay.core.CanonicalFields;
import com.customerrelay.core.Json;
import com.customerrelay.core.RequestValidator;
import com.customerrelay.core.SafeText;
import com.customerrelay.core.VendorProfile;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns one source row into the update request of PRODUCT.md §1 by the job's {@code map.<path>=<column>} settings,
 * each value converted to the type its path wants (RPM ids integers, booleans, {@code occurredAt} an ISO instant,
 * dates yyyy-MM-dd); then its fingerprint — SHA-256 of the request without {@code occurredAt} — and its id
 * {@code sync:<job>:<key>:<first 16 hex of the fingerprint>}. A value that does not convert is a {@link RowProblem}
 * naming the column, the value and the setting; the rules of §1 themselves are the validator's, as for every intake.
 */
final class SyncMapping {

    /** A row made into a request. */
    record Built(String key, ObjectNode request, String fingerprint) {

        String id() {
            return request.get("id").asText();
        }
    }

    /** Why a row could not be made into a request. */
    static final class RowProblem extends RuntimeException {
        RowProblem(String message) {
            super(message, null, false, false);
        }
    }

    /** Longest key kept: the store's record_key column holds 700, and the request id (200) holds less anyway. */
    private static final int MAX_KEY = 700;

    private final SyncJob job;
    private final Map<String, VendorProfile> profiles;

    SyncMapping(SyncJob job, Map<String, VendorProfile> profiles) {
        this.job = job;
        this.profiles = profiles;
    }

    /**
     * Why {@code columns} (a source's header, {@code what} names it) cannot serve the job — the key and mapping
     * settings naming a column it lacks — or null when it can.
     */
    String lacking(List<String> columns, String what) {
        List<String> lower = columns.stream().map(c -> c.toLowerCase(Locale.ROOT)).toList();
        List<String> missing = new ArrayList<>();
        String p = "relay.sync." + job.name() + ".";
        for (String column : job.key()) {
            if (!lower.contains(column.toLowerCase(Locale.ROOT))) {
                missing.add(p + "key names column '" + column + "'");
            }
        }
        job.map().forEach((path, column) -> {
            if (!lower.contains(column.toLowerCase(Locale.ROOT))) {
                missing.add(p + "map." + path + " names column '" + column + "'");
            }
        });
        return missing.isEmpty() ? null : String.join("; ", missing) + ", which " + what + " does not have (its "
                + "columns: " + String.join(", ", columns) + ")";
    }

    /** The row's key, or null when a key column is empty or holds a control character. */
    String keyOf(SyncRow row) {
        try {
            return key(row);
        } catch (RowProblem problem) {
            return null;
        }
    }

    private String key(SyncRow row) {
        List<String> parts = new ArrayList<>();
        for (String column : job.key()) {
            Object value = row.cells().get(column.toLowerCase(Locale.ROOT));
            if (isEmpty(value)) {
                throw new RowProblem("key column " + column + " is empty");
            }
            String text = text(value);
            if (SafeText.hasUnsafeCharacters(text)) {
                throw new RowProblem("key column " + column + " holds a control character");
            }
            parts.add(text);
        }
        String key = String.join(":", parts);
        if (key.length() > MAX_KEY) {
            throw new RowProblem("the key (" + shorten(key) + ") is longer than " + MAX_KEY + " characters");
        }
        return key;
    }

    /**
     * The row as text for a dead letter: the cells of the job's key and mapped columns, as JSON (columns the job
     * does not read stay out of the relay's files).
     */
    String rawText(SyncRow row) {
        ObjectNode cells = Json.object();
        for (String column : job.columns()) {
            String name = column.toLowerCase(Locale.ROOT);
            if (!row.cells().containsKey(name)) {
                continue;
            }
            Object value = row.cells().get(name);
            if (value == null) {
                cells.putNull(column);
            } else {
                cells.put(column, text(value));
            }
        }
        return Json.write(cells);
    }

    /** A hash of the cells {@link #rawText} keeps: a bad row is dead-lettered again only when they change. */
    String rowHash(SyncRow row) {
        return sha256(rawText(row) + "|" + row.problem());
    }

    private static String sha256(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    Built build(SyncRow row) {
        String key = key(row);
        ObjectNode request = Json.object();
        request.put("kind", job.kind());
        for (Map.Entry<String, String> entry : job.map().entrySet()) {
            String path = entry.getKey();
            String column = entry.getValue();
            Object value = row.cells().get(column.toLowerCase(Locale.ROOT));
            if (isEmpty(value)) {
                if (job.clearEmpty() && !path.equals("occurredAt")) {
                    put(request, path, JsonNodeFactory.instance.nullNode());
                }
                continue;
            }
            JsonNode converted;
            try {
                converted = convert(path, value);
            } catch (RuntimeException e) {
                throw new RowProblem("column " + column + " value '" + shorten(text(value)) + "' " + e.getMessage()
                        + " (relay.sync." + job.name() + ".map." + path + ")");
            }
            put(request, path, converted);
        }
        String fingerprint = fingerprint(request);
        String id = "sync:" + job.name() + ":" + key + ":" + fingerprint.substring(0, 16);
        if (id.length() > RequestValidator.MAX_ID_LENGTH) {
            throw new RowProblem("the key (" + shorten(key) + ") makes a request id longer than "
                    + RequestValidator.MAX_ID_LENGTH + " characters");
        }
        ObjectNode withId = Json.object();
        withId.put("id", id);
        withId.setAll(request);
        return new Built(key, withId, fingerprint);
    }

    /** SHA-256 of the request's canonical JSON without occurredAt (and without an id, which is made from it). */
    static String fingerprint(ObjectNode request) {
        ObjectNode copy = request.deepCopy();
        copy.remove("occurredAt");
        copy.remove("id");
        return sha256(Json.canonical(copy));
    }

    private JsonNode convert(String path, Object value) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        String[] parts = path.split("\\.");
        String type;
        if (parts[0].equals("occurredAt")) {
            return f.textNode(instant(value).toString());
        } else if (parts[0].equals("targets")) {
            VendorProfile profile = profiles.get(parts[1]);
            type = profile == null ? "string" : profile.keyType(parts[2]);
        } else if (parts[0].equals("vendorFields")) {
            // vendor-native fields are sent as the source holds them: a number stays a number
            return nativeValue(value);
        } else {
            type = CanonicalFields.typeOf(job.kind(), path.substring("data.".length()));
            if (type == null) {
                type = "string"; // not a canonical member: the validator names it
            }
        }
        return switch (type) {
            case "integer" -> f.numberNode(integer(value));
            case "boolean" -> f.booleanNode(bool(value));
            case "date" -> f.textNode(value instanceof LocalDate d ? d.toString()
                    : value instanceof Instant i ? i.atZone(job.timeZone()).toLocalDate().toString() : text(value));
            case "scalar" -> value instanceof Number ? nativeValue(value) : f.textNode(text(value));
            case "string-array" -> array(value);
            default -> f.textNode(text(value));
        };
    }

    private static JsonNode nativeValue(Object value) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (value instanceof Boolean b) {
            return f.booleanNode(b);
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short) {
            return f.numberNode(((Number) value).longValue());
        }
        if (value instanceof BigDecimal d) {
            return f.numberNode(d.stripTrailingZeros().scale() <= 0 ? new BigDecimal(d.toBigIntegerExact()) : d);
        }
        if (value instanceof Number n) {
            return f.numberNode(n.doubleValue());
        }
        return f.textNode(text(value));
    }

    private static long integer(Object value) {
        if (value instanceof Long || value instanceof Integer || value instanceof Short) {
            return ((Number) value).longValue();
        }
        try {
            return new BigDecimal(text(value).trim()).longValueExact();
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("is not an integer");
        }
    }

    private static boolean bool(Object value) {
        if (value instanceof Boolean b) {
            return b;
        }
        return switch (text(value).trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "y", "t" -> true;
            case "false", "0", "no", "n", "f" -> false;
            default -> throw new IllegalArgumentException("is not true or false");
        };
    }

    private Instant instant(Object value) {
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof LocalDate d) {
            return d.atStartOfDay(job.timeZone()).toInstant();
        }
        String text = text(value).trim();
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException notInstant) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException notOffset) {
                try {
                    return LocalDateTime.parse(text.replace(' ', 'T')).atZone(job.timeZone()).toInstant();
                } catch (DateTimeParseException notLocal) {
                    throw new IllegalArgumentException("is not an ISO-8601 date-time (e.g. 2026-11-22T10:15:00Z)");
                }
            }
        }
    }

    private static ArrayNode array(Object value) {
        ArrayNode array = Json.MAPPER.createArrayNode();
        if (value instanceof List<?> list) {
            list.forEach(item -> array.add(text(item)));
            return array;
        }
        String text = text(value).trim();
        if (text.startsWith("[")) {
            try {
                JsonNode parsed = Json.parse(text);
                if (parsed.isArray()) {
                    return (ArrayNode) parsed;
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalArgumentException("is not a JSON array of strings");
            }
        }
        array.add(text);
        return array;
    }

    private static void put(ObjectNode request, String path, JsonNode value) {
        String[] parts = path.split("\\.");
        ObjectNode at = request;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode next = at.get(parts[i]);
            at = next instanceof ObjectNode o ? o : at.putObject(parts[i]);
        }
        at.set(parts[parts.length - 1], value);
    }

    private static boolean isEmpty(Object value) {
        return value == null || (value instanceof String s && s.isBlank());
    }

    private static String text(Object value) {
        if (value instanceof BigDecimal d) {
            return d.stripTrailingZeros().toPlainString();
        }
        if (value instanceof Double || value instanceof Float) {
            double v = ((Number) value).doubleValue();
            return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
        }
        return String.valueOf(value);
    }

    private static String shorten(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "…";
    }
}
