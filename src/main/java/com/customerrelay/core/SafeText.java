package com.customerrelay.core;

/**
 * Makes text that came from outside safe to put in a message, a log line or a file name: control characters are
 * escaped (so a value cannot forge a log line) and long values are cut, saying how long they were.
 */
public final class SafeText {

    /** Longest value put whole into a message or log line. */
    public static final int MAX_VALUE = 300;
    /** Longest name (a member or target name) put whole into a message. */
    public static final int MAX_NAME = 64;

    private SafeText() {
    }

    /** {@code text} with control characters escaped and cut to {@value #MAX_VALUE} characters. */
    public static String value(String text) {
        return cut(escape(text), MAX_VALUE);
    }

    /** A member or target name as it may appear in a validation message. */
    public static String name(String text) {
        return cut(escape(text), MAX_NAME);
    }

    /** Control characters (CR, LF, NUL, …) and unpaired surrogates written as {@code \\uXXXX}. */
    public static String escape(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                if (out != null) {
                    out.append(c).append(text.charAt(i + 1));
                }
                i++;
            } else if (Character.isISOControl(c) || Character.isSurrogate(c)) {
                if (out == null) {
                    out = new StringBuilder(text.length() + 16).append(text, 0, i);
                }
                out.append(String.format("\\u%04x", (int) c));
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    /** {@code text} cut to {@code max} characters, with a note of its full length when cut. */
    public static String cut(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        return text.substring(0, max) + "…(" + text.length() + " characters)";
    }

    /** True when {@code text} holds a control character or an unpaired surrogate. */
    public static boolean hasUnsafeCharacters(String text) {
        return text != null && !escape(text).equals(text);
    }

    /**
     * A part of a file name: only letters, digits, '.', '_' and '-', never starting with '.', at most {@code max}
     * characters; anything else becomes '_'.
     */
    public static String fileNamePart(String text, int max) {
        if (text == null || text.isEmpty()) {
            return "none";
        }
        String clean = text.replaceAll("[^A-Za-z0-9._-]", "_");
        if (clean.startsWith(".")) {
            clean = "_" + clean.substring(1);
        }
        return clean.length() > max ? clean.substring(0, max) : clean;
    }
}
