package com.customerrelay.support;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The relay as its own process (RelayMain on the test class path), for tests that need a heap limit or kill -9. */
public final class RelayProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    private RelayProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts the relay with {@code dir} as its data root and the given JVM options and -D settings. */
    public static RelayProcess start(Path dir, List<String> jvmOptions, Map<String, String> settings)
            throws IOException {
        RelayProcess relay = launch(dir, jvmOptions, settings);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            assertThat(relay.process.isAlive()).as(() -> "relay process alive, see " + relay.log + "; it ended with:\n"
                    + relay.tail(40)).isTrue();
            return Files.readString(relay.log).contains("(customer-relay) started");
        });
        return relay;
    }

    /** Launches the relay process as {@link #start} does, without waiting for it to have started. */
    public static RelayProcess launch(Path dir, List<String> jvmOptions, Map<String, String> settings)
            throws IOException {
        return launch(dir, jvmOptions, settings, null);
    }

    /** As {@link #launch(Path, List, Map)}, with {@code workingDir} (null: the project's) as its working folder. */
    public static RelayProcess launch(Path dir, List<String> jvmOptions, Map<String, String> settings, Path workingDir)
            throws IOException {
        return launch(dir, jvmOptions, settings, workingDir, List.of());
    }

    /** As {@link #launch(Path, List, Map, Path)}, with the relay's own arguments ({@code --check}). */
    public static RelayProcess launch(Path dir, List<String> jvmOptions, Map<String, String> settings, Path workingDir,
                                      List<String> args) throws IOException {
        Path log = dir.resolve("relay-" + System.nanoTime() + ".log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", classPath(),
                "-Dlog4j2.configurationFile=" + new File("src/main/resources/log4j2.properties").getAbsolutePath(),
                "-Drelay.data.dir=" + dir.resolve("data"),
                "-Drelay.inbox.dir=" + dir.resolve("inbox"),
                "-Drelay.dead-letter.dir=" + dir.resolve("dead-letter"),
                "-Drelay.inbox.poll-ms=100",
                "-Drelay.inbox.read-lock-min-age-ms=300",
                "-Drelay.dispatch.poll-ms=50",
                "-Dcamel.main.shutdown-timeout=10",
                "-Dcamel.server.port=" + Ports.free(),
                "-Dcamel.management.port=" + Ports.free()));
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("com.customerrelay.RelayMain");
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        if (workingDir != null) {
            builder.directory(workingDir.toFile());
        }
        Process process = builder.start();
        return new RelayProcess(process, log);
    }

    /**
     * The test JVM's class path without its empty entries: surefire's ends with one, which stands for the working
     * folder, and the project folder's routes/ would then be found on the class path beside target/classes/routes.
     */
    private static String classPath() {
        return java.util.Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.isBlank()).collect(java.util.stream.Collectors.joining(File.pathSeparator));
    }

    /** The file the relay's output goes to. */
    public Path logFile() {
        return log;
    }

    /** Kills the relay with SIGKILL, as a crash would; returns its exit status. */
    public int kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return process.exitValue();
    }

    /** Waits up to {@code seconds} for the process to end; its exit status, or null while it runs on. */
    public Integer exitWithin(int seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : null;
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** The last {@code lines} lines of the relay's output. */
    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    /** The relay's latest "Deliveries since last report" line, trimmed, or "" before the first. */
    public String latestReport() throws IOException {
        String report = "";
        for (String line : Files.readAllLines(log)) {
            if (line.contains("unfinished: ")) {
                report = line.trim();
            }
        }
        return report;
    }

    public void stopGracefully() throws InterruptedException {
        process.destroy();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        }
    }
}
