package com.customerrelay.intake;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One request as it came in: parsed JSON, or the raw text and why it could not be parsed; plus where it came
 * from (the dead letter's {@code source}).
 */
public record IntakeItem(JsonNode json, String rawText, String parseError, ObjectNode source) {
}
