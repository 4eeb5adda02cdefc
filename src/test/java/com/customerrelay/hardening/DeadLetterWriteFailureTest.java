package com.customerrelay.hardening;

import com.customerrelay.support.RelayHarness;
import com.customerrelay.support.RelayTestCase;
import com.customerrelay.support.Requests;
import com.customerrelay.support.TestLog;
import com.customerrelay.support.VendorStub;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dead-letter folder cannot be written (here: its parent is a plain file): the dead letter of a bad request is
 * tried again, then reported in full — secrets masked — as an error in the log, and the good requests around it
 * are still delivered and the file still ends in .done/.
 */
class DeadLetterWriteFailureTest extends RelayTestCase {

    private static final String CANARY = "CANARY-DL-PW-4e5f";

    VendorStub vendor = newVendor();
    RelayHarness relay;

    @Test
    void aDeadLetterThatCannotBeWrittenIsReportedAndTheOtherRequestsGoOn() throws Exception {
        Path blocked = dir.resolve("blocked");
        Files.writeString(blocked, "not a folder");
        long logBefore = TestLog.mark();
        relay = newRelay(vendor)
                .set("relay.dead-letter.dir", blocked.resolve("dead-letter").toString()).start();

        relay.drop("mixed.ndjson", Requests.marked("dl-before") + "\n"
                + "{\"id\":\"dl-bad\",\"kind\":\"lead\",\"targets\":{\"expandable\":{\"customerId\":\"A\",\"contactId\":"
                + "\"B\"}},\"vendorFields\":{\"expandable\":{\"password\":\"" + CANARY + "\"}}}\n"
                + Requests.marked("dl-after") + "\n");
        relay.awaitDone("mixed.ndjson");
        await().atMost(Duration.ofSeconds(20)).until(() -> vendor.distinct() == 2);
        relay.stop();

        String log = TestLog.since(logBefore);
        assertThat(log).contains("DEAD LETTER NOT WRITTEN").contains("dl-bad")
                .contains("kind must be one of contact, customer");
        assertThat(log).doesNotContain(CANARY);
        assertThat(relay.failed("mixed.ndjson")).doesNotExist();
    }
}
