package com.customerrelay.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a request against PRODUCT.md §1 and the vendors' own rules. Every broken rule yields one message
 * naming the member and the rule, e.g. "targets.expandable.contactId is required".
 */
public final class RequestValidator {

    public static final int MAX_ID_LENGTH = 200;
    /** Largest request the store keeps (characters of its JSON). */
    public static final int MAX_REQUEST_LENGTH = 1_000_000;

    private final Map<String, VendorProfile> vendors = new LinkedHashMap<>();

    /** The most vendors one request may name in {@code targets} (relay.intake.max-targets). */
    public static final int DEFAULT_MAX_TARGETS = 16;

    private final int maxTargets;

    public RequestValidator(List<VendorProfile> profiles) {
        this(profiles, DEFAULT_MAX_TARGETS);
    }

    /**
     * @param maxTargets the most vendors one request may name: a request naming more is invalid as a whole, so that
     *                   one request of thousands of made-up targets costs one dead letter, not thousands
     */
    public RequestValidator(List<VendorProfile> profiles, int maxTargets) {
        profiles.forEach(p -> vendors.put(p.name(), p));
        this.maxTargets = maxTargets;
    }

    public VendorProfile profile(String vendor) {
        return vendors.get(vendor);
    }

    /**
     * Outcome of validation. {@code requestErrors} make the whole request invalid for every target;
     * {@code targetErrors} make it invalid for one target only, and the other targets still go out.
     * {@code request} is set when at least one target is deliverable; {@code json} is the request as stored.
     */
    public record Result(UpdateRequest request, List<String> requestErrors, Map<String, List<String>> targetErrors,
                         String id, List<String> vendors, String json) {

        /** True when {@code vendor} can be delivered. */
        public boolean deliverable(String vendor) {
            return requestErrors.isEmpty() && !targetErrors.containsKey(vendor);
        }

        /** Every message that applies to {@code vendor} (null: the request as a whole), joined. */
        public String message(String vendor) {
            List<String> all = new ArrayList<>(requestErrors);
            if (vendor != null) {
                all.addAll(targetErrors.getOrDefault(vendor, List.of()));
            }
            return String.join("; ", all);
        }

        /** All messages, for a request as a whole. */
        public List<String> errors() {
            List<String> all = new ArrayList<>(requestErrors);
            targetErrors.values().forEach(all::addAll);
            return all;
        }
    }

