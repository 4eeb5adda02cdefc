package com.customerrelay.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RequestIdAndSecretsTest {

    @Test
    void aGivenIdIsKeptAndAMissingOneIsDerivedFromContentWhateverTheMemberOrder() throws Exception {
        assertThat(RequestValidator.idOf(Json.parse("{\"id\":\"crm-1\",\"kind\":\"contact\"}"))).isEqualTo("crm-1");
        String a = RequestValidator.idOf(Json.parse("{\"kind\":\"contact\",\"data\":{\"a\":1,\"b\":2}}"));
        String b = RequestValidator.idOf(Json.parse("{\"data\":{\"b\":2,\"a\":1},\"kind\":\"contact\"}"));
        String c = RequestValidator.idOf(Json.parse("{\"data\":{\"b\":3,\"a\":1},\"kind\":\"contact\"}"));
        assertThat(a).startsWith("sha256-").isEqualTo(b).isNotEqualTo(c);
    }

    @Test
    void theIdOfARequestCutOffIsTakenFromItsTopLevelOnly() {
        assertThat(RequestValidator.idInStart("{\"kind\":\"contact\",\"id\":\"crm-9\",\"data\":{\"notes\":\"nnnn…"))
                .isEqualTo("crm-9");
        assertThat(RequestValidator.idInStart("{\"data\":{\"id\":\"nested\"},\"kind\":\"con…")).as("nested").isNull();
        assertThat(RequestValidator.idInStart("{\"data\":{\"notes\":\"nnnn…")).as("not in the start").isNull();
        assertThat(RequestValidator.idInStart("{\"id\":42,")).as("not a string").isNull();
        assertThat(RequestValidator.idInStart("not json {\"id\":\"x\"}")).isNull();
        assertThat(RequestValidator.idInStart("[{\"id\":\"in-an-array\"}")).isNull();
    }

    @Test
    void registeredSecretsAndSecretNamedMembersAreMasked() throws Exception {
        Secrets.register("s3cr3t-value-123");
        assertThat(Secrets.mask("login s3cr3t-value-123 failed")).isEqualTo("login *** failed");
        var masked = Secrets.maskJson(Json.parse("{\"vendorFields\":{\"expandable\":{\"PASSWORD\":\"hunter2\","
                + "\"SOFCT_USER_1\":\"gold\",\"note\":\"has s3cr3t-value-123\"}}}"));
        assertThat(masked.at("/vendorFields/expandable/PASSWORD").asText()).isEqualTo("***");
        assertThat(masked.at("/vendorFields/expandable/SOFCT_USER_1").asText()).isEqualTo("gold");
        assertThat(masked.at("/vendorFields/expandable/note").asText()).isEqualTo("has ***");
    }
}
