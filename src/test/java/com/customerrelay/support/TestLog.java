package com.customerrelay.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The relay's log file in tests (log4j2-test.properties), read from a mark on. The mark is a byte offset, and the
 * log holds multi-byte characters, so the text is decoded from that byte on — cutting a decoded string at the byte
 * count would start the text too late by one character per multi-byte character before it.
 */
public final class TestLog {

    private static final Path FILE = Path.of("target", "test-logs", "relay.log");

    private TestLog() {
    }

    /** Where the log ends now. */
    public static long mark() throws IOException {
        return Files.exists(FILE) ? Files.size(FILE) : 0;
    }

    /** Everything written to the log since {@code mark}. */
    public static String since(long mark) throws IOException {
        byte[] all = Files.readAllBytes(FILE);
        return new String(all, (int) mark, all.length - (int) mark, StandardCharsets.UTF_8);
    }
}
