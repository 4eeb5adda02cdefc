package com.customerrelay.kafka;

import com.customerrelay.delivery.DeliveryStatus;
import com.customerrelay.support.Http;
import com.customerrelay.support.KafkaBroker;
import com.customerrelay.support.PostgresSupport;
import com.customerrelay.support.RelayHarness;
import com.customerrelay.support.RelayTestCase;
import com.customerrelay.support.Requests;
import com.customerrelay.support.TestLog;
import com.customerrelay.support.VendorStub;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Kafka intake against a real one-node KRaft cluster in the test's JVM: records over three partitions delivered
 * with each record's updates in order, bad records dead-lettered with their partition and offset while the
 * partition flows on, two relays of one consumer group sharing the partitions, and a cluster that is away at start
 * and goes away later.
 */
class KafkaIntakeTest extends RelayTestCase {

    private static final String TOPIC = "relay.updates";
    private static final String GROUP = "customer-relay";

    KafkaBroker kafka;
    VendorStub vendor;
    final List<RelayHarness> relays = new ArrayList<>();

    /** An Expandable update of contact {@code C<contact>} whose title is its step, marked with its id. */
    static String update(int contact, int step) {
        return Requests.marked("kafka-" + contact + "-" + step, "KAFKA", "C" + contact, String.valueOf(step));
    }

    private RelayHarness relay(String name) {
        return new RelayHarness(dir.resolve(name))
                .set("relay.kafka.bootstrap-servers", kafka.bootstrapServers())
                .set("relay.vendors.expandable.base-url", vendor.baseUrl())
                .set("relay.vendors.expandable.concurrency", "8");
    }

    @Test
    void tenThousandRecordsOverThreePartitionsAreDeliveredInOrderAndBadRecordsAreDeadLettered() throws Exception {
        kafka = closing.add(new KafkaBroker(dir.resolve("kafka")));
        kafka.createTopic(TOPIC, 3);
        vendor = newVendor();
        RelayHarness relay = relay("relay").set("relay.queue.max-message-bytes", "4096").start();
        relays.add(closing.add(relay));

        // 200 contacts, 50 updates each, interleaved; each record keyed by its contact. Four bad records go in the
        // middle, keyed like good ones so that good records of their partitions come after them.
        String big = "{\"id\":\"kafka-big\",\"kind\":\"contact\",\"targets\":{\"expandable\":{\"customerId\":"
                + "\"KAFKA\",\"contactId\":\"C9\"}},\"data\":{\"notes\":\"" + "n".repeat(6000) + "\"}}";
        List<String> keys = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (int step = 0; step < 50; step++) {
            for (int contact = 0; contact < 200; contact++) {
                keys.add("KAFKA/C" + contact);
                values.add(update(contact, step));
            }
            if (step == 25) {
                keys.add("KAFKA/C7");
                values.add("not json {");
                keys.add("KAFKA/C8");
                values.add("{\"id\":\"kafka-no-contact\",\"kind\":\"contact\",\"targets\":{\"expandable\":"
                        + "{\"customerId\":\"KAFKA\"}},\"data\":{\"title\":\"x\"}}");
                keys.add("KAFKA/C9");
                values.add(big);
                keys.add("KAFKA/C10");
                values.add(null);
            }
        }
        List<RecordMetadata> sent = kafka.send(TOPIC, keys, values);
        RecordMetadata notJson = sent.get(values.indexOf("not json {"));
        RecordMetadata noContact = sent.get(values.indexOf("not json {") + 1);
        RecordMetadata oversized = sent.get(values.indexOf(big));
        RecordMetadata tombstone = sent.get(values.indexOf(null));
        assertThat(sent.stream().map(RecordMetadata::partition).distinct()).as("the records span 3 partitions")
                .hasSize(3);

        await().atMost(Duration.ofSeconds(120)).until(() -> vendor.total() >= 10_000);
        relay.awaitSettled(Duration.ofSeconds(30));
        assertThat(vendor.total()).as("each update sent once").isEqualTo(10_000);
        assertThat(vendor.distinct()).isEqualTo(10_000);
        assertThat(relay.store().count(DeliveryStatus.DELIVERED, "expandable")).isEqualTo(10_000);
        Map<String, List<String>> titles = new HashMap<>();
        for (VendorStub.Received r : vendor.received()) {
            titles.computeIfAbsent(r.body().path("CUST_CONTACT").asText(), k -> new ArrayList<>())
                    .add(r.body().path("TITLE").asText());
        }
        List<String> steps = new ArrayList<>();
        for (int step = 0; step < 50; step++) {
            steps.add(String.valueOf(step));
        }
        assertThat(titles).hasSize(200);
        titles.forEach((contact, seen) -> assertThat(seen).as("updates of %s in order", contact)
                .containsExactlyElementsOf(steps));

        List<JsonNode> letters = relay.deadLetters();
        assertThat(letters).hasSize(4);
        JsonNode first = letters.stream().filter(l -> l.path("request").asText().equals("not json {")).findFirst()
                .orElseThrow();
        assertThat(first.path("reason").asText()).isEqualTo("invalid");
        assertThat(first.path("request").asText()).isEqualTo("not json {");
        assertThat(first.path("error").path("message").asText())
                .startsWith("record " + notJson.offset() + " of partition " + notJson.partition() + " of topic "
                        + TOPIC + " is not valid JSON");
        assertThat(first.path("source").toString()).isEqualTo("{\"intake\":\"kafka\",\"name\":\"" + TOPIC
                + "\",\"partition\":" + notJson.partition() + ",\"offset\":" + notJson.offset() + "}");
        JsonNode second = letters.stream().filter(l -> l.path("requestId").asText().equals("kafka-no-contact"))
                .findFirst().orElseThrow();
        assertThat(second.path("reason").asText()).isEqualTo("invalid");
        assertThat(second.path("error").path("message").asText()).contains("targets.expandable.contactId");
        assertThat(second.path("source").path("partition").asInt()).isEqualTo(noContact.partition());
        assertThat(second.path("source").path("offset").asLong()).isEqualTo(noContact.offset());

        JsonNode large = letters.stream().filter(l -> l.path("error").path("message").asText().contains("over the "
                + "limit")).findFirst().orElseThrow();
        assertThat(large.path("error").path("message").asText()).isEqualTo("record " + oversized.offset()
                + " of partition " + oversized.partition() + " of topic " + TOPIC + " is " + big.length()
                + " bytes, over the limit of 4096 bytes for one record (relay.queue.max-message-bytes): refused "
                + "without being read; only its start is kept here");
        assertThat(large.path("request").asText()).startsWith("{\"id\":\"kafka-big\"").hasSizeLessThan(400);
        assertThat(large.path("source").path("offset").asLong()).isEqualTo(oversized.offset());
        JsonNode empty = letters.stream().filter(l -> l.path("error").path("message").asText().contains("tombstone"))
                .findFirst().orElseThrow();
        assertThat(empty.path("reason").asText()).isEqualTo("invalid");
        assertThat(empty.path("source").path("partition").asInt()).isEqualTo(tombstone.partition());
        assertThat(empty.path("source").path("offset").asLong()).isEqualTo(tombstone.offset());

        await().atMost(Duration.ofSeconds(20)).until(() -> kafka.committed(GROUP, TOPIC) == 10_004);
        assertThat(acceptedByKafka(relay)).isEqualTo(10_000);
    }

