package com.customerrelay.connector.expandable;

import com.customerrelay.core.Json;
import com.customerrelay.support.RelayTestKit;
import com.customerrelay.support.Settings;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deliver-expandable route's own steps, with every call to Expandable ({@code direct:expandable-call}, from the
 * login and update routes) mocked by AdviceWith: a login before the first update, and on a 401 one new login and
 * the update sent once more with the new token. ExpandableDeliveryTest holds the contract over real HTTP.
 */
@Settings({
        "relay.vendors.expandable.data-source=ERP1",
        "relay.vendors.expandable.user-name=relay",
        "relay.vendors.expandable.password=canary-exp-route-pw"
})
class ExpandableRouteTest extends RelayTestKit {

    @Test
    void aRefusedTokenBringsOneNewLoginAndTheUpdateOnceMore() throws Exception {
        for (String route : List.of("expandable-login", "expandable-update")) {
            AdviceWith.adviceWith(context, route, r -> r.mockEndpointsAndSkip("direct:expandable-call"));
        }
        MockEndpoint expandable = getMockEndpoint("mock:direct:expandable-call");
        expandable.expectedMessageCount(4);
        expandable.whenExchangeReceived(1, call -> answer(call, 200, "{\"AUTH_TOKEN\":\"token-1\"}"));
        expandable.whenExchangeReceived(2, call -> answer(call, 401, "{\"MESSAGE\":\"Invalid token\"}"));
        expandable.whenExchangeReceived(3, call -> answer(call, 200, "{\"AUTH_TOKEN\":\"token-2\"}"));
        expandable.whenExchangeReceived(4, call -> answer(call, 200, "{\"CUST_CONTACT\":\"JHERNANDEZ\"}"));

        drop("one.json", "{\"id\":\"exp-route-1\",\"kind\":\"contact\",\"targets\":{\"expandable\":{\"customerId\":"
                + "\"ABCCORP\",\"contactId\":\"JHERNANDEZ\"}},\"data\":{\"title\":\"Buyer\"}}");

        MockEndpoint.assertIsSatisfied(20, TimeUnit.SECONDS, expandable);
        List<Exchange> calls = expandable.getReceivedExchanges();
        assertThat(calls.stream().map(call -> call.getMessage().getHeader(Exchange.HTTP_PATH, String.class)).toList())
                .containsExactly("/auth-token-get", "/customer-contact-update", "/auth-token-get",
                        "/customer-contact-update");
        ObjectNode login = body(calls.get(0));
        // the password compared, never printed (a failing assertion would show it)
        assertThat("canary-exp-route-pw".equals(login.path("PASSWORD").asText())).as("the configured password")
                .isTrue();
        login.remove("PASSWORD");
        assertThat(login).isEqualTo(Json.parse("{\"DATA_SOURCE\":\"ERP1\",\"USER_NAME\":\"relay\"}"));
        assertThat(body(calls.get(1)).path("AUTH_TOKEN").asText()).isEqualTo("token-1");
        assertThat(body(calls.get(3)).path("AUTH_TOKEN").asText()).as("sent again with the new token")
                .isEqualTo("token-2");
        ObjectNode first = body(calls.get(1));
        ObjectNode again = body(calls.get(3));
        first.remove("AUTH_TOKEN");
        again.remove("AUTH_TOKEN");
        assertThat(again).as("the same update both times").isEqualTo(first);
        assertThat(body(calls.get(1)).path("CUST_CONTACT").asText()).isEqualTo("JHERNANDEZ");
        awaitDelivered("expandable", 1);
    }

    private static void answer(Exchange call, int status, String json) {
        call.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        call.getMessage().setBody(json);
    }

    /** The body as Expandable would read it (written and parsed again, so that numbers compare by value). */
    private static ObjectNode body(Exchange call) throws Exception {
        return (ObjectNode) Json.parse(Json.MAPPER.writeValueAsString(call.getMessage().getBody()));
    }
}
