package com.customerrelay.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The relay as its own process, started again and again on one folder as a crash or a deploy restarts it: the runs
 * in order, each closed after the test, and each run's log copied to {@code target/NAME-N.log}, which outlives the
 * test's temporary folder, for a look after a failure.
 */
public final class RelayRuns implements AutoCloseable {

    private final Path dir;
    private final String name;
    private final List<String> jvmOptions;
    private final List<RelayProcess> runs = new ArrayList<>();

    public RelayRuns(Path dir, String name, List<String> jvmOptions) {
        this.dir = dir;
        this.name = name;
        this.jvmOptions = jvmOptions;
    }

    /** Starts the next run with these -D settings and waits until it has started. */
    public RelayProcess start(Map<String, String> settings) throws IOException {
        RelayProcess run = RelayProcess.start(dir, jvmOptions, settings);
        runs.add(run);
        return run;
    }

    /** Run {@code index}, the first being 0. */
    public RelayProcess get(int index) {
        return runs.get(index);
    }

    /** The run started last. */
    public RelayProcess last() {
        return runs.get(runs.size() - 1);
    }

    public int size() {
        return runs.size();
    }

    @Override
    public void close() throws Exception {
        for (RelayProcess run : runs) {
            run.close();
        }
        Files.createDirectories(Path.of("target"));
        for (int i = 0; i < runs.size(); i++) {
            Files.copy(runs.get(i).logFile(), Path.of("target", name + "-" + (i + 1) + ".log"),
                    StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
