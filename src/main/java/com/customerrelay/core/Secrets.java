package com.customerrelay.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Keeps secrets out of logs, dead letters and error messages. Configured credentials and tokens received
 * from vendors are registered here; {@link #mask(String)} replaces any of them found in a text, and
 * {@link #maskJson(JsonNode)} also blanks members whose names say they hold a secret.
 */
public final class Secrets {

    public static final String MASK = "***";
    private static final Pattern SECRET_KEY = Pattern.compile(
            "(?i).*(password|passwd|secret|token|api[-_]?key|apikey|authorization|credential).*");
    private static final Set<String> KNOWN = ConcurrentHashMap.newKeySet();

    private Secrets() {
    }

    /** Registers a secret value; blank or very short values are ignored (they would mask ordinary text). */
    public static void register(String value) {
        if (value != null && value.trim().length() >= 4) {
            KNOWN.add(value);
        }
    }

    /** Registers {@code current} in place of {@code replaced} (a token that was renewed), so the set stays small. */
    public static void replace(String replaced, String current) {
        if (replaced != null && !replaced.equals(current)) {
            KNOWN.remove(replaced);
        }
        register(current);
    }

    /** A URL with any password=… query parameter and any user:password@ part masked. */
    public static String maskUrl(String url) {
        if (url == null) {
            return null;
        }
        return mask(url.replaceAll("(?i)(password=)[^&;]*", "$1" + MASK).replaceAll("//([^/@:]+):[^/@]*@", "//$1:"
                + MASK + "@"));
    }

    public static boolean isSecretKey(String key) {
        return key != null && SECRET_KEY.matcher(key).matches();
    }

    public static String mask(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String result = text;
        for (String secret : KNOWN) {
            if (result.contains(secret)) {
                result = result.replace(secret, MASK);
            }
        }
        return result;
    }

    /** A masked deep copy of {@code node}. */
    public static JsonNode maskJson(JsonNode node) {
        if (node == null) {
            return null;
        }
        JsonNode copy = node.deepCopy();
        maskInPlace(copy);
        return copy;
    }

    private static void maskInPlace(JsonNode node) {
        if (node instanceof ObjectNode object) {
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                JsonNode value = field.getValue();
                if (isSecretKey(field.getKey()) && value.isValueNode() && !value.isNull()) {
                    field.setValue(TextNode.valueOf(MASK));
                } else if (value.isTextual()) {
                    field.setValue(TextNode.valueOf(mask(value.asText())));
                } else {
                    maskInPlace(value);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                JsonNode value = array.get(i);
                if (value.isTextual()) {
                    array.set(i, TextNode.valueOf(mask(value.asText())));
                } else {
                    maskInPlace(value);
                }
            }
        }
    }
}
