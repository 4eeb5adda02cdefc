package com.customerrelay.connector.rpm;

import com.customerrelay.core.Json;
import com.customerrelay.support.RelayTestKit;
import com.customerrelay.support.Settings;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rpm-attempt route's own steps, with every request to RPM ({@code direct:rpm-call}) mocked by AdviceWith: the
 * route must read the customer, merge the request over the contact RPM holds, and write the whole contact back, in
 * that order and to those paths. Fast, and independent of HTTP; RpmDeliveryTest holds the contract over real HTTP.
 */
@Settings("relay.vendors.rpm.api-key=rpm-route-key")
class RpmRouteTest extends RelayTestKit {

    @Test
    void readsTheCustomerThenWritesTheMergedContactBack() throws Exception {
        MockEndpoint rpm = mockRpm();
        rpm.expectedMessageCount(2);
        rpm.whenExchangeReceived(1, call -> answer(call, """
                {"Result":{"CustomerID":1042,"Contacts":[
                  {"Contact":{"ContactID":76,"FirstName":"Other","PhoneNumbers":[]},"IsPrimary":true},
                  {"Contact":{"ContactID":77,"FirstName":"Juan","LastName":"Hernandez","Title":"Buyer",
                    "Email":"old@abccorp.com","PhoneNumbers":[{"PhoneNumberID":501,"Type":1,"Number":"+1 555 0100"}]},
                   "IsPrimary":false}]}}"""));
        rpm.whenExchangeReceived(2, call -> answer(call, "{\"Result\":{\"Contact\":{\"ContactID\":77}}}"));

        drop("rpm.json", "{\"id\":\"rpm-route-1\",\"kind\":\"contact\",\"targets\":{\"rpm\":{\"customerId\":1042,"
                + "\"contactId\":77}},\"data\":{\"email\":\"juan@abccorp.com\"}}");

        MockEndpoint.assertIsSatisfied(20, TimeUnit.SECONDS, rpm);
        List<Exchange> calls = rpm.getReceivedExchanges();
        Exchange read = calls.get(0);
        assertThat(read.getMessage().getHeader(Exchange.HTTP_PATH)).isEqualTo("/Customer");
        assertThat(read.getMessage().getHeader(Exchange.HTTP_METHOD)).hasToString("POST");
        assertThat(read.getMessage().getHeader("RpmApiKey")).isEqualTo("rpm-route-key");
        assertThat(body(read)).isEqualTo(Json.parse("{\"CustomerID\":1042}"));

        Exchange write = calls.get(1);
        assertThat(write.getMessage().getHeader(Exchange.HTTP_PATH)).isEqualTo("/CustomerContactEdit");
        assertThat(write.getMessage().getHeader(Exchange.HTTP_METHOD)).hasToString("POST");
        assertThat(write.getMessage().getHeader("RpmApiKey")).isEqualTo("rpm-route-key");
        assertThat(write.getMessage().getHeaders()).as("only the call's own headers reach RPM")
                .containsOnlyKeys(Exchange.HTTP_PATH, Exchange.HTTP_METHOD, "RpmApiKey");
        // the three fields RPM clears when not sent are always sent: Salutation, which it did not hold, as ""
        assertThat(body(write)).as("the whole contact, the request's email laid over what RPM holds")
                .isEqualTo(Json.parse("""
                        {"CustomerID":1042,"IsPrimary":false,"Contact":{"ContactID":77,"FirstName":"Juan",
                         "LastName":"Hernandez","Salutation":"","Title":"Buyer","Email":"juan@abccorp.com",
                         "PhoneNumbers":[{"PhoneNumberID":501,"Type":1,"Number":"+1 555 0100"}]}}"""));
        awaitDelivered("rpm", 1);
    }

    @Test
    void aContactRpmDoesNotHoldIsRejectedWithoutAWrite() throws Exception {
        MockEndpoint rpm = mockRpm();
        rpm.whenAnyExchangeReceived(call -> answer(call, "{\"Result\":{\"CustomerID\":1042,\"Contacts\":[]}}"));

        drop("gone.json", "{\"id\":\"rpm-route-2\",\"kind\":\"contact\",\"targets\":{\"rpm\":{\"customerId\":1042,"
                + "\"contactId\":78}},\"data\":{\"title\":\"Buyer\"}}");

        JsonNode letter = awaitDeadLetters(1).get(0);
        assertThat(letter.path("reason").asText()).isEqualTo("rejected");
        assertThat(letter.at("/error/message").asText()).isEqualTo("RPM customer 1042 has no contact 78");
        assertThat(rpm.getReceivedExchanges()).as("the read only: nothing is written for an unknown contact")
                .hasSize(1).allSatisfy(call -> assertThat(call.getMessage().getHeader(Exchange.HTTP_PATH))
                        .isEqualTo("/Customer"));
    }

    /** Every RPM request, from the read's route and the edit's, answered by a mock instead of RPM. */
    private MockEndpoint mockRpm() throws Exception {
        for (String call : List.of("rpm-customer-read", "rpm-contact-edit")) {
            AdviceWith.adviceWith(context, call, route -> route.mockEndpointsAndSkip("direct:rpm-call"));
        }
        return getMockEndpoint("mock:direct:rpm-call");
    }

    private static void answer(Exchange call, String json) {
        call.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        call.getMessage().setBody(json);
    }

    /** The body as RPM would read it (written and parsed again, so that numbers compare by value). */
    private static JsonNode body(Exchange call) throws Exception {
        return Json.parse(Json.MAPPER.writeValueAsString(call.getMessage().getBody()));
    }
}
