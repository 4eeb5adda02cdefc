package com.customerrelay.intake;

import com.customerrelay.connector.expandable.ExpandableSandbox;
import com.customerrelay.delivery.DeliveryStatus;
import com.customerrelay.support.RelayHarness;
import com.customerrelay.support.RelayTestCase;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every validation rule of PRODUCT.md §1 that applies, one per line of one dropped .ndjson file: each bad line
 * becomes an {@code invalid} dead letter naming the file, the line, the member and the rule, while the good lines
 * in between are delivered.
 */
class ValidationDeadLetterTest extends RelayTestCase {

    private static final String EXP = "\"expandable\":{\"customerId\":\"ABCCORP\",\"contactId\":\"JHERNANDEZ\"}";

    RelayHarness relay;

    private record Case(String line, String vendor, String message) {
    }

    private static String contact(String targets, String data) {
        return "{\"kind\":\"contact\",\"targets\":{" + targets + "},\"data\":" + data + "}";
    }

    @Test
    void eachRuleYieldsAnInvalidDeadLetterWithItsPreciseMessageAndTheOtherLinesGoOn() throws Exception {
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("[1,2]", null, "request must be a JSON object, not an array"));
        cases.add(new Case("{\"id\":\"\",\"kind\":\"contact\",\"targets\":{" + EXP + "},\"data\":{\"email\":\"a@b.c\"}}",
                "expandable", "id must be a non-empty string"));
        cases.add(new Case("{\"id\":\"" + "x".repeat(201) + "\",\"kind\":\"contact\",\"targets\":{" + EXP
                + "},\"data\":{\"email\":\"a@b.c\"}}", "expandable",
                "id must be at most 200 characters (it has 201)"));
        cases.add(new Case("{\"targets\":{" + EXP + "},\"data\":{\"email\":\"a@b.c\"}}", "expandable",
                "kind is required"));
        cases.add(new Case("{\"kind\":\"lead\",\"targets\":{" + EXP + "},\"data\":{\"email\":\"a@b.c\"}}",
                "expandable", "kind must be one of contact, customer, not \"lead\""));
        cases.add(new Case("{\"kind\":\"contact\",\"occurredAt\":\"yesterday\",\"targets\":{" + EXP
                + "},\"data\":{\"email\":\"a@b.c\"}}", "expandable",
                "occurredAt must be an ISO-8601 instant such as 2026-11-22T10:15:00Z"));
        cases.add(new Case("{\"kind\":\"contact\",\"data\":{\"email\":\"a@b.c\"}}", null, "targets is required"));
        cases.add(new Case(contact("", "{\"email\":\"a@b.c\"}"), null, "targets must name at least one vendor"));
        cases.add(new Case(contact("\"salesforce\":{\"id\":\"1\"}", "{\"email\":\"a@b.c\"}"), "salesforce",
                "targets.salesforce is not a known vendor (known: expandable, rpm, socialhub, soliditech)"));
        cases.add(new Case(contact("\"socialhub\":{\"customerCode\":\"C1\"}", "{\"email\":\"a@b.c\"}"), "socialhub",
                "targets.socialhub: socialhub does not serve kind contact"));
        cases.add(new Case(contact("\"expandable\":{\"customerId\":\"ABCCORP\"}", "{\"email\":\"a@b.c\"}"),
                "expandable", "targets.expandable.contactId is required"));
        cases.add(new Case(contact("\"rpm\":{\"customerId\":\"1042\",\"contactId\":77}", "{\"email\":\"a@b.c\"}"),
                "rpm", "targets.rpm.customerId must be an integer, not a string"));
        cases.add(new Case(contact("\"rpm\":{\"customerId\":1042,\"contactId\":77,\"primary\":\"yes\"}",
                "{\"email\":\"a@b.c\"}"), "rpm", "targets.rpm.primary must be true or false"));
        cases.add(new Case(contact("\"soliditech\":{\"accountId\":10045,\"contactId\":\"3\"}",
                "{\"email\":\"a@b.c\"}"), "soliditech", "targets.soliditech.accountId must be a string, not a number"));
        cases.add(new Case("{\"kind\":\"customer\",\"targets\":{\"socialhub\":{\"customerCode\":\"C1\"}},"
                + "\"data\":{\"birthday\":\"22/11/1990\"}}", "socialhub",
                "data.birthday must be a date in yyyy-MM-dd format"));
        cases.add(new Case("{\"kind\":\"customer\",\"targets\":{\"socialhub\":{\"customerCode\":\"C1\"}},"
                + "\"data\":{\"birthday\":\"1990-02-30\"}}", "socialhub",
                "data.birthday must be a date in yyyy-MM-dd format"));
        cases.add(new Case("{\"kind\":\"customer\",\"targets\":{\"socialhub\":{\"customerCode\":\"C1\"}},"
                + "\"data\":{\"gender\":\"x\"}}", "socialhub", "data.gender must be one of unknown, male, female"));
        cases.add(new Case(contact("\"rpm\":{\"customerId\":1042,\"contactId\":77}", "{\"salutation\":\"Sir\"}"),
                "rpm", "data.salutation must be one of \"\", \"Mr\", \"Ms\", \"Dr\" for rpm, not \"Sir\""));
        cases.add(new Case(contact(EXP, "{\"notes\":\"" + "n".repeat(32_766) + "\"}"), "expandable",
                "data.notes must be at most 32765 characters for expandable (it has 32766)"));
        cases.add(new Case("{\"kind\":\"contact\",\"targets\":{\"soliditech\":{\"accountId\":\"10045\","
                + "\"contactId\":\"3\"}},\"data\":{\"email\":\"a@b.c\"},"
                + "\"vendorFields\":{\"soliditech\":{\"extra\":{\"a\":1}}}}", "soliditech",
                "vendorFields.soliditech must be a flat object: extra is an object"));
        cases.add(new Case("{\"kind\":\"contact\",\"targets\":{" + EXP + "},\"data\":{\"email\":\"a@b.c\"},"
                + "\"vendorFields\":{\"expandable\":[1]}}", "expandable",
                "vendorFields.expandable must be a flat object, not an array"));
        cases.add(new Case("{\"kind\":\"contact\",\"targets\":{" + EXP + "},\"data\":{\"email\":\"a@b.c\"},"
                + "\"vendorFields\":{\"rpm\":{\"Title\":\"x\"}}}", "expandable",
                "vendorFields.rpm is given but rpm is not in targets"));
        cases.add(new Case("{\"kind\":\"contact\",\"targets\":{" + EXP + "},\"data\":{\"email\":\"a@b.c\"},"
                + "\"vendorFields\":{\"expandable\":{\"AUTH_TOKEN\":\"x\"}}}", "expandable",
                "vendorFields.expandable.AUTH_TOKEN is set by the relay and cannot be given"));
        cases.add(new Case(contact(EXP, "{\"salutation\":\"Mr\"}"), "expandable",
                "targets.expandable has nothing to update: no member of data maps to expandable and "
                        + "vendorFields.expandable is absent or empty"));
        cases.add(new Case("{\"kind\":\"contact\",\"targets\":{" + EXP + "}}", "expandable",
                "targets.expandable has nothing to update: no member of data maps to expandable and "
                        + "vendorFields.expandable is absent or empty"));
        cases.add(new Case(contact(EXP, "{\"email\":42}"), "expandable",
                "data.email must be a string or null, not a number"));
        cases.add(new Case(contact(EXP, "{\"firstname\":\"Juan\",\"email\":\"a@b.c\"}"), "expandable",
                "data.firstname is not a field of kind contact"));
        cases.add(new Case(contact(EXP, "{\"phones\":{\"car\":\"1\",\"fax\":\"2\"}}"), "expandable",
                "data.phones.car is not a field of kind contact"));
        cases.add(new Case(contact(EXP, "{\"attachments\":[1]}"), "expandable",
                "data.attachments must be an array of strings or null"));
        cases.add(new Case(contact(EXP, "[]"), "expandable", "data must be an object, not an array"));
        cases.add(new Case("{\"kind\":\"customer\",\"targets\":{\"socialhub\":{\"customerCode\":\"C1\"}},"
                + "\"data\":{\"address\":{\"city\":\"Austin\"}}}", "socialhub", "data.address must give at least "
                + "line1 and city for socialhub: SocialHub keeps the address as one string, so a partial address would "
                + "replace all of it"));
        String huge = "{\"kind\":\"customer\",\"targets\":{\"socialhub\":{\"customerCode\":\"C1\"}},"
                + "\"data\":{\"name\":\"" + "n".repeat(1_000_000) + "\"}}";
        cases.add(new Case(huge, "socialhub", "request must be at most 1000000 characters of JSON (it has "
                + huge.length() + ")"));

