package com.customerrelay.support;

import com.customerrelay.RelayMain;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.UUID;

/**
 * The relay on Camel's test kit: camel-test-main-junit5 boots the real main (the YAML routes of routes/,
 * config/application.properties, the beans RelayConfiguration wires) with its folders under {@link #dir()}, a
 * fast-polling inbox and no broker port. The test kit asks for the properties from its constructor, before a
 * subclass's fields are set, so {@link #dir()} and {@link #configure} must only use static state.
 */
public abstract class RelayTestKit extends CamelMainTestSupport {

    /** A fresh folder under target/test-kit. */
    protected static Path newFolder() {
        try {
            return Files.createDirectories(Path.of("target", "test-kit", UUID.randomUUID().toString()))
                    .toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The relay's data, inbox and dead-letter folders go here. */
    protected abstract Path dir();

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
        properties.setProperty("camel.server.port", String.valueOf(Ports.free()));
        properties.setProperty("camel.management.port", String.valueOf(Ports.free()));
        configure(properties);
        return properties;
    }

    /** Drops a copy of {@code file} into the inbox in one atomic move, as a producer should. */
    protected Path drop(Path file) throws IOException {
        Path inbox = Files.createDirectories(dir().resolve("inbox"));
        Path staged = dir().resolve(file.getFileName());
        Files.copy(file, staged);
        return Files.move(staged, inbox.resolve(file.getFileName()), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
