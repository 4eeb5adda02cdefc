package com.customerrelay.connector.rpm;

import com.customerrelay.core.Json;
import com.customerrelay.sandbox.SandboxServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The built-in RPM Software API (Api2.svc): {@code Customer} and {@code CustomerContactEdit} as RPM documents them —
 * POST only, the API key in header RpmApiKey, errors as {"Result":{"Error":…}} under HTTP 200, and the hazard:
 * CustomerContactEdit clears Salutation, Title and Email when they are not sent. Phones: at most 4, types 1, 2, 3, 6,
 * an entry with PhoneNumberID edits it, one without adds a number of a type the contact lacks. IsPrimary true makes
 * the contact primary; false never demotes one.
 */
public final class RpmSandbox extends SandboxServer {

    private static final Set<Integer> PHONE_TYPES = Set.of(1, 2, 3, 6);

    private final String apiKey;
    private final Map<Long, ObjectNode> customers = new ConcurrentHashMap<>();
    private final AtomicLong phoneIds = new AtomicLong(900);
    private final AtomicInteger edits = new AtomicInteger();

    /** @param apiKey the key the sandbox accepts (the relay's configured one; empty when none is set) */
    public RpmSandbox(String apiKey) {
        super("rpm", "/rpm/Api2.svc");
        this.apiKey = apiKey == null ? "" : apiKey;
        handle("/Customer", this::customer);
        handle("/CustomerContactEdit", this::customerContactEdit);
        seedCustomer(1042, "ABC Corp");
        seedContact(1042, 77, "Juan", "Hernandez", "Mr", "Buyer", "jhernandez@abccorp.com", false,
                Map.of(1, "+1 555 0100", 2, "+1 555 0199"));
        seedContact(1042, 78, "Mary", "Smith", "Ms", "CFO", "msmith@abccorp.com", true, Map.of());
        seedCustomer(2001, "XYZ Ltd");
        seedContact(2001, 5, "Pat", "Chen", "Dr", "Engineer", "pchen@xyz.example", true, Map.of(3, "+44 20 7946 0001"));
        listen();
    }

    public void seedCustomer(long customerId, String name) {
        ObjectNode customer = Json.object();
        customer.put("CustomerID", customerId);
        customer.put("Name", name);
        customer.putArray("Contacts");
        customers.put(customerId, customer);
    }

    public void seedContact(long customerId, long contactId, String first, String last, String salutation,
                            String title, String email, boolean primary, Map<Integer, String> phones) {
        ObjectNode customer = customers.get(customerId);
        synchronized (customer) {
            ObjectNode entry = ((ArrayNode) customer.get("Contacts")).addObject();
            ObjectNode contact = entry.putObject("Contact");
            contact.put("ContactID", contactId);
            contact.put("FirstName", first);
            contact.put("LastName", last);
            contact.put("Salutation", salutation);
            contact.put("Title", title);
            contact.put("Email", email);
            ArrayNode numbers = contact.putArray("PhoneNumbers");
            phones.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(p -> numbers.addObject()
                    .put("PhoneNumberID", phoneIds.incrementAndGet()).put("Type", p.getKey()).put("Number", p.getValue()));
            entry.put("IsPrimary", primary);
            if (primary) {
                for (JsonNode other : customer.get("Contacts")) {
                    if (other != entry) {
                        ((ObjectNode) other).put("IsPrimary", false);
                    }
                }
            }
        }
    }

    /** A copy of the contact's entry ({"Contact":…, "IsPrimary":…}), or null. */
    public ObjectNode contact(long customerId, long contactId) {
        ObjectNode customer = customers.get(customerId);
        if (customer == null) {
            return null;
        }
        synchronized (customer) {
            ObjectNode entry = find(customer, contactId);
            return entry == null ? null : entry.deepCopy();
        }
    }

    public int edits() {
        return edits.get();
    }