        StringBuilder file = new StringBuilder();
        Map<Integer, Case> byLine = new LinkedHashMap<>();
        int line = 0;
        for (Case c : cases) {
            file.append(c.line()).append('\n');
            byLine.put(++line, c);
            // a good request between every two bad ones: it must still be delivered
            file.append("{\"id\":\"good-").append(line).append("\",\"kind\":\"contact\",\"targets\":{").append(EXP)
                    .append("},\"data\":{\"title\":\"T").append(line).append("\"}}\n");
            line++;
        }
        file.append("{not json\n");
        int brokenLine = ++line;

        relay = newRelay().start();
        relay.drop("validation.ndjson", file.toString());

        await().atMost(Duration.ofSeconds(20)).until(() -> relay.deadLetters().size() == cases.size() + 1);
        relay.awaitDone("validation.ndjson");
        relay.awaitSettled(Duration.ofSeconds(20));

        Map<Integer, JsonNode> letters = new LinkedHashMap<>();
        for (JsonNode letter : relay.deadLetters()) {
            assertThat(letter.path("reason").asText()).isEqualTo("invalid");
            assertThat(letter.path("attempts").asInt()).isZero();
            assertThat(letter.at("/source/intake").asText()).isEqualTo("file");
            assertThat(letter.at("/source/name").asText()).isEqualTo("validation.ndjson");
            letters.put(letter.at("/source/line").asInt(), letter);
        }
        for (Map.Entry<Integer, Case> entry : byLine.entrySet()) {
            JsonNode letter = letters.get(entry.getKey());
            Case c = entry.getValue();
            assertThat(letter).as("dead letter for line %d", entry.getKey()).isNotNull();
            assertThat(letter.at("/error/message").asText()).as("line %d", entry.getKey()).isEqualTo(c.message());
            if (c.vendor() == null) {
                assertThat(letter.get("vendor").isNull()).as("line %d vendor", entry.getKey()).isTrue();
            } else {
                assertThat(letter.path("vendor").asText()).as("line %d vendor", entry.getKey()).isEqualTo(c.vendor());
            }
            assertThat(letter.path("request").isObject() || letter.path("request").isArray()).isTrue();
        }
        JsonNode broken = letters.get(brokenLine);
        assertThat(broken.at("/error/message").asText())
                .startsWith("line " + brokenLine + " of validation.ndjson is not valid JSON");
        assertThat(broken.path("request").asText()).isEqualTo("{not json");

        ExpandableSandbox sandbox = relay.bean("expandableSandbox", ExpandableSandbox.class);
        assertThat(relay.store().count(DeliveryStatus.DELIVERED, "expandable")).isEqualTo(cases.size());
        assertThat(sandbox.contact("ABCCORP", "JHERNANDEZ").path("TITLE").asText())
                .as("good lines delivered in file order").isEqualTo("T" + (cases.size() * 2 - 1));
    }
}
