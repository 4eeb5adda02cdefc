package com.customerrelay.hardening;

import com.customerrelay.core.Json;
import com.customerrelay.support.FlakyVendor;
import com.customerrelay.support.Http;
import com.customerrelay.support.RelayHarness;
import com.customerrelay.support.RelayTestCase;
import com.customerrelay.support.TestLog;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Findings of the second hardening review (issue 20), each on the real relay: one request naming thousands of
 * made-up targets costs one dead letter and no metric series; an API key in the URL is refused; a replay sends the
 * updates of one record in the order they were accepted.
 */
class OneRequestCannotHurtOthersTest extends RelayTestCase {

    private static final String KEY = "hardening-key";

    RelayHarness relay;
    FlakyVendor vendor;

    private RelayHarness start() {
        vendor = closing.add(new FlakyVendor("E_MAIL"));
        relay = newRelay().set("relay.http.api-keys", KEY)
                .set("relay.vendors.expandable.base-url", vendor.baseUrl() + "/api")
                .set("relay.vendors.expandable.max-attempts", "1").start();
        return relay;
    }

    /** The relay's own series that carry a vendor label (Camel's route and JVM series come and go by themselves). */
    private static long series(String metrics) {
        return metrics.lines().filter(l -> l.startsWith("relay_") && l.contains("vendor=\"")).count();
    }

    @Test
    void aRequestOfTwoThousandMadeUpTargetsIsOneDeadLetterAndNoNewMetricSeries() throws Exception {
        start();
        long before = series(Http.get(relay.managementUrl() + "/observe/metrics").body());
        String targets = IntStream.range(0, 2_000).mapToObj(i -> "\"madeup" + i + "\":{\"id\":\"" + i + "\"}")
                .collect(Collectors.joining(","));
        relay.drop("flood.ndjson", "{\"id\":\"flood-1\",\"kind\":\"contact\",\"targets\":{" + targets
                + "},\"data\":{\"email\":\"f@x.example\"}}\n");

        await().atMost(Duration.ofSeconds(20)).until(() -> !relay.deadLetters().isEmpty());
        relay.awaitDone("flood.ndjson");
        List<JsonNode> letters = relay.deadLetters();
        assertThat(letters).as("one dead letter for the request, not one per target").hasSize(1);
        JsonNode letter = letters.get(0);
        assertThat(letter.path("reason").asText()).isEqualTo("invalid");
        assertThat(letter.path("requestId").asText()).isEqualTo("flood-1");
        assertThat(letter.at("/error/message").asText())
                .isEqualTo("targets names 2000 vendors, more than 16 (relay.intake.max-targets)");
        String metrics = Http.get(relay.managementUrl() + "/observe/metrics").body();
        assertThat(metrics).doesNotContain("madeup");
        assertThat(series(metrics)).as("no new series").isEqualTo(before);
        assertThat(metrics).contains("relay_deliveries_total{outcome=\"invalid\",vendor=\"none\"} 1.0");
    }

    @Test
    void unknownTargetsBesideAGoodOneAreOneDeadLetterNamingEachAndTheGoodOneGoesOut() throws Exception {
        start();
        relay.drop("mixed.json", "{\"id\":\"mixed-1\",\"kind\":\"contact\",\"targets\":{\"expandable\":"
                + "{\"customerId\":\"C\",\"contactId\":\"K1\"},\"nosuch\":{},\"other\":{},\"third\":{}},"
                + "\"data\":{\"email\":\"m@x.example\"}}");

        await().atMost(Duration.ofSeconds(20)).until(() -> vendor.delivered().containsKey("m@x.example"));
        await().atMost(Duration.ofSeconds(5)).until(() -> relay.deadLetters().size() == 1);
        JsonNode letter = relay.deadLetters().get(0);
        assertThat(letter.path("vendor").isMissingNode() || letter.path("vendor").isNull()).isTrue();
        assertThat(letter.at("/error/message").asText()).contains("targets.nosuch").contains("targets.other")
                .contains("targets.third").doesNotContain("targets.expandable");
        assertThat(relay.deadLetters()).hasSize(1);
        String metrics = Http.get(relay.managementUrl() + "/observe/metrics").body();
        assertThat(metrics).contains("relay_deliveries_total{outcome=\"invalid\",vendor=\"none\"} 1.0")
                .doesNotContain("nosuch");
    }

