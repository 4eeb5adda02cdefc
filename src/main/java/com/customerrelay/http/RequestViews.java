package com.customerrelay.http;

import com.customerrelay.core.Json;
import com.customerrelay.delivery.Attempt;
import com.customerrelay.delivery.DeliveryQueries;
import com.customerrelay.delivery.DeliveryStatus;
import com.customerrelay.delivery.VendorCircuit;
import com.customerrelay.delivery.VendorCircuits;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.List;

/**
 * A request as GET /requests/{id} shows it (PRODUCT.md §7): per vendor its status, counted attempts, what it waits
 * for, its last error, the fields the vendor had no place for, and its last attempts.
 */
final class RequestViews {

    private final DeliveryQueries store;
    private final VendorCircuits circuits;

    RequestViews(DeliveryQueries store, VendorCircuits circuits) {
        this.store = store;
        this.circuits = circuits;
    }

    /** The answer for request {@code id}, whose deliveries the store gave. */
    ObjectNode describe(String id, List<DeliveryQueries.Status> deliveries) {
        ObjectNode answer = Json.object().put("id", id);
        ArrayNode list = answer.putArray("deliveries");
        for (DeliveryQueries.Status d : deliveries) {
            ObjectNode one = list.addObject().put("vendor", d.vendor()).put("status", d.status().shown())
                    .put("attempts", d.countedAttempts());
            if (d.unanswered() > 0) {
                // claims made while the vendor was down, paused or its circuit open: not counted as attempts
                one.put("attemptsNotCounted", d.unanswered());
            }
            if (d.status() == DeliveryStatus.PENDING) {
                one.put("nextAttemptAt", Instant.ofEpochMilli(d.nextAttemptAt()).toString());
                VendorCircuit circuit = circuits.of(d.vendor());
                if (circuit.state() != VendorCircuit.State.CLOSED) {
                    one.put("waitingFor", "the vendor's circuit is " + circuit.state().label);
                }
            }
            if (d.lastAttemptAt() != null) {
                one.put("lastAttemptAt", Instant.ofEpochMilli(d.lastAttemptAt()).toString());
            }
            if (d.lastErrorJson() != null) {
                one.set("lastError", parseOrText(d.lastErrorJson()));
            }
            ArrayNode skipped = one.putArray("skippedFields");
            if (d.skipped() != null) {
                for (String field : d.skipped().split(",")) {
                    skipped.add(field);
                }
            }
            // the last 20 attempts, oldest first (PRODUCT.md §7); "attempts" itself is the count, as it was
            ArrayNode attempts = one.putArray("lastAttempts");
            for (Attempt a : store.attemptsOf(d.id())) {
                ObjectNode entry = attempts.addObject().put("at", Instant.ofEpochMilli(a.at()).toString())
                        .put("seconds", a.millis() / 1000.0).put("result", a.result());
                if (a.httpStatus() != null) {
                    entry.put("httpStatus", a.httpStatus());
                }
                putIfSet(entry, "vendorMessage", a.vendorMessage());
                putIfSet(entry, "vendorCode", a.vendorCode());
                putIfSet(entry, "vendorRecordId", a.vendorRecordId());
            }
        }
        return answer;
    }

    private static void putIfSet(ObjectNode node, String name, String value) {
        if (value != null) {
            node.put(name, value);
        }
    }

    private static JsonNode parseOrText(String text) {
        try {
            return Json.parse(text);
        } catch (JsonProcessingException e) {
            return Json.object().put("message", text);
        }
    }
}
