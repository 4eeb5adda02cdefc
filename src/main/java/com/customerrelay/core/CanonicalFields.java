package com.customerrelay.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** The canonical {@code data} members of each kind (VENDORS.md §1), their types, and their flattening to leaf paths. */
public final class CanonicalFields {

    enum Type { STRING, SCALAR, BOOLEAN, DATE, STRING_ARRAY, GENDER, CONTACT_LEVEL }

    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final List<String> ADDRESS = List.of("line1", "line2", "line3", "city", "state", "postalCode",
            "country");

    private static final Map<String, Map<String, Type>> KINDS = Map.of(
            "contact", contactFields(),
            "customer", customerFields());

    private CanonicalFields() {
    }

    public static Set<String> kinds() {
        return KINDS.keySet();
    }

    private static Map<String, Type> contactFields() {
        Map<String, Type> f = new LinkedHashMap<>();
        for (String s : List.of("firstName", "lastName", "initial", "salutation", "title", "email", "email2",
                "mailStop", "webAddress", "status", "notes", "contactType")) {
            f.put(s, Type.STRING);
        }
        for (String s : List.of("business", "home", "mobile", "fax", "pager", "other")) {
            f.put("phones." + s, Type.STRING);
        }
        for (String s : ADDRESS) {
            f.put("address." + s, Type.STRING);
        }
        f.put("attachments", Type.STRING_ARRAY);
        f.put("contactLevel", Type.CONTACT_LEVEL);
        f.put("decisionMaker", Type.BOOLEAN);
        f.put("preferences.newsletter", Type.BOOLEAN);
        f.put("preferences.invoices", Type.BOOLEAN);
        return f;
    }

    private static Map<String, Type> customerFields() {
        Map<String, Type> f = new LinkedHashMap<>();
        f.put("name", Type.STRING);
        f.put("email", Type.STRING);
        f.put("gender", Type.GENDER);
        f.put("birthday", Type.DATE);
        f.put("language", Type.STRING);
        for (String s : ADDRESS) {
            f.put("address." + s, Type.STRING);
            f.put("postalAddress." + s, Type.STRING);
        }
        f.put("consent.sms", Type.BOOLEAN);
        f.put("consent.email", Type.BOOLEAN);
        for (String s : List.of("accountUse", "accountClass", "taxType", "priceListId", "invoiceCycleType", "dealer",
                "ticketCenter", "salesManager")) {
            f.put(s, Type.SCALAR);
        }
        for (String s : List.of("name", "idNumberType", "idNumber", "vatNumber", "phone")) {
            f.put("business." + s, Type.STRING);
        }
        for (String s : List.of("salutation", "firstName", "lastName", "title", "phone", "fax", "email")) {
            f.put("primaryContact." + s, Type.STRING);
        }
        return f;
    }

    /**
     * The type of canonical leaf {@code path} of {@code kind} as a sync job converts a column to it: "string",
     * "scalar" (number or text), "boolean", "date" (yyyy-MM-dd), "string-array"; null for no such leaf.
     */
    public static String typeOf(String kind, String path) {
        Type type = KINDS.getOrDefault(kind, Map.of()).get(path);
        if (type == null) {
            return null;
        }
        return switch (type) {
            case STRING, GENDER, CONTACT_LEVEL -> "string";
            case SCALAR -> "scalar";
            case BOOLEAN -> "boolean";
            case DATE -> "date";
            case STRING_ARRAY -> "string-array";
        };
    }

    /** True when {@code path} (e.g. "phones.business") is a canonical leaf of {@code kind}. */
    public static boolean isLeaf(String kind, String path) {
        return KINDS.getOrDefault(kind, Map.of()).containsKey(path);
    }

    private static boolean isGroup(Map<String, Type> fields, String name) {
        String prefix = name + ".";
        return fields.keySet().stream().anyMatch(k -> k.startsWith(prefix));
    }

