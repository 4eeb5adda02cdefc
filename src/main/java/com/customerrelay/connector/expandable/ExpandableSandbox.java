package com.customerrelay.connector.expandable;

import com.customerrelay.core.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.customerrelay.sandbox.SandboxServer;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The built-in Expandable: an in-process HTTP server on loopback that behaves as the Expandable Web API documents
 * auth-token-get and customer-contact-update — POST only (405), JSON of string fields only (400), a valid, unexpired
 * AUTH_TOKEN in the body (401), contacts kept in memory, the whole updated contact returned — so the relay runs end
 * to end with no Expandable configured. A few demo contacts exist from the start; an unknown contact answers 500
 * with a MESSAGE, as Expandable answers business errors.
 */
public final class ExpandableSandbox extends SandboxServer {

    static final Set<String> CONTACT_FIELDS = new LinkedHashSet<>(List.of("CONTACT_STATUS", "FIRST_NAME",
            "LAST_NAME", "INITIAL", "TITLE", "MAIL_STOP", "ADDRESS_1", "ADDRESS_2", "ADDRESS_3", "CITY", "STATE",
            "ZIP_CODE", "COUNTRY", "PHONE_NO", "FAX_NO", "CELL_PHONE_NO", "PAGER_NO", "E_MAIL", "E_MAIL_2",
            "WEB_ADDRESS", "SOFCT_USER_1", "SOFCT_USER_2", "SOFCT_USER_3", "SOFCT_USER_4", "SOFCT_USER_5",
            "SOFCT_USER_6", "SOFCT_USER_7", "SOFCT_USER_8", "SOFCT_USER_9", "SOFCT_USER_10", "SOFCT_USER_11",
            "SOFCT_USER_12", "SOFCT_USER_13", "SOFCT_USER_14", "SOFCT_USER_15", "SOFCT_USER_16", "NOTES",
            "ATTACHMENTS"));
    private static final String TOKEN_PREFIX = "EXP-SBX-";

    private final long tokenTtlMs;
    private final Map<String, Long> tokens = new ConcurrentHashMap<>();
    private final Map<String, ObjectNode> contacts = new ConcurrentHashMap<>();
    private final AtomicInteger updates = new AtomicInteger();

    public ExpandableSandbox(long tokenTtlMs) {
        super("expandable", "/api");
        this.tokenTtlMs = tokenTtlMs;
        handle("/auth-token-get", this::authTokenGet);
        handle("/customer-contact-update", this::customerContactUpdate);
        seed("ABCCORP", "JHERNANDEZ", "Juan", "Hernandez");
        seed("ABCCORP", "MSMITH", "Mary", "Smith");
        seed("XYZLTD", "PCHEN", "Pat", "Chen");
        // the other contacts of the demo sync job (examples/sync/crm-contacts.csv)
        seed("ABCCORP", "TNGUYEN", "Tam", "Nguyen");
        seed("BRIGHTCO", "AKOWALSKI", "Anna", "Kowalski");
        seed("BRIGHTCO", "PDUBOIS", "Pierre", "Dubois");
        seed("BRIGHTCO", "LROSSI", "Luca", "Rossi");
        seed("CEDARLTD", "KTANAKA", "Kenji", "Tanaka");
        seed("CEDARLTD", "SOKAFOR", "Sade", "Okafor");
        seed("CEDARLTD", "EMULLER", "Eva", "Müller");
        seed("CEDARLTD", "RSILVA", "Rita", "Silva");
        listen();
    }

    /** Adds a contact to the sandbox's memory. */
    public void seed(String customerId, String contactId, String firstName, String lastName) {
        ObjectNode contact = Json.object();
        contact.put("CUSTOMER_ID", customerId);
        contact.put("CUST_CONTACT", contactId);
        CONTACT_FIELDS.forEach(f -> contact.put(f, ""));
        contact.put("FIRST_NAME", firstName);
        contact.put("LAST_NAME", lastName);
        contact.put("CREATED_BY", "SANDBOX");
        contact.put("DATE_CREATED", LocalDate.now().toString());
        contacts.put(customerId + "|" + contactId, contact);
    }

