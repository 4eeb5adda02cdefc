package com.customerrelay.support;

import com.customerrelay.connector.expandable.ExpandableSandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes large .ndjson inputs for the sandbox, streaming them to disk rather than building them in memory. */
public final class LargeFiles {

    private LargeFiles() {
    }

    /** Seeds {@code lines} sandbox contacts and drops an .ndjson file updating each one; returns the inbox file. */
    public static Path dropContacts(RelayHarness relay, ExpandableSandbox sandbox, String name, int lines) {
        for (int i = 0; i < lines; i++) {
            sandbox.seed("BULK", "C" + i, "First" + i, "Last" + i);
        }
        try {
            Path tmp = Files.createTempFile("bulk", ".part");
            try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                for (int i = 0; i < lines; i++) {
                    out.write(Requests.expandableContact(name + "-" + i, "BULK", "C" + i,
                            "{\"email\":\"c" + i + "@bulk.example\",\"title\":\"Buyer\",\"phones\":{\"mobile\":\"+1 555 "
                                    + i + "\"}}"));
                    out.write('\n');
                }
            }
            Files.createDirectories(relay.inbox());
            return Files.move(tmp, relay.inbox().resolve(name), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
