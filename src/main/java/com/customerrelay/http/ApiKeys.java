package com.customerrelay.http;

import com.customerrelay.core.PrivateFiles;
import com.customerrelay.core.Secrets;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The keys the HTTP API accepts: relay.http.api-keys (comma-separated), or else one key made at the first start and
 * kept in {@code <data>/http-api-key}, readable by its owner only; the log names the file, never the key. A call
 * carries its key as {@code Authorization: Bearer <key>} or {@code X-API-Key: <key>}; keys are compared as SHA-256
 * digests with {@link MessageDigest#isEqual}, in constant time, and a key tried is never logged.
 */
public final class ApiKeys {

    private static final Logger LOG = LoggerFactory.getLogger(ApiKeys.class);

    private final List<byte[]> digests = new ArrayList<>();

    public ApiKeys(String configured, Path keyFile) {
        List<String> keys = new ArrayList<>();
        if (configured != null) {
            for (String key : configured.split(",")) {
                if (!key.isBlank()) {
                    keys.add(key.trim());
                }
            }
        }
        if (keys.isEmpty()) {
            keys.add(keptKey(keyFile));
        } else {
            LOG.info("HTTP API: {} key(s) from relay.http.api-keys", keys.size());
        }
        for (String key : keys) {
            Secrets.register(key);
            digests.add(digest(key));
        }
    }

    /** The key in {@code file}, made there (owner-only) when there is none yet. */
    private static String keptKey(Path file) {
        try {
            if (Files.exists(file) && !Files.readString(file, StandardCharsets.UTF_8).isBlank()) {
                LOG.info("HTTP API: the key is in {} (relay.http.api-keys is empty)", file.toAbsolutePath());
                return Files.readString(file, StandardCharsets.UTF_8).trim();
            }
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String key = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            // written whole in one step, owner-only: a relay killed while writing leaves no empty key file, and two
            // relays starting together on one data folder end with one key
            if (Files.exists(file)) {
                LOG.warn("HTTP API: the key file {} is empty (left so by an earlier version killed while writing "
                        + "it); making a new key", file.toAbsolutePath());
                Files.delete(file);
            }
            if (!PrivateFiles.writeIfAbsent(file, key + "\n")) {
                return Files.readString(file, StandardCharsets.UTF_8).trim();
            }
            LOG.info("HTTP API: made a key and kept it in {} (readable by its owner only; relay.http.api-keys sets "
                    + "your own)", file.toAbsolutePath());
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the HTTP API key in " + file + ": " + e.getMessage(), e);
        }
    }

    /** Passes a call that carries an accepted key; answers 401 otherwise. */
    public void check(Exchange exchange) {
        if (keyInQuery(exchange.getMessage().getHeader(Exchange.HTTP_QUERY, String.class))) {
            // platform-http copies query parameters into headers: a key in the URL would pass as one in a header,
            // and URLs end up in access logs, proxies and browser history
            exchange.getMessage().removeHeaders("Authorization");
            exchange.getMessage().removeHeaders("X-API-Key");
            throw new ApiProblem(401, "an API key goes in a header (Authorization: Bearer <key> or X-API-Key: <key>), "
                    + "never in the URL");
        }
        String key = exchange.getMessage().getHeader("X-API-Key", String.class);
        String authorization = exchange.getMessage().getHeader("Authorization", String.class);
        if (key == null && authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            key = authorization.substring(7).trim();
        }
        exchange.getMessage().removeHeaders("Authorization");
        exchange.getMessage().removeHeaders("X-API-Key");
        if (key == null || key.isEmpty()) {
            throw new ApiProblem(401, "an API key is required: Authorization: Bearer <key> or X-API-Key: <key>");
        }
        byte[] tried = digest(key);
        boolean accepted = false;
        for (byte[] digest : digests) {
            accepted |= MessageDigest.isEqual(digest, tried);
        }
        if (!accepted) {
            throw new ApiProblem(401, "the API key is not accepted");
        }
    }

    /** Whether the query string has a parameter named as one of the key headers, whatever its case. */
    static boolean keyInQuery(String query) {
        if (query == null || query.isEmpty()) {
            return false;
        }
        for (String pair : query.split("&")) {
            String name = pair.split("=", 2)[0];
            try {
                name = java.net.URLDecoder.decode(name, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException malformed) {
                // compared as it stands
            }
            if (name.trim().equalsIgnoreCase("X-API-Key") || name.trim().equalsIgnoreCase("Authorization")) {
                return true;
            }
        }
        return false;
    }

    private static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
