package com.customerrelay.hardening;

import com.customerrelay.support.QueueProducer;
import com.customerrelay.support.RelayHarness;
import com.customerrelay.support.RelayTestCase;
import com.customerrelay.support.Requests;
import com.customerrelay.support.VendorStub;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One request carrying something hostile — a target name with '/', with NUL, of 5,000 characters, an id with CR/LF,
 * record keys "." and ".." that would go into a URL path — between good ones, in a dropped file and on the queue:
 * the good requests are delivered, the file ends in .done/, the message is not redelivered, and the poison becomes
 * its own {@code invalid} dead letter under a plain file name.
 */
class PoisonInputTest extends RelayTestCase {

    /** A poison request and what its dead letter must say. */
    private record Poison(String name, String line, String vendor, String message) {
    }

    private static final List<Poison> POISONS = List.of(
            new Poison("slash", "{\"kind\":\"contact\",\"targets\":{\"exp/../x\":{\"customerId\":\"A\",\"contactId\":"
                    + "\"B\"}},\"data\":{\"email\":\"a@b.c\"}}", "exp/../x",
                    "targets.exp/../x is not a known vendor"),
            new Poison("nul", "{\"kind\":\"contact\",\"targets\":{\"exp\\u0000x\":{\"customerId\":\"A\",\"contactId\":"
                    + "\"B\"}},\"data\":{\"email\":\"a@b.c\"}}", "exp\u0000x",
                    "targets.exp\\u0000x is not a known vendor"),
            new Poison("long", "{\"kind\":\"contact\",\"targets\":{\"" + "x".repeat(5000) + "\":{\"customerId\":\"A\","
                    + "\"contactId\":\"B\"}},\"data\":{\"email\":\"a@b.c\"}}", "x".repeat(5000),
                    "targets." + "x".repeat(64) + "…(5000 characters) is not a known vendor"),
            new Poison("crlf", "{\"id\":\"evil\\r\\nINFO forged line\",\"kind\":\"contact\",\"targets\":{\"expandable\":"
                    + "{\"customerId\":\"ABCCORP\",\"contactId\":\"JHERNANDEZ\"}},\"data\":{\"email\":\"a@b.c\"}}",
                    "expandable", "id must not hold control characters"),
            new Poison("dots", "{\"kind\":\"contact\",\"targets\":{\"soliditech\":{\"accountId\":\".\",\"contactId\":"
                    + "\"..\"}},\"data\":{\"email\":\"a@b.c\"}}", "soliditech",
                    "targets.soliditech.accountId must not be \".\": it goes into the vendor's URL path; "
                            + "targets.soliditech.contactId must not be \"..\": it goes into the vendor's URL path"));

    VendorStub vendor;
    RelayHarness relay;

    @BeforeEach
    void setUp() {
        vendor = newVendor();
    }

    @Test
    void aPoisonLineBecomesItsOwnDeadLetterAndTheFileGoesOn() throws Exception {
        relay = newRelay(vendor).start();
        for (Poison poison : POISONS) {
            relay.drop("poison-" + poison.name() + ".ndjson", Requests.marked(poison.name() + "-before") + "\n"
                    + poison.line() + "\n" + Requests.marked(poison.name() + "-after") + "\n");
        }
        for (Poison poison : POISONS) {
            relay.awaitDone("poison-" + poison.name() + ".ndjson");
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> vendor.distinct() == 2 * POISONS.size());
        for (Poison poison : POISONS) {
            assertThat(vendor.perMarker()).containsKeys(poison.name() + "-before", poison.name() + "-after");
        }
        assertThat(relay.inbox().resolve(".failed")).doesNotExist();

        Map<String, JsonNode> letters = lettersBySourceName();
        assertThat(letters).hasSize(POISONS.size());
        for (Poison poison : POISONS) {
            JsonNode letter = letters.get("poison-" + poison.name() + ".ndjson");
            assertThat(letter).as(poison.name()).isNotNull();
            assertThat(letter.path("reason").asText()).isEqualTo("invalid");
            assertThat(letter.path("vendor").asText()).isEqualTo(poison.vendor());
            assertThat(letter.path("source").path("line").asInt()).isEqualTo(2);
            assertThat(letter.path("error").path("message").asText()).as(poison.name()).contains(poison.message());
        }
        assertPlainFileNames();
    }

    @Test
    void aPoisonMessageIsDeadLetteredOnceAndTheQueueFlowsOn() throws Exception {
        relay = newRelay(vendor);
        String broker = relay.brokerOnFreePort();
        relay.start();
        List<String> messages = new ArrayList<>();
        for (Poison poison : POISONS) {
            messages.add(Requests.marked(poison.name() + "-before"));
            messages.add(poison.line());
            messages.add(Requests.marked(poison.name() + "-after"));
        }
        try (QueueProducer producer = new QueueProducer(broker, "relay.updates")) {
            producer.send(messages);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> vendor.distinct() == 2 * POISONS.size());
        // no redelivery loop: the count of dead letters stays at one per poison
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> relay.deadLetters().size() == POISONS.size());
        for (JsonNode letter : relay.deadLetters()) {
            assertThat(letter.path("reason").asText()).isEqualTo("invalid");
            assertThat(letter.path("source").path("intake").asText()).isEqualTo("queue");
        }
        assertThat(relay.deadLetters()).extracting(l -> l.path("error").path("message").asText())
                .allSatisfy(m -> assertThat(POISONS).anySatisfy(p -> assertThat(m).contains(p.message())));
        assertThat(vendor.total()).as("each good request once").isEqualTo(2 * POISONS.size());
        assertPlainFileNames();
    }

    private Map<String, JsonNode> lettersBySourceName() {
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        for (JsonNode letter : relay.deadLetters()) {
            byName.put(letter.path("source").path("name").asText(), letter);
        }
        return byName;
    }

    private void assertPlainFileNames() throws IOException {
        try (Stream<Path> files = Files.list(relay.deadLetterDir())) {
            // the folder's hidden .index-id (the store's index of it) is not a dead letter
            assertThat(files.map(p -> p.getFileName().toString()).filter(name -> !name.startsWith(".")).toList())
                    .isNotEmpty()
                    .allSatisfy(name -> assertThat(name).matches("\\d+-\\d{6}-[A-Za-z0-9_-][A-Za-z0-9._-]{0,31}-"
                            + "[A-Za-z0-9_-][A-Za-z0-9._-]{0,79}\\.json"));
        }
    }
}