    private boolean refused(HttpExchange exchange) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            respond(exchange, 405, Json.object().put("Message", "The requested resource does not support http "
                    + "method '" + exchange.getRequestMethod() + "'."));
            return true;
        }
        String key = exchange.getRequestHeaders().getFirst(RpmCalls.KEY_HEADER);
        if (!apiKey.equals(key == null ? "" : key)) {
            error(exchange, "Valid key required");
            return true;
        }
        return false;
    }

    private void customer(HttpExchange exchange) throws IOException {
        if (refused(exchange)) {
            return;
        }
        JsonNode body = readJson(exchange);
        ObjectNode customer = body == null ? null : customers.get(body.path("CustomerID").asLong(-1));
        if (customer == null) {
            error(exchange, "Customer not found");
            return;
        }
        ObjectNode result;
        synchronized (customer) {
            result = customer.deepCopy();
        }
        respond(exchange, 200, Json.object().set("Result", result));
    }

    private void customerContactEdit(HttpExchange exchange) throws IOException {
        if (refused(exchange)) {
            return;
        }
        JsonNode body = readJson(exchange);
        if (body == null || !body.isObject()) {
            error(exchange, "Invalid request");
            return;
        }
        JsonNode given = body.path("Contact");
        if (!given.hasNonNull("ContactID")) {
            error(exchange, "Contact ID not passed into call");
            return;
        }
        ObjectNode customer = customers.get(body.path("CustomerID").asLong(-1));
        if (customer == null) {
            error(exchange, "Customer not found");
            return;
        }
        ObjectNode result;
        synchronized (customer) {
            ObjectNode entry = find(customer, given.get("ContactID").asLong());
            if (entry == null) {
                error(exchange, "Contact not found");
                return;
            }
            if (given.path("FirstName").asText("").isBlank() || given.path("LastName").asText("").isBlank()) {
                error(exchange, "FirstName and LastName are required");
                return;
            }
            ObjectNode contact = (ObjectNode) entry.get("Contact");
            ArrayNode phones = ((ArrayNode) contact.get("PhoneNumbers")).deepCopy();
            JsonNode sentPhones = given.path("PhoneNumbers");
            if (sentPhones.size() > RpmProfile.MAX_PHONES) {
                error(exchange, "A contact can have at most 4 phone numbers");
                return;
            }
            Set<Integer> seenTypes = new HashSet<>();
            for (JsonNode phone : sentPhones) {
                String problem = applyPhone(phones, phone, seenTypes);
                if (problem != null) {
                    error(exchange, problem);
                    return;
                }
            }
            if (phones.size() > RpmProfile.MAX_PHONES) {
                error(exchange, "A contact can have at most 4 phone numbers");
                return;
            }
            contact.put("FirstName", given.get("FirstName").asText());
            contact.put("LastName", given.get("LastName").asText());
            // the documented hazard: not sent means cleared
            contact.put("Salutation", given.path("Salutation").asText(""));
            contact.put("Title", given.path("Title").asText(""));
            contact.put("Email", given.path("Email").asText(""));
            contact.set("PhoneNumbers", phones);
            if (body.path("IsPrimary").asBoolean(false)) {
                for (JsonNode other : customer.get("Contacts")) {
                    ((ObjectNode) other).put("IsPrimary", other == entry);
                }
            }
            result = contact.deepCopy();
        }
        edits.incrementAndGet();
        respond(exchange, 200, Json.object().set("Result", Json.object().set("Contact", result)));
    }

    /** Applies one sent phone entry to {@code phones}; returns RPM's error text when it is refused. */
    private String applyPhone(ArrayNode phones, JsonNode phone, Set<Integer> seenTypes) {
        int type = phone.path("Type").asInt(-1);
        if (!PHONE_TYPES.contains(type)) {
            return "Unrecognized type for phone number: " + phone.path("Type").asText();
        }
        ObjectNode ofType = null;
        for (JsonNode existing : phones) {
            if (existing.path("Type").asInt() == type) {
                ofType = (ObjectNode) existing;
            }
        }
        if (phone.hasNonNull("PhoneNumberID")) {
            long id = phone.get("PhoneNumberID").asLong();
            ObjectNode target = null;
            for (JsonNode existing : phones) {
                if (existing.path("PhoneNumberID").asLong() == id) {
                    target = (ObjectNode) existing;
                }
            }
            if (target == null) {
                return "Phone number " + id + " not found";
            }
            if (ofType != null && ofType != target) {
                return "Phone type " + type + " has already been assigned and cannot be replaced by PhoneNumberID: "
                        + id;
            }
            target.put("Type", type);
            target.put("Number", phone.path("Number").asText(""));
        } else {
            if (ofType != null || !seenTypes.add(type)) {
                return "Phone type " + type + " has already been assigned and cannot be replaced by PhoneNumberID: 0";
            }
            phones.addObject().put("PhoneNumberID", phoneIds.incrementAndGet()).put("Type", type)
                    .put("Number", phone.path("Number").asText(""));
        }
        return null;
    }

    private static ObjectNode find(ObjectNode customer, long contactId) {
        for (JsonNode entry : customer.get("Contacts")) {
            if (entry.path("Contact").path("ContactID").asLong() == contactId) {
                return (ObjectNode) entry;
            }
        }
        return null;
    }

    private static void error(HttpExchange exchange, String text) throws IOException {
        respond(exchange, 200, Json.object().set("Result", Json.object().put("Error", text)));
    }
}
