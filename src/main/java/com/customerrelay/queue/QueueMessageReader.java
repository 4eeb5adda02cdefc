package com.customerrelay.queue;

import com.customerrelay.core.Json;
import com.customerrelay.intake.IntakeItem;
import com.customerrelay.intake.RequestFileReader;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Reads a queue message body as requests: one request, or a JSON array of them. A body that is not JSON is one
 * item carrying its raw text and the parse error, so it becomes an {@code invalid} dead letter and the queue flows
 * on. A request over relay.intake.max-request-bytes is refused without being parsed, as an {@code invalid} item
 * holding only its start; the other requests of the message go on.
 */
public final class QueueMessageReader {

    private final String queue;
    private final int maxRequestBytes;
    private final long maxMessageBytes;

    /** @param maxMessageBytes relay.queue.max-message-bytes: a larger message is one invalid item, not read */
    public QueueMessageReader(String queue, int maxRequestBytes, long maxMessageBytes) {
        this.queue = queue;
        this.maxRequestBytes = maxRequestBytes;
        this.maxMessageBytes = maxMessageBytes;
    }

    public List<IntakeItem> items(String body, String messageId) {
        byte[] bytes = (body == null ? "" : body).getBytes(StandardCharsets.UTF_8);
        return items(bytes, "message " + messageId + " on " + queue, "one message",
                index -> source(messageId, index));
    }

    /**
     * Reads one message of any broker (a JMS message, a Kafka record) as requests, each with the source
     * {@code sourceOf} gives it: a message over relay.queue.max-message-bytes is one invalid item holding its start,
     * one that is not JSON is one invalid item holding its text.
     *
     * @param what how the message is named in a dead letter's message ("message ID:… on relay.updates")
     * @param unit what the size limit is called for this broker ("one message", "one record")
     */
    public List<IntakeItem> items(byte[] bytes, String what, String unit, Function<Integer, ObjectNode> sourceOf) {
        if (bytes.length > maxMessageBytes) {
            return List.of(RequestFileReader.oversized(what, head(bytes, 0), bytes.length, maxMessageBytes,
                    unit + " (relay.queue.max-message-bytes)", sourceOf.apply(null)));
        }
        try {
            return read(bytes, what, sourceOf);
        } catch (JsonProcessingException e) {
            String raw = bytes.length > maxRequestBytes ? head(bytes, 0) + "…" : new String(bytes, StandardCharsets.UTF_8);
            return List.of(new IntakeItem(null, raw, what + " is not valid JSON: " + e.getOriginalMessage(),
                    sourceOf.apply(null)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads {@code bytes} — one request or a JSON array of them — as items whose source {@code sourceOf} gives (from
     * the index in the array, null for a lone request); any intake that takes a whole body at once uses it.
     *
     * @throws JsonProcessingException when the bytes are not one JSON value
     */
    public List<IntakeItem> read(byte[] bytes, String what, Function<Integer, ObjectNode> sourceOf)
            throws IOException {
        List<IntakeItem> items = new ArrayList<>();
        List<Long> starts = new ArrayList<>();
        boolean array;
        try (JsonParser parser = Json.MAPPER.getFactory().createParser(bytes)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return List.of(new IntakeItem(null, "", what + " is not valid JSON: the body is empty",
                        sourceOf.apply(null)));
            }
            array = first == JsonToken.START_ARRAY;
            if (array) {
                JsonToken token;
                while ((token = parser.nextToken()) != JsonToken.END_ARRAY && token != null) {
                    starts.add(parser.currentTokenLocation().getByteOffset());
                    parser.skipChildren();
                }
                starts.add(parser.currentTokenLocation().getByteOffset());
            } else {
                parser.skipChildren();
                starts.add(0L);
                starts.add((long) bytes.length);
            }
            if (parser.nextToken() != null) {
                throw new JsonParseException(parser, "unexpected content after the first value");
            }
        }
        // each request is read from its own bytes: from its first byte to the next one's (or the array's end)
        for (int i = 0; i + 1 < starts.size(); i++) {
            int start = starts.get(i).intValue();
            int size = trimmedEnd(bytes, start, starts.get(i + 1).intValue()) - start;
            ObjectNode source = sourceOf.apply(array ? i : null);
            if (size > maxRequestBytes) {
                items.add(RequestFileReader.oversized((array ? "element " + i + " of " : "") + what, head(bytes, start),
                        size, maxRequestBytes, source));
            } else {
                items.add(new IntakeItem(Json.MAPPER.readTree(bytes, start, size), null, null, source));
            }
        }
        return items;
    }

    /** The end of the element that starts at {@code start}: {@code next} less the separator and white space. */
    private static int trimmedEnd(byte[] bytes, int start, int next) {
        int end = next;
        boolean comma = false;
        while (end > start) {
            byte b = bytes[end - 1];
            if (b == ' ' || b == '\t' || b == '\n' || b == '\r') {
                end--;
            } else if (b == ',' && !comma) {
                comma = true;
                end--;
            } else {
                break;
            }
        }
        return end;
    }

    private static String head(byte[] bytes, int start) {
        int length = Math.min(RequestFileReader.OVERSIZED_HEAD_BYTES, bytes.length - start);
        return new String(bytes, start, length, StandardCharsets.UTF_8);
    }

    private ObjectNode source(String messageId, Integer index) {
        ObjectNode source = Json.object();
        source.put("intake", "queue");
        source.put("name", queue);
        if (messageId != null) {
            source.put("messageId", messageId);
        }
        if (index != null) {
            source.put("index", index);
        }
        return source;
    }
}
