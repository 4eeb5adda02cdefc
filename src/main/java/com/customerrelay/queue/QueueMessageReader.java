package com.customerrelay.queue;

import com.customerrelay.core.Json;
import com.customerrelay.intake.IntakeItem;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads a queue message body as requests: one request, or a JSON array of them. A body that is not JSON is one
 * item carrying its raw text and the parse error, so it becomes an {@code invalid} dead letter and the queue flows on.
 */
public final class QueueMessageReader {

    private final String queue;

    public QueueMessageReader(String queue) {
        this.queue = queue;
    }

    public List<IntakeItem> items(String body, String messageId) {
        String text = body == null ? "" : body;
        List<IntakeItem> items = new ArrayList<>();
        JsonNode json;
        try {
            json = Json.parse(text);
            if (json == null || json.isMissingNode()) {
                throw new IllegalArgumentException("empty");
            }
        } catch (JsonProcessingException | IllegalArgumentException e) {
            String why = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : "the body is empty";
            items.add(new IntakeItem(null, text, "message " + messageId + " on " + queue + " is not valid JSON: "
                    + why, source(messageId, null)));
            return items;
        }
        if (json.isArray()) {
            for (int i = 0; i < json.size(); i++) {
                items.add(new IntakeItem(json.get(i), null, null, source(messageId, i)));
            }
        } else {
            items.add(new IntakeItem(json, null, null, source(messageId, null)));
        }
        return items;
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
