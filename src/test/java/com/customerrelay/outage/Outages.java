package com.customerrelay.outage;

import com.customerrelay.core.Json;
import com.customerrelay.support.FlakyVendor;
import com.customerrelay.support.Http;
import com.customerrelay.support.RelayHarness;
import com.fasterxml.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What the outage tests share: their API key, request files, and reading the relay's vendors and metrics. */
final class Outages {

    static final String KEY = "outage-test-key";

    private Outages() {
    }

    /** A relay with its HTTP API on {@link #KEY} and Expandable at {@code expandable}. */
    static RelayHarness relay(java.nio.file.Path root, FlakyVendor expandable) {
        return new RelayHarness(root).set("relay.http.api-keys", KEY)
                .set("relay.vendors.expandable.base-url", expandable.baseUrl() + "/api");
    }

    /**
     * Waits until {@code vendor} has delivered {@code n} updates, and checks that it was each once, that the relay
     * has nothing left to do and that it wrote no dead letter.
     */
    static void awaitEachDeliveredOnce(RelayHarness relay, FlakyVendor vendor, int n, Duration atMost) {
        await().atMost(atMost).until(() -> vendor.delivered().size() == n);
        assertThat(vendor.delivered().values()).as("each delivered once")
                .allSatisfy(times -> assertThat(times.get()).isEqualTo(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> relay.store().unfinished() == 0);
        assertThat(relay.deadLetters()).as("nothing dead-lettered").isEmpty();
    }

    /** {@code n} Expandable contact updates, one record each, marked by their E_MAIL {@code <prefix>-<i>@x.example}. */
    static String expandable(String prefix, int n) {
        return IntStream.range(0, n).mapToObj(i -> "{\"id\":\"" + prefix + "-" + i + "\",\"kind\":\"contact\","
                + "\"targets\":{\"expandable\":{\"customerId\":\"C\",\"contactId\":\"" + prefix + i + "\"}},"
                + "\"data\":{\"email\":\"" + marker(prefix, i) + "\"}}").collect(Collectors.joining("\n", "", "\n"));
    }

    /** {@code n} Soliditech contact updates, one record each, marked by their email. */
    static String soliditech(String prefix, int n) {
        return IntStream.range(0, n).mapToObj(i -> "{\"id\":\"" + prefix + "-" + i + "\",\"kind\":\"contact\","
                + "\"targets\":{\"soliditech\":{\"accountId\":\"A\",\"contactId\":\"" + prefix + i + "\"}},"
                + "\"data\":{\"email\":\"" + marker(prefix, i) + "\"}}").collect(Collectors.joining("\n", "", "\n"));
    }

    static String marker(String prefix, int i) {
        return prefix + "-" + i + "@x.example";
    }

    /** GET /vendors, the entry of {@code vendor}. */
    static JsonNode vendor(RelayHarness relay, String vendor) throws Exception {
        return vendor(relay.apiUrl(), vendor);
    }

    /** GET /vendors of the relay whose API is at {@code apiUrl}, the entry of {@code vendor}. */
    static JsonNode vendor(String apiUrl, String vendor) throws Exception {
        HttpResponse<String> answer = Http.get(apiUrl + "/vendors", "X-API-Key", KEY);
        assertThat(answer.statusCode()).isEqualTo(200);
        for (JsonNode v : Json.parse(answer.body())) {
            if (v.path("vendor").asText().equals(vendor)) {
                return v;
            }
        }
        throw new AssertionError("no " + vendor + " in " + answer.body());
    }

    static String circuit(RelayHarness relay, String vendor) throws Exception {
        return vendor(relay, vendor).path("circuit").asText();
    }

    /** POST /vendors/{vendor}/{action} (pause, resume): the answer, which must be 200. */
    static JsonNode post(RelayHarness relay, String vendor, String action) throws Exception {
        HttpResponse<String> answer = Http.send("POST", relay.apiUrl() + "/vendors/" + vendor + "/" + action, null,
                "X-API-Key", KEY);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return Json.parse(answer.body());
    }

    /** One sample of /observe/metrics, e.g. metric(relay, "relay_vendor_circuit_transitions_total", "to=\"open\",vendor=\"rpm\""). */
    static double metric(RelayHarness relay, String name, String labels) throws Exception {
        return metric(relay.managementUrl(), name, labels);
    }

    /** {@link #metric(RelayHarness, String, String)} of the relay whose management port is at {@code managementUrl}. */
    static double metric(String managementUrl, String name, String labels) throws Exception {
        String metrics = Http.get(managementUrl + "/observe/metrics").body();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name + "{" + labels) + "[^}]*} ([0-9.eE+-]+|NaN)$")
                .matcher(metrics);
        assertThat(m.find()).as(name + "{" + labels + "} in /observe/metrics").isTrue();
        return Double.parseDouble(m.group(1));
    }

    /** Vendor calls the relay made that ended in a retry (its own count, for vendors that cannot count refusals). */
    static double retriedCalls(RelayHarness relay, String vendor) throws Exception {
        return metric(relay, "relay_delivery_attempts_total", "result=\"retry\",vendor=\"" + vendor + "\"");
    }
}
