package com.customerrelay.core;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Joins the parts of a record's keys into one string that no other keys give: each part is prefixed with its length
 * ({@code "a/b"+"c"} is {@code 3:a/b1:c}, {@code "a"+"b/c"} is {@code 1:a3:b/c}). A key that would be long or hold
 * characters outside printable ASCII is stored as the SHA-256 of that joined form instead — never cut, so two
 * records never become one.
 */
public final class RecordKey {

    /** Longest joined key kept as it is. */
    static final int MAX_PLAIN = 200;

    private RecordKey() {
    }

    public static String of(String... parts) {
        StringBuilder joined = new StringBuilder();
        for (String part : parts) {
            joined.append(part.length()).append(':').append(part);
        }
        String key = joined.toString();
        if (key.length() <= MAX_PLAIN && key.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            return key;
        }
        try {
            // the UTF-16 code units as they are: an encoder would turn every unpaired surrogate into the same '?'
            ByteBuffer units = ByteBuffer.allocate(key.length() * 2);
            units.asCharBuffer().put(key);
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(units.array());
            // a plain key starts with a digit, so it can never equal a hashed one
            return "sha256:" + HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