    /**
     * Checks {@code data} against the fields of {@code kind}, adding one message per broken rule.
     * A member may be null (clear it); a group (phones, address, …) may be null to clear all its members.
     */
    public static void validate(String kind, JsonNode data, List<String> errors) {
        Map<String, Type> fields = KINDS.get(kind);
        Iterator<Map.Entry<String, JsonNode>> members = data.fields();
        while (members.hasNext()) {
            Map.Entry<String, JsonNode> member = members.next();
            String name = member.getKey();
            JsonNode value = member.getValue();
            if (fields.containsKey(name)) {
                checkLeaf("data." + name, fields.get(name), value, errors);
            } else if (isGroup(fields, name)) {
                if (value.isNull()) {
                    continue;
                }
                if (!value.isObject()) {
                    errors.add("data." + name + " must be an object or null, not " + Json.typeName(value));
                    continue;
                }
                Iterator<Map.Entry<String, JsonNode>> inner = value.fields();
                while (inner.hasNext()) {
                    Map.Entry<String, JsonNode> child = inner.next();
                    String path = name + "." + child.getKey();
                    if (fields.containsKey(path)) {
                        checkLeaf("data." + path, fields.get(path), child.getValue(), errors);
                    } else {
                        errors.add("data." + SafeText.name(path) + " is not a field of kind " + kind);
                    }
                }
            } else {
                errors.add("data." + SafeText.name(name) + " is not a field of kind " + kind);
            }
        }
    }

    private static void checkLeaf(String path, Type type, JsonNode value, List<String> errors) {
        if (value.isNull()) {
            return;
        }
        switch (type) {
            case STRING -> {
                if (!value.isTextual()) {
                    errors.add(path + " must be a string or null, not " + Json.typeName(value));
                }
            }
            case SCALAR -> {
                if (!value.isTextual() && !value.isNumber()) {
                    errors.add(path + " must be a string, a number or null, not " + Json.typeName(value));
                }
            }
            case BOOLEAN -> {
                if (!value.isBoolean()) {
                    errors.add(path + " must be true, false or null, not " + Json.typeName(value));
                }
            }
            case DATE -> {
                if (!value.isTextual() || !isDate(value.asText())) {
                    errors.add(path + " must be a date in yyyy-MM-dd format");
                }
            }
            case GENDER -> {
                if (!value.isTextual() || !Set.of("unknown", "male", "female").contains(value.asText())) {
                    errors.add(path + " must be one of unknown, male, female");
                }
            }
            case CONTACT_LEVEL -> {
                if (!value.isTextual() || !Set.of("primary", "secondary").contains(value.asText())) {
                    errors.add(path + " must be one of primary, secondary");
                }
            }
            case STRING_ARRAY -> {
                boolean ok = value.isArray();
                if (ok) {
                    for (JsonNode item : value) {
                        ok &= item.isTextual();
                    }
                }
                if (!ok) {
                    errors.add(path + " must be an array of strings or null");
                }
            }
            default -> throw new IllegalStateException("unhandled type " + type);
        }
    }

    private static boolean isDate(String text) {
        if (!DATE.matcher(text).matches()) {
            return false;
        }
        try {
            LocalDate.parse(text);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    /**
     * The members present in (already validated) {@code data} as leaf path → value, in request order.
     * A null group stands for all of its leaves set to null.
     */
    public static Map<String, JsonNode> leaves(String kind, JsonNode data) {
        Map<String, JsonNode> result = new LinkedHashMap<>();
        if (data == null || !data.isObject()) {
            return result;
        }
        Map<String, Type> fields = KINDS.get(kind);
        Iterator<Map.Entry<String, JsonNode>> members = data.fields();
        while (members.hasNext()) {
            Map.Entry<String, JsonNode> member = members.next();
            String name = member.getKey();
            JsonNode value = member.getValue();
            if (fields.containsKey(name)) {
                result.put(name, value);
            } else if (value.isNull()) {
                String prefix = name + ".";
                fields.keySet().stream().filter(k -> k.startsWith(prefix))
                        .forEach(k -> result.put(k, NullNode.getInstance()));
            } else if (value.isObject()) {
                value.fields().forEachRemaining(child -> result.put(name + "." + child.getKey(), child.getValue()));
            }
        }
        return result;
    }
}