    @Test
    void twoRelaysInOneGroupShareThePartitionsAndDeliverEachRecordOnce() throws Exception {
        PostgresSupport pg = PostgresSupport.required();
        kafka = closing.add(new KafkaBroker(dir.resolve("kafka")));
        kafka.createTopic(TOPIC, 3);
        vendor = newVendor();
        vendor.delayMs(1);
        vendor.keepBodies(false);
        RelayHarness a = pg.configure(relay("a")).start();
        relays.add(closing.add(a));

        kafka.send(TOPIC, keys(0, 3_000), values(0, 3_000));
        await().atMost(Duration.ofSeconds(60)).until(() -> vendor.total() >= 500);
        // the second relay joins while the first is mid-way: the group shares the partitions out again
        RelayHarness b = pg.configure(relay("b")).start();
        relays.add(closing.add(b));
        await().atMost(Duration.ofSeconds(60)).until(() -> acceptedByKafka(b) > 0 || vendor.total() >= 3_000);
        kafka.send(TOPIC, keys(3_000, 6_000), values(3_000, 6_000));

        await().atMost(Duration.ofSeconds(120)).until(() -> vendor.distinct() == 6_000);
        a.awaitSettled(Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(20)).until(() -> kafka.committed(GROUP, TOPIC) == 6_000);
        assertThat(vendor.total()).as("each record delivered once between the two").isEqualTo(6_000);
        assertThat(vendor.perMarker().values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        long byA = acceptedByKafka(a);
        long byB = acceptedByKafka(b);
        assertThat(byA + byB).as("each record accepted once between the two").isEqualTo(6_000);
        assertThat(byA).as("the first relay's share").isPositive();
        assertThat(byB).as("the second relay's share").isPositive();
        assertThat(a.deadLetters()).isEmpty();
        assertThat(b.deadLetters()).isEmpty();
    }

    @Test
    void aClusterAwayAtStartOrGoingAwayIsWaitedForAndNothingIsLostOrRepeated() throws Exception {
        kafka = closing.add(new KafkaBroker(dir.resolve("kafka")));
        kafka.createTopic(TOPIC, 3);
        kafka.stop();
        vendor = newVendor();
        long mark = TestLog.mark();
        RelayHarness relay = relay("relay").start();
        relays.add(closing.add(relay));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            var ready = Http.get(relay.managementUrl() + "/observe/health/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("kafka");
        });
        assertThat(TestLog.since(mark)).contains("Kafka intake waiting: the Kafka cluster at "
                + kafka.bootstrapServers() + " does not answer");

        kafka.start();
        await().atMost(Duration.ofSeconds(60)).until(() ->
                Http.get(relay.managementUrl() + "/observe/health/ready").statusCode() == 200);
        kafka.send(TOPIC, keys(0, 300), values(0, 300));
        await().atMost(Duration.ofSeconds(60)).until(() -> vendor.distinct() == 300);
        await().atMost(Duration.ofSeconds(20)).until(() -> kafka.committed(GROUP, TOPIC) == 300);

        kafka.stop();
        await().atMost(Duration.ofSeconds(30)).until(() ->
                Http.get(relay.managementUrl() + "/observe/health/ready").statusCode() == 503);
        assertThat(TestLog.since(mark)).contains("Kafka intake paused");
        kafka.start();
        kafka.send(TOPIC, keys(300, 600), values(300, 600));

        await().atMost(Duration.ofSeconds(90)).until(() -> vendor.distinct() == 600);
        relay.awaitSettled(Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(30)).until(() -> kafka.committed(GROUP, TOPIC) == 600);
        assertThat(vendor.total()).as("no record taken in twice").isEqualTo(600);
        assertThat(relay.store().count(DeliveryStatus.DELIVERED, "expandable")).isEqualTo(600);
        assertThat(acceptedByKafka(relay)).isEqualTo(600);
        assertThat(relay.deadLetters()).isEmpty();
        assertThat(Http.get(relay.managementUrl() + "/observe/health/ready").statusCode()).isEqualTo(200);
    }

