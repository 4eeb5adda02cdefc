package com.customerrelay.intake;

import com.customerrelay.core.Json;
import com.customerrelay.core.SafeText;
import com.customerrelay.delivery.OutcomeNotices;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.ObjectNode;

import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import org.apache.camel.Exchange;
import org.apache.camel.component.jms.JmsMessage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Reads a whole body as requests — a queue message, a Kafka record's value, a POST /updates body: one request, or a
 * JSON array of them. A body that is not JSON is one item carrying its raw text and the parse error, so it becomes an
 * {@code invalid} dead letter and the intake flows on. A request over relay.intake.max-request-bytes is refused without being parsed, as an {@code invalid} item
 * holding only its start; the other requests of the message go on.
 */
public final class RequestBodyReader {

    private final String queue;
    private final int maxRequestBytes;
    private final long maxMessageBytes;

    /** @param maxMessageBytes relay.queue.max-message-bytes: a larger message is one invalid item, not read */
    public RequestBodyReader(String queue, int maxRequestBytes, long maxMessageBytes) {
        this.queue = queue;
        this.maxRequestBytes = maxRequestBytes;
        this.maxMessageBytes = maxMessageBytes;
    }

    /**
     * Reads a JMS message as requests, its size taken before its body: a BytesMessage's length, a TextMessage's
     * length in UTF-8 counted without encoding it. One over relay.queue.max-message-bytes is refused with only its
     * start read (an Artemis large message is streamed, so its body is never held). A message of another type
     * (map, object, stream) is an invalid item: an object message is never deserialized. Given the exchange, not its
     * body: Camel's body of a JMS message is the whole message read.
     */
    public List<IntakeItem> messageItems(Exchange exchange) throws JMSException {
        JmsMessage camelMessage = exchange.getMessage(JmsMessage.class);
        Message message = camelMessage == null ? null : camelMessage.getJmsMessage();
        if (message == null) {
            return items(exchange.getMessage().getBody(String.class), exchange.getMessage().getMessageId());
        }
        String messageId = message.getJMSMessageID();
        String what = "message " + messageId + " on " + queue;
        // where its requests' outcome messages are also to go, and what they are to carry (PRODUCT.md §8)
        String correlationId = message.getJMSCorrelationID();
        String replyTo = replyTo(message.getJMSReplyTo());
        Function<Integer, ObjectNode> sourceOf = index -> withReply(source(messageId, index), correlationId, replyTo);
        if (message instanceof BytesMessage bytes) {
            bytes.reset(); // read from its start, also when redelivered to this bean
            long length = bytes.getBodyLength();
            if (length > maxMessageBytes) {
                byte[] head = new byte[(int) Math.min(RequestFileReader.OVERSIZED_HEAD_BYTES, length)];
                int read = Math.max(bytes.readBytes(head), 0);
                return List.of(RequestFileReader.oversized(what, new String(head, 0, read, StandardCharsets.UTF_8),
                        length, maxMessageBytes, "one message (relay.queue.max-message-bytes)", sourceOf.apply(null)));
            }
            byte[] body = new byte[(int) length];
            bytes.readBytes(body);
            return items(body, what, "one message", sourceOf);
        }
        if (message instanceof TextMessage text) {
            String body = text.getText() == null ? "" : text.getText();
            long length = utf8Length(body);
            if (length > maxMessageBytes) {
                return List.of(RequestFileReader.oversized(what, body.substring(0, Math.min(body.length(),
                        RequestFileReader.OVERSIZED_HEAD_BYTES)), length, maxMessageBytes,
                        "one message (relay.queue.max-message-bytes)", sourceOf.apply(null)));
            }
            return items(body.getBytes(StandardCharsets.UTF_8), what, "one message", sourceOf);
        }
        return List.of(new IntakeItem(null, "", what + " is a " + message.getClass().getSimpleName()
                + ", not a text or bytes message: a body is one request or a JSON array of them, as text or bytes",
                sourceOf.apply(null)));
    }

    /** The length of {@code text} in UTF-8, counted without encoding it. */
    static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
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

    /** A JMSReplyTo as the path of a camel-jms endpoint (queue:name, topic:name), or null. */
    static String replyTo(jakarta.jms.Destination destination) throws JMSException {
        if (destination instanceof jakarta.jms.Queue q) {
            return "queue:" + q.getQueueName();
        }
        if (destination instanceof jakarta.jms.Topic t) {
            return "topic:" + t.getTopicName();
        }
        return null;
    }

    /** {@code source} with the correlation id and reply address its request came with, where it had them. */
    public static ObjectNode withReply(ObjectNode source, String correlationId, String replyTo) {
        if (correlationId != null && !correlationId.isEmpty()) {
            source.put(OutcomeNotices.CORRELATION_ID, SafeText.cut(correlationId, 300));
        }
        if (replyTo != null) {
            source.put(OutcomeNotices.REPLY_TO, replyTo);
        }
        return source;
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
