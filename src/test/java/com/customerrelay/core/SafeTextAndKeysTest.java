package com.customerrelay.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The small guards that keep outside text from forging log lines, file names, record keys or leaking secrets. */
class SafeTextAndKeysTest {

    @Test
    void recordKeysOfDifferentKeysNeverCollideAndAreNeverCut() {
        assertThat(RecordKey.of("a/b", "c")).isNotEqualTo(RecordKey.of("a", "b/c"));
        assertThat(RecordKey.of("a", "bc")).isNotEqualTo(RecordKey.of("ab", "c"));
        assertThat(RecordKey.of("10045", "3")).isEqualTo("5:100451:3");
        String longA = "x".repeat(800) + "a";
        String longB = "x".repeat(800) + "b";
        assertThat(RecordKey.of(longA)).startsWith("sha256:").isNotEqualTo(RecordKey.of(longB)).hasSize(71);
        assertThat(RecordKey.of("nul\u0000")).startsWith("sha256:").isNotEqualTo(RecordKey.of("nul\u0001"));
        assertThat(RecordKey.of("\ud800")).isNotEqualTo(RecordKey.of("\udc00"));
    }

    @Test
    void outsideTextIsEscapedAndCutBeforeItReachesAMessage() {
        assertThat(SafeText.escape("evil\r\nINFO forged")).isEqualTo("evil\\u000d\\u000aINFO forged");
        assertThat(SafeText.escape("nul\u0000")).isEqualTo("nul\\u0000");
        assertThat(SafeText.escape("ok \ud83d\ude00 \ud800")).isEqualTo("ok \ud83d\ude00 \\ud800");
        assertThat(SafeText.name("y".repeat(5000))).isEqualTo("y".repeat(64) + "…(5000 characters)");
        assertThat(SafeText.hasUnsafeCharacters("plain-id_1.2")).isFalse();
        assertThat(SafeText.hasUnsafeCharacters("tab\there")).isTrue();
    }

    @Test
    void fileNamePartsAreCleanedAndBounded() {
        assertThat(SafeText.fileNamePart("exp/../x", 32)).isEqualTo("exp_.._x");
        assertThat(SafeText.fileNamePart("..", 32)).isEqualTo("_.");
        assertThat(SafeText.fileNamePart("a\u0000b", 32)).isEqualTo("a_b");
        assertThat(SafeText.fileNamePart("z".repeat(5000), 32)).hasSize(32);
    }

    @Test
    void urlsAreLoggedWithoutTheirCredentialsAndTheirValuesAreMaskedEverywhere() {
        String url = "https://relay:CANARY-URL-PW-1@vendor.example/api?apikey=CANARY-URL-KEY-2&region=eu&token=T0K3N-XYZ";
        assertThat(Secrets.maskUrl(url)).isEqualTo("https://relay:***@vendor.example/api?apikey=***&region=eu&token=***");
        Secrets.registerUrl(url);
        assertThat(Secrets.mask("refused key CANARY-URL-KEY-2 for CANARY-URL-PW-1 and T0K3N-XYZ"))
                .isEqualTo("refused key *** for *** and ***");
    }

    @Test
    void secretNamedMembersOfBrokenJsonAreMasked() {
        assertThat(Secrets.maskRaw("{\"kind\":\"contact\",\"password\": \"hunter2\", \"apiKey\":12345, oops"))
                .isEqualTo("{\"kind\":\"contact\",\"password\": \"***\", \"apiKey\":\"***\", oops");
        assertThat(Secrets.maskRaw("{\"AUTH_TOKEN\":\"abc\\\"def\"}")).isEqualTo("{\"AUTH_TOKEN\":\"***\"}");
        assertThat(Secrets.maskRaw("{\"clientSecret\":\"cut-off-in-the-midd")).isEqualTo("{\"clientSecret\":\"***\"");
    }

    @Test
    void aRenewedTokenStaysMasked() {
        Secrets.replace(null, "OLD-TOKEN-CANARY-1");
        Secrets.replace("OLD-TOKEN-CANARY-1", "NEW-TOKEN-CANARY-2");
        assertThat(Secrets.mask("old OLD-TOKEN-CANARY-1 new NEW-TOKEN-CANARY-2")).isEqualTo("old *** new ***");
    }
}
