package com.customerrelay.intake;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A file's batches are bounded in bytes as well as in requests: 40 requests of 900 KB each (under the 1 MiB limit)
 * were one batch of 36 MB held at once; now no batch holds much more than 8 MiB, and every request is still read.
 */
class BatchBytesTest {

    @TempDir
    Path dir;

    @Test
    void bigRequestsAreTakenInBatchesOfAFewMegabytesInLinesAndInArrays() throws IOException {
        RequestFileReader reader = new RequestFileReader(1024 * 1024);
        String value = "x".repeat(900 * 1024);
        Path lines = dir.resolve("big.ndjson");
        Path array = dir.resolve("big.json");
        try (BufferedWriter nd = Files.newBufferedWriter(lines, StandardCharsets.UTF_8);
             BufferedWriter js = Files.newBufferedWriter(array, StandardCharsets.UTF_8)) {
            js.write("[");
            for (int i = 0; i < 40; i++) {
                String request = "{\"id\":\"big-" + i + "\",\"kind\":\"contact\",\"data\":{\"note\":\"" + value + "\"}}";
                nd.write(request + "\n");
                js.write((i == 0 ? "" : ",\n") + request);
            }
            js.write("]");
        }
        for (Path file : List.of(lines, array)) {
            List<Integer> sizes = new ArrayList<>();
            Iterator<List<IntakeItem>> batches = reader.batches(file.toFile());
            while (batches.hasNext()) {
                List<IntakeItem> batch = batches.next();
                assertThat(batch).allSatisfy(item -> assertThat(item.json()).isNotNull());
                sizes.add(batch.size());
            }
            assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).as(file + ": every request").isEqualTo(40);
            // 8 MiB of 900 KB requests: the ninth crosses the bound
            assertThat(sizes).as(file + ": requests per batch").allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(10));
        }
    }
}
