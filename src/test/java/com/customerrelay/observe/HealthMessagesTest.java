package com.customerrelay.observe;

import com.customerrelay.core.Secrets;
import com.customerrelay.store.StateStore;
import com.customerrelay.store.StoreUnavailableException;
import org.apache.camel.health.HealthCheck;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;

/**
 * A health check's DOWN message reaches whoever may read the management port: a secret the store's driver quotes
 * in its error (a URL with its password) is masked there as in the log. The store is a mock here only to make it
 * fail with such a message; the real store's outage is StoreOutageTest's.
 */
class HealthMessagesTest {

    @Test
    void aStoreErrorQuotingASecretIsMaskedInTheHealthMessage() {
        String canary = "canary-store-pw-4e1d";
        Secrets.register(canary);
        StateStore store = mock(StateStore.class);
        doThrow(new StoreUnavailableException("state store: cannot open jdbc:postgresql://db/relay?password="
                + canary, null)).when(store).ping();

        HealthCheck.Result result = new StoreHealthCheck(store).call();

        assertThat(result.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(result.getMessage()).hasValueSatisfying(m -> assertThat(m)
                .contains("the state store does not answer", "password=***").doesNotContain(canary));
    }
}