    @Test
    void anApiKeyInTheUrlIsRefusedAndLoggedNowhere() throws Exception {
        start();
        long mark = TestLog.mark();
        for (String query : List.of("X-API-Key=" + KEY, "x-api-key=" + KEY, "Authorization=Bearer%20" + KEY)) {
            HttpResponse<String> answer = Http.get(relay.apiUrl() + "/vendors?" + query);
            assertThat(answer.statusCode()).as(query).isEqualTo(401);
            assertThat(answer.body()).contains("never in the URL").doesNotContain(KEY);
        }
        // with the right header too: a key in the URL is refused all the same
        assertThat(Http.get(relay.apiUrl() + "/vendors?X-API-Key=" + KEY, "X-API-Key", KEY).statusCode())
                .isEqualTo(401);
        assertThat(Http.get(relay.apiUrl() + "/vendors", "X-API-Key", KEY).statusCode()).isEqualTo(200);
        assertThat(TestLog.since(mark)).doesNotContain(KEY);
    }

    @Test
    void aReplayedRecordGetsItsUpdatesInTheOrderTheyWereAcceptedSoTheNewerValueStays() throws Exception {
        start();
        vendor.poison("old@x.example");
        vendor.poison("new@x.example");
        String record = "\"targets\":{\"expandable\":{\"customerId\":\"C\",\"contactId\":\"SAME\"}}";
        relay.drop("two.ndjson", "{\"id\":\"u-old\",\"kind\":\"contact\"," + record
                + ",\"data\":{\"email\":\"old@x.example\"}}\n{\"id\":\"u-new\",\"kind\":\"contact\"," + record
                + ",\"data\":{\"email\":\"new@x.example\"}}\n");
        await().atMost(Duration.ofSeconds(20)).until(() -> relay.deadLetters().size() == 2);
        await().atMost(Duration.ofSeconds(5)).until(() -> relay.store().unfinished() == 0);

        vendor.heal("old@x.example");
        vendor.heal("new@x.example");
        HttpResponse<String> replayed = Http.send("POST", relay.apiUrl() + "/dead-letters/replay",
                "{\"all\":true}", "X-API-Key", KEY);
        assertThat(Json.parse(replayed.body()).path("replayed").asInt()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(20)).until(() -> vendor.deliveredBodies().size() == 2);
        assertThat(vendor.deliveredBodies().stream().map(b -> b.path("E_MAIL").asText()).toList())
                .as("in the order they were accepted: the vendor ends with the newer value")
                .containsExactly("old@x.example", "new@x.example");
    }

    @Test
    void deadLettersErrorNotesTheKeyFileAndTheDataFolderAreTheRelaysOwnersOnly() throws Exception {
        vendor = closing.add(new FlakyVendor("E_MAIL"));
        // no key configured: the relay makes one and keeps it in data/http-api-key
        relay = newRelay().set("relay.vendors.expandable.base-url", vendor.baseUrl() + "/api").start();
        relay.drop("bad.ndjson", "{\"id\":\"bad-1\",\"kind\":\"nosuch\"}\n");
        relay.drop("broken.json", "{\"id\": ");
        await().atMost(Duration.ofSeconds(20)).until(() -> relay.deadLetters().size() == 1
                && java.nio.file.Files.exists(relay.failed("broken.json.error.txt")));

        Path letter;
        try (var files = java.nio.file.Files.list(relay.deadLetterDir())) {
            letter = files.filter(f -> f.toString().endsWith(".json")).findFirst().orElseThrow();
        }
        assertThat(permissions(letter)).as("a dead letter").isEqualTo("rw-------");
        assertThat(permissions(relay.deadLetterDir())).as("the dead-letter folder").isEqualTo("rwx------");
        assertThat(permissions(relay.failed("broken.json.error.txt"))).as("an error note").isEqualTo("rw-------");
        assertThat(permissions(dir.resolve("data"))).as("the data folder").isEqualTo("rwx------");
        Path key = dir.resolve("data").resolve("http-api-key");
        assertThat(permissions(key)).as("the key file").isEqualTo("rw-------");
        assertThat(java.nio.file.Files.readString(key).trim()).hasSizeGreaterThan(30);
        try (var files = java.nio.file.Files.list(dir.resolve("data"))) {
            assertThat(files.map(f -> f.getFileName().toString())).as("no temporary file left")
                    .noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    private static String permissions(Path path) throws java.io.IOException {
        return java.nio.file.attribute.PosixFilePermissions.toString(java.nio.file.Files.getPosixFilePermissions(path));
    }
}