    public Result validate(JsonNode node) {
        List<String> errors = new ArrayList<>();
        Map<String, List<String>> targetErrors = new LinkedHashMap<>();
        String id = idOf(node);
        if (node == null || !node.isObject()) {
            errors.add("request must be a JSON object, not " + Json.typeName(node));
            return new Result(null, errors, targetErrors, id, List.of(), null);
        }
        String json = Json.write(node);
        if (json.length() > MAX_REQUEST_LENGTH) {
            errors.add("request must be at most " + MAX_REQUEST_LENGTH + " characters of JSON (it has " + json.length()
                    + ")");
        }
        JsonNode given = node.get("id");
        if (given != null && !given.isNull()) {
            if (!given.isTextual() || given.asText().isBlank()) {
                errors.add("id must be a non-empty string");
            } else if (given.asText().length() > MAX_ID_LENGTH) {
                errors.add("id must be at most " + MAX_ID_LENGTH + " characters (it has " + given.asText().length()
                        + ")");
            } else if (SafeText.hasUnsafeCharacters(given.asText())) {
                errors.add("id must not hold control characters (CR, LF, NUL…) or unpaired surrogates: \""
                        + SafeText.value(given.asText()) + "\"");
            }
        }
        Set<String> allowedTop = Set.of("id", "kind", "occurredAt", "targets", "data", "vendorFields");
        node.fieldNames().forEachRemaining(name -> {
            if (!allowedTop.contains(name)) {
                errors.add(SafeText.name(name) + " is not a member of an update request");
            }
        });

        String kind = null;
        JsonNode kindNode = node.get("kind");
        if (kindNode == null || kindNode.isNull()) {
            errors.add("kind is required");
        } else if (!kindNode.isTextual() || !CanonicalFields.kinds().contains(kindNode.asText())) {
            errors.add("kind must be one of contact, customer, not " + describe(kindNode));
        } else {
            kind = kindNode.asText();
        }

        Instant occurredAt = null;
        JsonNode occurred = node.get("occurredAt");
        if (occurred != null && !occurred.isNull()) {
            try {
                occurredAt = Instant.parse(occurred.asText());
                if (!occurred.isTextual()) {
                    throw new DateTimeParseException("not text", occurred.asText(), 0);
                }
            } catch (DateTimeParseException e) {
                errors.add("occurredAt must be an ISO-8601 instant such as 2026-11-22T10:15:00Z");
            }
        }

        JsonNode data = node.get("data");
        boolean dataUsable = false;
        boolean dataBroken = false;
        if (data != null && !data.isNull()) {
            if (!data.isObject()) {
                dataBroken = true;
                errors.add("data must be an object, not " + Json.typeName(data));
            } else if (kind != null) {
                CanonicalFields.validate(kind, data, errors);
                dataUsable = true;
            }
        }

        JsonNode vendorFields = node.get("vendorFields");
        if (vendorFields != null && !vendorFields.isNull() && !vendorFields.isObject()) {
            errors.add("vendorFields must be an object, not " + Json.typeName(vendorFields));
            vendorFields = null;
        }

        List<String> targetNames = new ArrayList<>();
        JsonNode targets = node.get("targets");
        if (targets == null || targets.isNull()) {
            errors.add("targets is required");
        } else if (!targets.isObject()) {
            errors.add("targets must be an object, not " + Json.typeName(targets));
        } else if (targets.isEmpty()) {
            errors.add("targets must name at least one vendor");
        } else if (targets.size() > maxTargets) {
            errors.add("targets names " + targets.size() + " vendors, more than " + maxTargets
                    + " (relay.intake.max-targets)");
        } else {
            Iterator<Map.Entry<String, JsonNode>> entries = targets.fields();
            while (entries.hasNext()) {
                Map.Entry<String, JsonNode> entry = entries.next();
                String vendor = entry.getKey();
                String path = "targets." + SafeText.name(vendor);
                targetNames.add(vendor);
                List<String> own = new ArrayList<>();
                checkTarget(vendor, path, entry.getValue(), kind, dataUsable ? data : null, dataBroken, vendorFields,
                        own);
                if (!own.isEmpty()) {
                    targetErrors.put(vendor, own);
                }
            }
        }

        if (vendorFields != null) {
            Iterator<Map.Entry<String, JsonNode>> entries = vendorFields.fields();
            while (entries.hasNext()) {
                Map.Entry<String, JsonNode> entry = entries.next();
                String vendor = entry.getKey();
                String path = "vendorFields." + SafeText.name(vendor);
                JsonNode fields = entry.getValue();
                if (!vendors.containsKey(vendor)) {
                    errors.add(path + " is not a known vendor");
                } else if (targets != null && targets.isObject() && !targets.has(vendor)) {
                    errors.add(path + " is given but " + vendor + " is not in targets");
                } else {
                    List<String> own = targetErrors.computeIfAbsent(vendor, v -> new ArrayList<>());
                    if (!fields.isObject()) {
                        own.add(path + " must be a flat object, not " + Json.typeName(fields));
                    } else {
                        List<String> nested = new ArrayList<>();
                        fields.fields().forEachRemaining(f -> {
                            if (f.getValue().isContainerNode()) {
                                nested.add(f.getKey() + " is " + Json.typeName(f.getValue()));
                            }
                        });
                        if (!nested.isEmpty()) {
                            own.add(path + " must be a flat object: " + String.join(", ", nested));
                        } else if (kind != null) {
                            vendors.get(vendor).validateVendorFields(kind, fields, own);
                        }
                    }
                    if (own.isEmpty()) {
                        targetErrors.remove(vendor);
                    }
                }
            }
        }

        boolean anyDeliverable = targetNames.stream().anyMatch(v -> !targetErrors.containsKey(v));
        UpdateRequest request = errors.isEmpty() && anyDeliverable
                ? new UpdateRequest(id, kind, occurredAt, (ObjectNode) node) : null;
        return new Result(request, errors, targetErrors, id, targetNames, json);
    }

