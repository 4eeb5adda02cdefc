package com.customerrelay.connector.soliditech;

import com.customerrelay.core.Json;
import com.customerrelay.sandbox.SandboxServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The built-in Soliditech API, on the relay's default wire assumptions: {@code PUT /customers/{accountId}} and
 * {@code PUT /customers/{accountId}/contacts/{contactId}}, the API key in {@code X-API-Key}, answers wrapped in
 * {"result": …}. Records are kept in memory and updates merged into them (groups member by member).
 */
public final class SoliditechSandbox extends SandboxServer {

    private final String apiKey;
    private final String keyHeader;
    private final Map<String, ObjectNode> customers = new ConcurrentHashMap<>();
    private final Map<String, ObjectNode> contacts = new ConcurrentHashMap<>();
    private final AtomicInteger updates = new AtomicInteger();

    public SoliditechSandbox(String apiKey, String keyHeader) {
        super("soliditech", "/api");
        this.apiKey = apiKey == null ? "" : apiKey;
        this.keyHeader = keyHeader;
        handle("/customers/", this::customers);
        ObjectNode customer = Json.object();
        customer.put("accountId", "10045");
        customer.putObject("businessDetails").put("businessName", "ABC Corp");
        customer.putObject("primaryContact").put("firstName", "Juan").put("lastName", "Hernandez")
                .put("email", "jhernandez@abccorp.com");
        customers.put("10045", customer);
        ObjectNode contact = Json.object();
        contact.put("contactId", "3").put("firstName", "Juan").put("lastName", "Hernandez")
                .put("contactLevel", "Secondary").put("sendNewsletter", false);
        contacts.put("10045/3", contact);
        listen();
    }

    public ObjectNode customer(String accountId) {
        ObjectNode record = customers.get(accountId);
        return record == null ? null : record.deepCopy();
    }

    public ObjectNode contact(String accountId, String contactId) {
        ObjectNode record = contacts.get(accountId + "/" + contactId);
        return record == null ? null : record.deepCopy();
    }

    public int updates() {
        return updates.get();
    }

    private void customers(HttpExchange exchange) throws IOException {
        String[] parts = subPath(exchange).split("/");
        // "", "customers", id [, "contacts", contactId]
        if (!(parts.length == 3 || (parts.length == 5 && parts[3].equals("contacts")))) {
            respond(exchange, 404, Json.object().put("error", "No such resource"));
            return;
        }
        if (!"PUT".equals(exchange.getRequestMethod())) {
            respond(exchange, 405, Json.object().put("error", "Method not allowed"));
            return;
        }
        String key = exchange.getRequestHeaders().getFirst(keyHeader);
        if (!apiKey.equals(key == null ? "" : key)) {
            respond(exchange, 401, Json.object().put("error", "Invalid API key"));
            return;
        }
        JsonNode body = readJson(exchange);
        if (body == null || !body.isObject() || body.isEmpty()) {
            respond(exchange, 400, Json.object().put("error", "Request body must be a non-empty JSON object"));
            return;
        }
        String account = URLDecoder.decode(parts[2], StandardCharsets.UTF_8);
        boolean contact = parts.length == 5;
        ObjectNode record = contact ? contacts.get(account + "/" + URLDecoder.decode(parts[4], StandardCharsets.UTF_8))
                : customers.get(account);
        if (record == null) {
            respond(exchange, 404, Json.object().put("error", contact ? "Contact not found" : "Customer not found"));
            return;
        }
        if (contact) {
            String problem = checkContact(body);
            if (problem != null) {
                respond(exchange, 400, Json.object().put("error", problem));
                return;
            }
        }
        ObjectNode result;
        synchronized (record) {
            merge(record, (ObjectNode) body);
            result = record.deepCopy();
        }
        updates.incrementAndGet();
        respond(exchange, 200, Json.object().set("result", result));
    }

    private static String checkContact(JsonNode body) {
        JsonNode level = body.get("contactLevel");
        if (level != null && !level.isNull() && !Set.of("Primary", "Secondary").contains(level.asText())) {
            return "contactLevel must be Primary or Secondary";
        }
        for (String flag : new String[] {"isDecisionMaker", "sendNewsletter", "sendInvoices"}) {
            JsonNode value = body.get(flag);
            if (value != null && !value.isNull() && !value.isBoolean()) {
                return flag + " must be a boolean";
            }
        }
        return null;
    }

    private static void merge(ObjectNode record, ObjectNode update) {
        update.fields().forEachRemaining(f -> {
            JsonNode current = record.get(f.getKey());
            if (f.getValue().isObject() && current instanceof ObjectNode group) {
                merge(group, (ObjectNode) f.getValue());
            } else {
                record.set(f.getKey(), f.getValue());
            }
        });
    }
}