    @Test
    void aSaslPasswordGivenThroughCamelsKafkaKeysReachesNoLogLine() throws Exception {
        vendor = newVendor();
        String canary = "kafka-canary-Pw-" + System.nanoTime();
        long mark = TestLog.mark();
        RelayHarness relay = new RelayHarness(dir.resolve("relay"))
                // nothing listens there: the relay starts, waits and says so
                .set("relay.kafka.bootstrap-servers", "localhost:" + com.customerrelay.support.Ports.free())
                .set("camel.component.kafka.security-protocol", "SASL_PLAINTEXT")
                .set("camel.component.kafka.sasl-mechanism", "PLAIN")
                .set("camel.component.kafka.sasl-jaas-config", "org.apache.kafka.common.security.plain."
                        + "PlainLoginModule required username=\"relay\" password=\"" + canary + "\";")
                .set("relay.vendors.expandable.base-url", vendor.baseUrl())
                .start();
        relays.add(closing.add(relay));

        await().atMost(Duration.ofSeconds(30)).until(() -> TestLog.since(mark).contains("Kafka intake waiting"));
        var endpoint = (org.apache.camel.component.kafka.KafkaEndpoint) relay.context().getRoute("kafka-intake")
                .getEndpoint();
        assertThat(endpoint.getConfiguration().getSaslJaasConfig()).as("the setting reached the consumer")
                .contains(canary);
        var ready = Http.get(relay.managementUrl() + "/observe/health/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(ready.body()).doesNotContain(canary);
        assertThat(TestLog.since(mark)).doesNotContain(canary);
    }

    /** Keys of the requests {@code from} (inclusive) to {@code to}: one contact each, 50 contacts in turn. */
    static List<String> keys(int from, int to) {
        List<String> keys = new ArrayList<>();
        for (int i = from; i < to; i++) {
            keys.add("KAFKA/C" + (i % 50));
        }
        return keys;
    }

    static List<String> values(int from, int to) {
        List<String> values = new ArrayList<>();
        for (int i = from; i < to; i++) {
            values.add(update(i % 50, i));
        }
        return values;
    }

    /** relay_requests_accepted_total{intake="kafka"} on the relay's metrics. */
    static long acceptedByKafka(RelayHarness relay) throws Exception {
        String metrics = Http.get(relay.managementUrl() + "/observe/metrics").body();
        Matcher m = Pattern.compile("(?m)^relay_requests_accepted_total\\{[^}]*intake=\"kafka\"[^}]*} (\\S+)$")
                .matcher(metrics);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }
}
