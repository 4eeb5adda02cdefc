package com.customerrelay.hardening;

import com.customerrelay.core.FatalErrors;
import com.customerrelay.support.RelayHarness;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntConsumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An OutOfMemoryError while a dropped file is taken in (woven into the real file-intake route with AdviceWith, since
 * a bounded intake gives no natural way to run out of memory) ends the relay with status 70, so that a supervisor
 * restarts it whole, instead of leaving it running without a file consumer. The exit itself is recorded here rather
 * than performed, so the test JVM lives on.
 */
class FatalErrorTest {

    @TempDir
    Path dir;
    RelayHarness relay;
    final List<Integer> exits = new CopyOnWriteArrayList<>();
    IntConsumer realExit;

    @AfterEach
    void tearDown() {
        if (relay != null) {
            relay.close();
        }
        if (realExit != null) {
            FatalErrors.exitWith(realExit);
        }
    }

    @Test
    void anOutOfMemoryErrorInTheFileIntakeEndsTheProcessWithStatus70() throws Exception {
        relay = new RelayHarness(dir).start();
        realExit = FatalErrors.exitWith(exits::add);
        AdviceWith.adviceWith(relay.context(), "file-intake", route -> route
                .weaveByToString(".*requestIntake.*accept.*").before().process(exchange -> {
                    throw new OutOfMemoryError("simulated: Java heap space");
                }));
        relay.drop("any.ndjson", "{\"kind\":\"contact\"}\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> !exits.isEmpty());
        assertThat(exits).first().isEqualTo(FatalErrors.EXIT_STATUS);
    }
}
