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
