package com.customerrelay.kafka;

import com.customerrelay.core.Json;
import com.customerrelay.intake.IntakeItem;
import com.customerrelay.intake.RequestBodyReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Kafka intake's two steps around the store (routes/kafka-intake.camel.yaml): a batch of records read as
 * requests, and, once the store has committed them, the batch's offsets committed to Kafka.
 * <p>
 * A record's value is a request or a JSON array of them, as a queue message's body is; each record is read on its
 * own, so a record that is not JSON, too large or has no value is one {@code invalid} dead letter whose source names
 * its topic, partition and offset, and the records after it go on.
 */
public final class KafkaRecords {

    private final RequestBodyReader reader;

    public KafkaRecords(RequestBodyReader reader) {
        this.reader = reader;
    }

    /** The requests of a batch of records (camel-kafka's batching: each element an exchange of one record). */
    public List<IntakeItem> items(List<Exchange> records) {
        List<IntakeItem> items = new ArrayList<>();
        for (Exchange record : records) {
            Message message = record.getMessage();
            String topic = message.getHeader(KafkaConstants.TOPIC, String.class);
            int partition = message.getHeader(KafkaConstants.PARTITION, Integer.class);
            long offset = message.getHeader(KafkaConstants.OFFSET, Long.class);
            String correlationId = message.getHeader("relay-correlation-id", String.class);
            byte[] value = message.getBody(byte[].class);
            String what = "record " + offset + " of partition " + partition + " of topic " + topic;
            if (value == null) {
                items.add(new IntakeItem(null, "", what + " has no value (a tombstone): there is no request in it",
                        RequestBodyReader.withReply(source(topic, partition, offset, null), correlationId, null)));
            } else {
                items.addAll(reader.items(value, what, "one record", index -> RequestBodyReader.withReply(
                        source(topic, partition, offset, index), correlationId, null)));
            }
        }
        return items;
    }

    /**
     * Commits the offsets of a batch once its requests are in the store: for each partition, the offset after the
     * batch's last record of it. A relay that dies before this reads those records again and the store's
     * idempotency key ignores what it had already accepted.
     * <p>
     * camel-kafka's own batch commit ({@code BatchManualCommit}) commits only the partition of the batch's last
     * record; a batch of a multi-partition topic holds several partitions, hence this step.
     */
    public void commit(List<Exchange> records) {
        Map<String, KafkaManualCommit> lastOfPartition = new LinkedHashMap<>();
        for (Exchange record : records) {
            Message message = record.getMessage();
            KafkaManualCommit commit = message.getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
            if (commit == null) {
                throw new IllegalStateException("the Kafka route must set allowManualCommit=true");
            }
            lastOfPartition.put(message.getHeader(KafkaConstants.TOPIC, String.class) + "/"
                    + message.getHeader(KafkaConstants.PARTITION, Integer.class), commit);
        }
        lastOfPartition.values().forEach(KafkaManualCommit::commit);
    }

    private static ObjectNode source(String topic, int partition, long offset, Integer index) {
        ObjectNode source = Json.object();
        source.put("intake", "kafka");
        source.put("name", topic);
        source.put("partition", partition);
        source.put("offset", offset);
        if (index != null) {
            source.put("index", index);
        }
        return source;
    }
}
