package com.customerrelay.outcome;

import com.customerrelay.core.Json;
import com.customerrelay.support.Http;
import com.customerrelay.support.RelayHarness;
import com.customerrelay.support.RelayTestCase;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * GET /dead-letters answers from the store's index of the dead-letter folder: filtered by requestId, paged back
 * with before, never answering a file an operator deleted by hand (its row is dropped), and learning at start of
 * files the index did not know (copied in while the relay was stopped).
 */
class DeadLetterIndexTest extends RelayTestCase {

    private static final String KEY = "dl-index-key";

    RelayHarness relay;

    private RelayHarness start() {
        relay = newRelay().set("relay.http.api-keys", KEY).start();
        return relay;
    }

    private JsonNode list(String query) throws Exception {
        HttpResponse<String> answer = Http.get(relay.apiUrl() + "/dead-letters" + query, "X-API-Key", KEY);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return Json.parse(answer.body());
    }

    private static String invalid(int i) {
        return "{\"id\":\"bad-" + i + "\",\"kind\":\"contact\",\"targets\":{\"expandable\":{\"customerId\":\"X\"}},"
                + "\"data\":{\"title\":\"t\"}}";
    }

    @Test
    void listingFiltersPagesAndForgetsFilesDeletedByHand() throws Exception {
        start();
        for (int i = 0; i < 30; i++) {
            // one at a time, so each is written in its own millisecond or later than the one before
            assertThat(Http.send("POST", relay.apiUrl() + "/updates", invalid(i), "X-API-Key", KEY).statusCode())
                    .isEqualTo(202);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> relay.deadLetters().size() == 30);

        JsonNode newest = list("?limit=10");
        assertThat(newest).hasSize(10);
        assertThat(newest.get(0).path("requestId").asText()).isEqualTo("bad-29");
        assertThat(newest.get(9).path("requestId").asText()).isEqualTo("bad-20");
        assertThat(newest.get(0).path("reason").asText()).isEqualTo("invalid");
        assertThat(newest.get(0).path("file").asText()).endsWith(".json");

        JsonNode one = list("?requestId=bad-7");
        assertThat(one).hasSize(1);
        assertThat(one.get(0).path("requestId").asText()).isEqualTo("bad-7");
        assertThat(one.get(0).path("error").path("message").asText()).contains("contactId");

        // paging back: everything before the oldest of the first page
        List<String> seen = new ArrayList<>();
        newest.forEach(l -> seen.add(l.path("requestId").asText()));
        JsonNode older = list("?limit=100&before=" + writtenAt(newest.get(9).path("file").asText()));
        assertThat(older).hasSizeGreaterThanOrEqualTo(19);
        older.forEach(l -> assertThat(seen).doesNotContain(l.path("requestId").asText()));
        assertThat(older.get(older.size() - 1).path("requestId").asText()).isEqualTo("bad-0");

        // an operator deletes five letters by hand: they are not answered, and their rows are dropped
        long indexed = relay.bean("deadLetterIndex", com.customerrelay.deadletter.DeadLetterIndex.class).size();
        assertThat(indexed).isEqualTo(30);
        for (int i = 0; i < 5; i++) {
            Files.delete(relay.deadLetterDir().resolve(newest.get(i).path("file").asText()));
        }
        JsonNode afterDelete = list("?limit=10");
        assertThat(afterDelete).hasSize(10);
        assertThat(afterDelete.get(0).path("requestId").asText()).isEqualTo("bad-24");
        assertThat(relay.bean("deadLetterIndex", com.customerrelay.deadletter.DeadLetterIndex.class).size())
                .isEqualTo(25);
        assertThat(list("?requestId=bad-29")).isEmpty();
    }

    @Test
    void aFileCopiedInWhileTheRelayWasStoppedIsIndexedAtStart() throws Exception {
        start();
        assertThat(Http.send("POST", relay.apiUrl() + "/updates", invalid(1), "X-API-Key", KEY).statusCode())
                .isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> relay.deadLetters().size() == 1);
        Path letter;
        try (var files = Files.list(relay.deadLetterDir())) {
            letter = files.filter(f -> f.getFileName().toString().endsWith(".json")).findFirst().orElseThrow();
        }
        relay.close();

        String copied = Files.readString(letter).replace("\"bad-1\"", "\"copied-in\"");
        Files.writeString(relay.deadLetterDir().resolve("1700000000000-000001-invalid-copied-in.json"), copied);
        start();
        await().atMost(Duration.ofSeconds(10)).until(() -> list("?requestId=copied-in").size() == 1);
        assertThat(list("?limit=100")).hasSize(2);
    }

    /** When a letter was written, as the index keeps it: its name starts with that time. */
    private static String writtenAt(String file) {
        return file.substring(0, file.indexOf('-'));
    }
}
