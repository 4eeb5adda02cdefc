package com.customerrelay.support;

import com.customerrelay.RelayMain;
import com.customerrelay.delivery.DeliveryQueries;
import com.customerrelay.delivery.DeliveryStatus;
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
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
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
        Properties properties = RelayHarness.testSettings(dir());
        for (Settings settings : settingsOf(getClass())) {
            for (String setting : settings.value()) {
                int eq = setting.indexOf('=');
                properties.setProperty(setting.substring(0, eq), setting.substring(eq + 1));
            }
        }
        configure(properties);
        return properties;
    }

    /** The {@link Settings} of {@code type}: those of its superclass and enclosing class first, its own last. */
    private static List<Settings> settingsOf(Class<?> type) {
        List<Settings> found = new ArrayList<>();
        if (type == null || type == RelayTestKit.class) {
            return found;
        }
        found.addAll(settingsOf(type.getSuperclass()));
        found.addAll(settingsOf(type.getEnclosingClass()));
        Settings own = type.getAnnotation(Settings.class);
        if (own != null) {
            found.add(own);
        }
        return found;
    }

    /** Writes {@code content} as {@code name} into the inbox in one atomic move, as a producer should. */
    protected Path drop(String name, String content) {
        return RelayHarness.drop(dir(), name, content);
    }

    /**
     * Drops {@code content} as {@code name} and waits (NotifyBuilder) until the delivery route of {@code vendor} has
     * made {@code attempts} attempts.
     */
    protected void dropAndAwaitAttempts(String vendor, int attempts, String name, String content) {
        NotifyBuilder attempted = attempts(vendor, attempts);
        drop(name, content);
        assertThat(attempted.matches(20, TimeUnit.SECONDS)).as("%d attempt(s) of %s made", attempts, vendor)
                .isTrue();
    }

    /** What the relay's store knows of its deliveries. */
    protected DeliveryQueries store() {
        return context.getRegistry().lookupByNameAndType("deliveryQueries", DeliveryQueries.class);
    }

    /** Matches once the delivery route of {@code vendor} has made {@code attempts} attempts (completed or failed). */
    protected NotifyBuilder attempts(String vendor, int attempts) {
        return new NotifyBuilder(context).fromRoute("deliver-" + vendor).whenDone(attempts).create();
    }

    /**
     * Waits for {@code count} dead letters and gives them: an attempt's outcome is written by the dispatch round that
     * follows the route's end, a moment after NotifyBuilder sees the route complete.
     */
    protected List<JsonNode> awaitDeadLetters(int count) {
        await().atMost(Duration.ofSeconds(5)).until(() -> deadLetters().size() == count);
        return deadLetters();
    }

    /** Waits until {@code count} deliveries to {@code vendor} are recorded as delivered (see {@link #awaitDeadLetters}). */
    protected void awaitDelivered(String vendor, int count) {
        await().atMost(Duration.ofSeconds(5)).until(() -> store().count(DeliveryStatus.DELIVERED, vendor) == count);
    }

    /** The dead letters written so far, oldest first. */
    protected List<JsonNode> deadLetters() {
        return RelayHarness.deadLettersIn(dir().resolve("dead-letter"));
    }

    /** Drops a copy of {@code file} into the inbox in one atomic move, as a producer should. */
    protected Path drop(Path file) throws IOException {
        Path inbox = Files.createDirectories(dir().resolve("inbox"));
        Path staged = dir().resolve(file.getFileName());
        Files.copy(file, staged);
        return Files.move(staged, inbox.resolve(file.getFileName()), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
