package com.customerrelay.support;

import com.customerrelay.RelayMain;
import com.customerrelay.core.Json;
import com.customerrelay.delivery.DeliveryStore;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * The relay on Camel's test kit: camel-test-main-junit5 boots the real main (the YAML routes of routes/,
 * config/application.properties, the beans RelayConfiguration wires) with its folders under {@link #dir()}, a
 * fast-polling inbox and no broker port. The test kit asks for the properties from its constructor, before a
 * subclass's fields are set, so {@link #dir()} and {@link #configure} must only use static state (or, for
 * {@link #dir()}'s default, a field the constructor itself sets).
 */
public abstract class RelayTestKit extends CamelMainTestSupport {

    // no initializer: it is set while the test kit's constructor asks for the properties, and must stay so
    private Path folder;

    /** A fresh folder under target/test-kit. */
    protected static Path newFolder() {
        try {
            return Files.createDirectories(Path.of("target", "test-kit", UUID.randomUUID().toString()))
                    .toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The relay's data, inbox and dead-letter folders go here: by default a fresh folder for each test. */
    protected Path dir() {
        if (folder == null) {
            folder = newFolder();
        }
        return folder;
    }

    /** Further relay.* settings of the test. */
    protected void configure(Properties properties) {
    }

    @Override
    protected Class<?> getMainClass() {
        return RelayMain.class;
    }

    @Override
    protected String getPropertyPlaceholderLocations() {
        return "file:" + RelayMain.DEFAULT_CONFIG;
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties properties = new Properties();
        properties.setProperty("relay.data.dir", dir().resolve("data").toString());
        properties.setProperty("relay.inbox.dir", dir().resolve("inbox").toString());
        properties.setProperty("relay.dead-letter.dir", dir().resolve("dead-letter").toString());
        properties.setProperty("relay.inbox.poll-ms", "100");
        properties.setProperty("relay.inbox.read-lock-min-age-ms", "300");
        properties.setProperty("relay.broker.embedded-url", "");
        properties.setProperty("relay.dispatch.poll-ms", "50");
        properties.setProperty("camel.main.shutdown-timeout", "5");
        for (String vendor : List.of("expandable", "rpm", "socialhub", "soliditech")) {
            properties.setProperty("relay.vendors." + vendor + ".initial-delay-ms", "100");
            properties.setProperty("relay.vendors." + vendor + ".max-delay-ms", "1000");
            properties.setProperty("relay.vendors." + vendor + ".timeout-ms", "5000");
        }
        properties.setProperty("camel.server.port", String.valueOf(Ports.free()));
        properties.setProperty("camel.management.port", String.valueOf(Ports.free()));
        configure(properties);
        return properties;
    }

    /** Writes {@code content} as {@code name} into the inbox in one atomic move, as a producer should. */
    protected Path drop(String name, String content) throws IOException {
        Path inbox = Files.createDirectories(dir().resolve("inbox"));
        Path staged = dir().resolve(name);
        Files.writeString(staged, content);
        return Files.move(staged, inbox.resolve(name), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** The relay's state store. */
    protected DeliveryStore store() {
        return context.getRegistry().lookupByNameAndType("deliveryStore", DeliveryStore.class);
    }

    /** Matches once the delivery route of {@code vendor} has made {@code attempts} attempts (completed or failed). */
    protected NotifyBuilder attempts(String vendor, int attempts) {
        return new NotifyBuilder(context).fromRoute("deliver-" + vendor).whenDone(attempts).create();
    }

    /**
     * Waits for {@code count} dead letters and gives them: an attempt's outcome is written by the dispatch round that
     * follows the route's end, a moment after NotifyBuilder sees the route complete.
     */
    protected List<JsonNode> awaitDeadLetters(int count) throws IOException {
        await().atMost(Duration.ofSeconds(5)).until(() -> deadLetters().size() == count);
        return deadLetters();
    }

    /** Waits until {@code count} deliveries to {@code vendor} are recorded as delivered (see {@link #awaitDeadLetters}). */
    protected void awaitDelivered(String vendor, int count) {
        await().atMost(Duration.ofSeconds(5)).until(() -> store().count("DELIVERED", vendor) == count);
    }

    /** The dead letters written so far, oldest first. */
    protected List<JsonNode> deadLetters() throws IOException {
        Path folder = dir().resolve("dead-letter");
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            List<JsonNode> letters = new ArrayList<>();
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")
                    && !f.getFileName().toString().startsWith(".")).sorted().toList()) {
                letters.add(Json.parse(Files.readString(file)));
            }
            return letters;
        }
    }

    /** Drops a copy of {@code file} into the inbox in one atomic move, as a producer should. */
    protected Path drop(Path file) throws IOException {
        Path inbox = Files.createDirectories(dir().resolve("inbox"));
        Path staged = dir().resolve(file.getFileName());
        Files.copy(file, staged);
        return Files.move(staged, inbox.resolve(file.getFileName()), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
