package com.customerrelay.delivery;

import com.customerrelay.connector.VendorAnswer;
import com.customerrelay.core.VendorSettings;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RetryPolicyTest {

    private static final VendorSettings POLICY = new VendorSettings("x", null, 8, 1000, 300_000, 30_000, 4,
            key -> Optional.empty(), "relay.vendors.x.");

    @RepeatedTest(20)
    void delaysDoubleFromTheInitialDelayWithAtMostAQuarterOfJitter() {
        assertThat(RetryPolicy.delayMs(POLICY, 1, null)).isBetween(750L, 1000L);
        assertThat(RetryPolicy.delayMs(POLICY, 2, null)).isBetween(1500L, 2000L);
        assertThat(RetryPolicy.delayMs(POLICY, 5, null)).isBetween(12_000L, 16_000L);
    }

    @Test
    void delaysAreCappedAtTheMaximum() {
        assertThat(RetryPolicy.delayMs(POLICY, 30, null)).isBetween(225_000L, 300_000L);
    }

    @Test
    void aLongerRetryAfterWins() {
        assertThat(RetryPolicy.delayMs(POLICY, 1, 20_000L)).isEqualTo(20_000L);
        assertThat(RetryPolicy.delayMs(POLICY, 1, 10L)).isBetween(750L, 1000L);
    }

    @Test
    void retryAfterIsReadAsSecondsOrAsAnHttpDate() {
        assertThat(VendorAnswer.parseRetryAfter("7")).isEqualTo(7000L);
        String inTenSeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)
                .plusSeconds(10));
        assertThat(VendorAnswer.parseRetryAfter(inTenSeconds)).isBetween(8000L, 10_000L);
        assertThat(VendorAnswer.parseRetryAfter("soon")).isNull();
    }

    @Test
    void transientStatusesAreTheDocumentedOnes() {
        assertThat(VendorAnswer.isTransient(408)).isTrue();
        assertThat(VendorAnswer.isTransient(425)).isTrue();
        assertThat(VendorAnswer.isTransient(429)).isTrue();
        assertThat(VendorAnswer.isTransient(500)).isTrue();
        assertThat(VendorAnswer.isTransient(503)).isTrue();
        assertThat(VendorAnswer.isTransient(400)).isFalse();
        assertThat(VendorAnswer.isTransient(404)).isFalse();
        assertThat(VendorAnswer.isTransient(409)).isFalse();
        assertThat(VendorAnswer.isTransient(422)).isFalse();
    }
}