    /** The rules that concern one target only: its vendor, kind, keys and vendor-specific data rules. */
    private void checkTarget(String vendor, String path, JsonNode keys, String kind, JsonNode data, boolean dataBroken,
                             JsonNode vendorFields, List<String> errors) {
        VendorProfile profile = vendors.get(vendor);
        if (profile == null) {
            errors.add(path + " is not a known vendor (known: " + String.join(", ", new TreeSet<>(vendors.keySet()))
                    + ")");
            return;
        }
        if (kind != null && !profile.kinds().contains(kind)) {
            errors.add(path + ": " + vendor + " does not serve kind " + kind);
            return;
        }
        if (!keys.isObject()) {
            errors.add(path + " must be an object of record keys, not " + Json.typeName(keys));
            return;
        }
        if (kind == null) {
            return;
        }
        profile.validateKeys(kind, keys, path, errors);
        if (data != null) {
            profile.validateData(kind, data, errors);
        }
        JsonNode own = vendorFields == null ? null : vendorFields.get(vendor);
        boolean hasOwn = own != null && own.isObject() && !own.isEmpty();
        if (!hasOwn && !dataBroken && !hasMappedData(profile, kind, data)) {
            errors.add(path + " has nothing to update: no member of data maps to " + vendor
                    + " and vendorFields." + vendor + " is absent or empty");
        }
    }

    private static boolean hasMappedData(VendorProfile profile, String kind, JsonNode data) {
        if (data == null) {
            return false;
        }
        Set<String> fields = profile.fields(kind);
        return CanonicalFields.leaves(kind, data).keySet().stream().anyMatch(fields::contains);
    }

    private static String describe(JsonNode node) {
        return node.isTextual() ? "\"" + node.asText() + "\"" : Json.typeName(node);
    }

    /** The request's own id when it has a usable one, else one derived from its content. */
    public static String idOf(JsonNode node) {
        JsonNode given = node != null && node.isObject() ? node.get("id") : null;
        if (given != null && given.isTextual() && !given.asText().isBlank()
                && given.asText().length() <= MAX_ID_LENGTH && !SafeText.hasUnsafeCharacters(given.asText())) {
            return given.asText();
        }
        return node == null ? deriveId("") : deriveId(Json.canonical(node));
    }

    /**
     * The top-level {@code "id"} of a request that could not be read whole — refused for its size with only its start
     * kept, or broken further on — when that start holds it; else null. Read token by token, so a nested "id" (in
     * {@code data}) is never taken for it, and reading stops at the first token that is not JSON.
     */
    public static String idInStart(String start) {
        if (start == null || start.isEmpty()) {
            return null;
        }
        try (com.fasterxml.jackson.core.JsonParser parser = Json.MAPPER.getFactory().createParser(start)) {
            if (parser.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                return null;
            }
            for (com.fasterxml.jackson.core.JsonToken token = parser.nextToken(); token != null;
                 token = parser.nextToken()) {
                if (token == com.fasterxml.jackson.core.JsonToken.END_OBJECT) {
                    return null;
                }
                if (token == com.fasterxml.jackson.core.JsonToken.FIELD_NAME && "id".equals(parser.currentName())) {
                    if (parser.nextToken() != com.fasterxml.jackson.core.JsonToken.VALUE_STRING) {
                        return null;
                    }
                    String id = parser.getText();
                    return id.isBlank() || id.length() > MAX_ID_LENGTH || SafeText.hasUnsafeCharacters(id) ? null : id;
                }
                parser.nextToken();
                parser.skipChildren();
            }
        } catch (java.io.IOException | RuntimeException cutOffOrBroken) {
            return null;
        }
        return null;
    }

    /** A stable id from content: the same request sent twice gets the same id. */
    public static String deriveId(String content) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8));
            return "sha256-" + HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