    /** A copy of a contact as the sandbox holds it, or null. */
    public ObjectNode contact(String customerId, String contactId) {
        ObjectNode contact = contacts.get(customerId + "|" + contactId);
        return contact == null ? null : contact.deepCopy();
    }

    public int updates() {
        return updates.get();
    }

    private void authTokenGet(HttpExchange exchange) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            error(exchange, 405, "Request method must be POST.");
            return;
        }
        JsonNode body = readJson(exchange);
        if (body == null || !body.isObject() || !body.path("USER_NAME").isTextual()
                || !body.path("PASSWORD").isTextual() || !body.path("DATA_SOURCE").isTextual()) {
            error(exchange, 400, "Request JSON is invalid.");
            return;
        }
        String token = TOKEN_PREFIX + UUID.randomUUID();
        tokens.put(token, System.currentTimeMillis() + tokenTtlMs);
        ObjectNode answer = Json.object();
        answer.put("AUTH_TOKEN", token);
        respond(exchange, 200, answer);
    }

    private void customerContactUpdate(HttpExchange exchange) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            error(exchange, 405, "Request method must be POST.");
            return;
        }
        JsonNode body = readJson(exchange);
        if (body == null || !body.isObject()) {
            error(exchange, 400, "Request JSON is invalid.");
            return;
        }
        String token = body.path("AUTH_TOKEN").asText("");
        if (token.isEmpty()) {
            error(exchange, 401, "Auth Token was not provided.");
            return;
        }
        if (!token.startsWith(TOKEN_PREFIX)) {
            error(exchange, 401, "Auth Token is malformed.");
            return;
        }
        Long expires = tokens.get(token);
        if (expires == null || expires < System.currentTimeMillis()) {
            tokens.remove(token);
            error(exchange, 401, "Auth Token login failure.");
            return;
        }
        ObjectNode update = Json.object();
        var fields = body.fields();
        while (fields.hasNext()) {
            var field = fields.next();
            String name = field.getKey();
            if (name.equals("AUTH_TOKEN") || name.equals("CUSTOMER_ID") || name.equals("CUST_CONTACT")) {
                continue;
            }
            if (!CONTACT_FIELDS.contains(name) || !field.getValue().isTextual()) {
                error(exchange, 400, "Request JSON is invalid.");
                return;
            }
            update.set(name, field.getValue());
        }
        String customerId = body.path("CUSTOMER_ID").asText("");
        String contactId = body.path("CUST_CONTACT").asText("");
        if (customerId.isEmpty() || contactId.isEmpty() || update.isEmpty()) {
            error(exchange, 400, "Request JSON is invalid.");
            return;
        }
        if (update.has("NOTES") && update.get("NOTES").asText().length() > ExpandableProfile.MAX_NOTES) {
            error(exchange, 500, "NOTES may hold at most 32,765 characters.", "SOECT-NOTES");
            return;
        }
        ObjectNode contact = contacts.get(customerId + "|" + contactId);
        if (contact == null) {
            error(exchange, 500, "Customer Contact " + customerId + "/" + contactId + " does not exist.",
                    "SOECT-NOTFOUND");
            return;
        }
        ObjectNode result;
        synchronized (contact) {
            contact.setAll(update);
            contact.put("MODIFIED_BY", "RELAY");
            contact.put("DATE_MODIFIED", Instant.now().toString());
            result = contact.deepCopy();
        }
        updates.incrementAndGet();
        respond(exchange, 200, result);
    }

    private static void error(HttpExchange exchange, int status, String message) throws IOException {
        error(exchange, status, message, String.valueOf(status));
    }

    private static void error(HttpExchange exchange, int status, String message, String code) throws IOException {
        ObjectNode body = Json.object();
        body.put("MESSAGE", message);
        body.put("MESSAGE_CODE", code);
        respond(exchange, status, body);
    }
}
