package com.customerrelay.hardening;

import com.customerrelay.core.Json;
import com.customerrelay.support.RelayProcess;
import com.customerrelay.support.RelayTestCase;
import com.customerrelay.support.Requests;
import com.customerrelay.support.VendorStub;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A dropped .ndjson file whose first line is one request of 400 MB, read by a relay whose heap is 256 MB: the line
 * is refused while it is read (an {@code invalid} dead letter holding its start), the relay stays up, and the next
 * line and the next file are delivered.
 */
class HugeLineTest extends RelayTestCase {

    private static final long HUGE_BYTES = 400L * 1024 * 1024;

    VendorStub vendor;
    RelayProcess relay;

    @Test
    void aFourHundredMegabyteLineIsRefusedAndTheRelayWithA256MegabyteHeapGoesOn() throws Exception {
        vendor = newVendor();
        Path huge = dir.resolve("huge.ndjson");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(huge), 1 << 20)) {
            out.write(("{\"id\":\"huge\",\"kind\":\"contact\",\"targets\":{\"expandable\":{\"customerId\":\"BULK\","
                    + "\"contactId\":\"H\"}},\"data\":{\"notes\":\"").getBytes(StandardCharsets.UTF_8));
            byte[] chunk = new byte[1 << 20];
            Arrays.fill(chunk, (byte) 'n');
            for (long written = 0; written < HUGE_BYTES; written += chunk.length) {
                out.write(chunk);
            }
            out.write(("\"}}\n" + Requests.marked("after-huge") + "\n").getBytes(StandardCharsets.UTF_8));
        }
        relay = closing.add(RelayProcess.start(dir, List.of("-Xmx256m"), Map.of(
                "relay.broker.embedded-url", "",
                "relay.vendors.expandable.base-url", vendor.baseUrl())));
        Path inbox = dir.resolve("inbox");
        Files.createDirectories(inbox);
        Files.move(huge, inbox.resolve("huge.ndjson"), StandardCopyOption.ATOMIC_MOVE);
        await().atMost(Duration.ofSeconds(120)).until(() -> Files.exists(inbox.resolve(".done/huge.ndjson")));
        Files.writeString(dir.resolve("next.part"), Requests.marked("next-file") + "\n");
        Files.move(dir.resolve("next.part"), inbox.resolve("next.ndjson"), StandardCopyOption.ATOMIC_MOVE);

        await().atMost(Duration.ofSeconds(60)).until(() -> vendor.perMarker().containsKey("after-huge")
                && vendor.perMarker().containsKey("next-file"));
        assertThat(relay.alive()).as("the relay is still running").isTrue();
        List<JsonNode> letters;
        try (Stream<Path> files = Files.list(dir.resolve("dead-letter"))) {
            letters = files.filter(f -> f.getFileName().toString().endsWith(".json")).map(HugeLineTest::read).toList();
        }
        assertThat(letters).hasSize(1);
        JsonNode letter = letters.get(0);
        assertThat(letter.path("reason").asText()).isEqualTo("invalid");
        assertThat(letter.at("/source/name").asText()).isEqualTo("huge.ndjson");
        assertThat(letter.at("/source/line").asInt()).isEqualTo(1);
        assertThat(letter.at("/error/message").asText()).contains("over the limit of 1048576 bytes");
        assertThat(letter.path("request").asText()).startsWith("{\"id\":\"huge\"").hasSizeLessThan(400);
        assertThat(relay.log()).doesNotContain("OutOfMemoryError");
        relay.stopGracefully();
    }

    private static JsonNode read(Path file) {
        try {
            return Json.parse(Files.readString(file));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
