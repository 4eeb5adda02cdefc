package com.customerrelay.outcome;

import com.customerrelay.core.Json;
import com.customerrelay.support.KafkaBroker;
import com.customerrelay.support.RelayHarness;
import com.customerrelay.support.RelayTestCase;
import com.customerrelay.support.Requests;
import com.customerrelay.support.VendorStub;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With the Kafka intake on, outcomes also go to relay.kafka.outcome-topic on the in-process KRaft cluster, read
 * back by a plain Kafka consumer: keyed by the record the update is about (so one record's outcomes share a
 * partition), with the correlation id the record came with as the header relay-correlation-id.
 */
class KafkaOutcomesTest extends RelayTestCase {

    KafkaBroker kafka;
    VendorStub vendor;
    RelayHarness relay;

    private static String update(String id, String contact) {
        return Requests.marked(id, "KAFKA", contact, "t");
    }

    @Test
    void outcomesOfKafkaRecordsArePublishedToTheOutcomeTopicKeyedByTheRecord() throws Exception {
        kafka = closing.add(new KafkaBroker(dir.resolve("kafka")));
        kafka.createTopic("relay.updates", 2);
        kafka.createTopic("crm.outcomes", 2);
        vendor = newVendor();
        relay = closing.add(new RelayHarness(dir.resolve("relay")))
                .set("relay.kafka.bootstrap-servers", kafka.bootstrapServers())
                .set("relay.kafka.outcome-topic", "crm.outcomes")
                .set("relay.vendors.expandable.base-url", vendor.baseUrl()).start();

        try (KafkaProducer<String, byte[]> producer = kafka.producer()) {
            for (String[] record : new String[][] {{"k-1", "C1", "corr-k-1"}, {"k-2", "C1", "corr-k-2"},
                    {"k-3", "C2", null}}) {
                ProducerRecord<String, byte[]> r = new ProducerRecord<>("relay.updates", "KAFKA/" + record[1],
                        update(record[0], record[1]).getBytes(StandardCharsets.UTF_8));
                if (record[2] != null) {
                    r.headers().add("relay-correlation-id", record[2].getBytes(StandardCharsets.UTF_8));
                }
                producer.send(r).get(30, TimeUnit.SECONDS);
            }
            producer.send(new ProducerRecord<>("relay.updates", "KAFKA/C3",
                    "{\"id\":\"k-bad\",\"kind\":\"contact\"}".getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
        }

        List<ConsumerRecord<String, String>> got = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "crm-outcome-reader",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of("crm.outcomes"));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(got::add);
                return got.size() >= 4;
            });
        }
        assertThat(got).hasSize(4);
        ConsumerRecord<String, String> first = find(got, "k-1");
        ConsumerRecord<String, String> second = find(got, "k-2");
        JsonNode delivered = Json.parse(first.value());
        assertThat(delivered.path("outcome").asText()).isEqualTo("delivered");
        assertThat(delivered.path("vendor").asText()).isEqualTo("expandable");
        assertThat(delivered.path("source").path("intake").asText()).isEqualTo("kafka");
        assertThat(delivered.path("source").path("name").asText()).isEqualTo("relay.updates");
        assertThat(delivered.path("source").has("offset")).isTrue();
        assertThat(delivered.path("correlationId").asText()).isEqualTo("corr-k-1");
        assertThat(header(first, "relay-correlation-id")).isEqualTo("corr-k-1");
        assertThat(header(second, "relay-correlation-id")).isEqualTo("corr-k-2");
        assertThat(first.key()).as("keyed by the record").contains("C1").isEqualTo(second.key());
        assertThat(first.partition()).isEqualTo(second.partition());
        assertThat(got.indexOf(first)).as("one record's outcomes in order").isLessThan(got.indexOf(second));
        assertThat(find(got, "k-3").key()).contains("C2");
        JsonNode invalid = Json.parse(find(got, "k-bad").value());
        assertThat(invalid.path("outcome").asText()).isEqualTo("invalid");
        assertThat(invalid.path("source").path("intake").asText()).isEqualTo("kafka");
        assertThat(invalid.path("correlationId").isNull()).isTrue();
    }

    private static ConsumerRecord<String, String> find(List<ConsumerRecord<String, String>> records, String id) {
        return records.stream().filter(r -> r.value().contains("\"requestId\":\"" + id + "\"")).findFirst()
                .orElseThrow(() -> new AssertionError("no outcome of " + id));
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
