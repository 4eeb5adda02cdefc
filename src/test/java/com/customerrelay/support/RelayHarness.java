package com.customerrelay.support;

import com.customerrelay.RelayMain;
import com.customerrelay.core.Json;
import com.customerrelay.delivery.DeliveryQueries;
import com.customerrelay.delivery.OutboxTable;
import com.customerrelay.store.StateStore;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * Boots the real relay (RelayMain: config/application.properties, routes/*.camel.yaml, the wired beans) with its
 * folders and store in a test directory and fast polling, and gives tests a few ways to feed and watch it.
 */
public final class RelayHarness implements AutoCloseable {

    private final Path root;
    private final Properties properties = new Properties();
    private Main main;

    public RelayHarness(Path root) {
        this.root = root;
        properties.putAll(testSettings(root));
    }

    /**
     * The settings every test relay rooted at {@code root} runs with, on the harness and on the test kit alike: those
     * of test-relay.properties (fast polling and retries, no broker port), its folders under {@code root}, and ports
     * of its own (the defaults 8080 and 9876 are the user's).
     */
    static Properties testSettings(Path root) {
        Properties p = new Properties();
        try (var in = RelayHarness.class.getResourceAsStream("/test-relay.properties")) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        p.setProperty("relay.data.dir", root.resolve("data").toString());
        p.setProperty("relay.inbox.dir", root.resolve("inbox").toString());
        p.setProperty("relay.dead-letter.dir", root.resolve("dead-letter").toString());
        p.setProperty("camel.server.port", String.valueOf(Ports.free()));
        p.setProperty("camel.management.port", String.valueOf(Ports.free()));
        return p;
    }

    /** Lets producers reach the embedded broker over TCP on a free port; returns the broker URL. */
    public String brokerOnFreePort() {
        String url = "tcp://localhost:" + Ports.free();
        set("relay.broker.embedded-url", url);
        return url;
    }

    /** The relay's HTTP API root, e.g. {@code http://127.0.0.1:PORT}. */
    public String apiUrl() {
        return "http://127.0.0.1:" + properties.getProperty("camel.server.port");
    }

    /** The management root (health, metrics), e.g. {@code http://127.0.0.1:PORT}. */
    public String managementUrl() {
        return "http://127.0.0.1:" + properties.getProperty("camel.management.port");
    }

    public RelayHarness set(String key, String value) {
        properties.setProperty(key, value);
        return this;
    }

    public RelayHarness start() {
        main = RelayMain.create(properties);
        try {
            main.start();
        } catch (Exception e) {
            throw new IllegalStateException("relay did not start", e);
        }
        if (main.getCamelContext() == null || !main.getCamelContext().isStarted()) {
            throw new IllegalStateException("relay did not start");
        }
        return this;
    }

    public void stop() {
        if (main != null) {
            try {
                main.stop();
            } catch (Exception e) {
                throw new IllegalStateException("relay did not stop", e);
            }
            main = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public <T> T bean(String name, Class<T> type) {
        return context().getRegistry().lookupByNameAndType(name, type);
    }

    /** What the relay's store knows of its deliveries. */
    public DeliveryQueries store() {
        return bean("deliveryQueries", DeliveryQueries.class);
    }

    public StateStore stateStore() {
        return bean("stateStore", StateStore.class);
    }

    public OutboxTable outbox() {
        return bean("outboxTable", OutboxTable.class);
    }

    public Path inbox() {
        return root.resolve("inbox");
    }

    public Path deadLetterDir() {
        return root.resolve("dead-letter");
    }

    /** Drops a complete file into the inbox the way a careful producer does: written aside, then moved in. */
    public Path drop(String name, String content) {
        return drop(root, name, content);
    }

    /** {@link #drop(String, String)} for the relay rooted at {@code root}. */
    static Path drop(Path root, String name, String content) {
        try {
            Path inbox = Files.createDirectories(root.resolve("inbox"));
            Path tmp = root.resolve(name + ".part");
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            return Files.move(tmp, inbox.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path done(String name) {
        return inbox().resolve(".done").resolve(name);
    }

    public Path failed(String name) {
        return inbox().resolve(".failed").resolve(name);
    }

    public void awaitDone(String name) {
        awaitDone(name, Duration.ofSeconds(20));
    }

    public void awaitDone(String name, Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(100)).until(() -> Files.exists(done(name)));
    }

    /** Waits until every accepted delivery is delivered or dead. */
    public void awaitSettled(Duration atMost) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(200)).until(() -> store().unfinished() == 0);
    }

    public List<JsonNode> deadLetters() {
        return deadLettersIn(deadLetterDir());
    }

    /** The dead letters in {@code folder}, oldest first (their names start with the time they were written). */
    static List<JsonNode> deadLettersIn(Path folder) {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        List<JsonNode> letters = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(p -> p.getFileName().toString().endsWith(".json")
                    && !p.getFileName().toString().startsWith(".")).sorted(Comparator.naturalOrder()).toList()) {
                letters.add(Json.parse(Files.readString(file)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return letters;
    }

    public List<String> deadLetterTexts() {
        if (!Files.isDirectory(deadLetterDir())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(deadLetterDir())) {
            List<String> texts = new ArrayList<>();
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).toList()) {
                texts.add(Files.readString(file));
            }
            return texts;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
