package com.customerrelay.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
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

    /**
     * Registers a renewed token. The one it replaces stays registered for the life of the process: a vendor may
     * still echo the old one back later, and it must be masked then too.
     */
    public static void replace(String replaced, String current) {
        register(replaced);
        register(current);
    }

    /** Query parameters whose names say they carry a credential. */
    private static final Pattern SECRET_PARAMETER = Pattern.compile(
            "(?i)([?&;][^=&;#?/]*(?:password|passwd|pwd|secret|token|key|auth|signature|sig|credential)[^=&;#?/]*=)"
                    + "[^&;#]*");
    private static final Pattern USER_INFO = Pattern.compile("//([^/@:?#]+):([^/@?#]*)@");

    /** A URL with user:password@ and credential-like query parameters (apikey=, token=, password=…) masked. */
    public static String maskUrl(String url) {
        if (url == null) {
            return null;
        }
        String masked = SECRET_PARAMETER.matcher(url).replaceAll("$1" + MASK);
        masked = USER_INFO.matcher(masked).replaceAll("//$1:" + MASK + "@");
        return mask(masked);
    }

    /** Registers the password of a URL's user:password@ part and its credential-like query parameter values. */
    public static void registerUrl(String url) {
        if (url == null) {
            return;
        }
        Matcher userInfo = USER_INFO.matcher(url);
        while (userInfo.find()) {
            register(userInfo.group(2));
        }
        Matcher parameter = SECRET_PARAMETER.matcher(url);
        while (parameter.find()) {
            register(parameter.group().substring(parameter.group(1).length()));
        }
    }

    /** A JSON member named like a secret, with its value: a string (perhaps cut short), or a bare value. */
    private static final Pattern SECRET_MEMBER = Pattern.compile(
            "(?i)(\"[^\"\\\\]*(?:password|passwd|secret|token|api[-_]?key|apikey|authorization|credential)"
                    + "[^\"\\\\]*\"\\s*:\\s*)(\"(?:[^\"\\\\]|\\\\.)*\"?|[^,}\\]\\s]+)");

    /**
     * Text that could not be read as JSON (a broken line, a cut-off message): known secrets masked, and the values
     * of members named like secrets ({@code "password": "…"}) masked as far as the broken text allows.
     */
    public static String maskRaw(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        return mask(SECRET_MEMBER.matcher(text).replaceAll("$1\"" + Matcher.quoteReplacement(MASK) + "\""));
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
