package com.customerrelay.core;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed access to the relay.* keys of config/application.properties, read through Camel's properties
 * component so environment variables and system properties override them the usual way.
 */
public final class RelaySettings {

    private final PropertiesComponent properties;

    public RelaySettings(CamelContext context) {
        this.properties = context.getPropertiesComponent();
    }

    public Optional<String> optional(String key) {
        return properties.resolveProperty(key).map(String::trim).filter(s -> !s.isEmpty());
    }

    public String string(String key, String fallback) {
        return optional(key).orElse(fallback);
    }

    public long number(String key, long fallback) {
        Optional<String> value = optional(key);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            return Long.parseLong(value.get());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, not '" + value.get() + "'");
        }
    }

    /**
     * The keys that start with {@code prefix}, in name order, from the properties file, the overrides and -D system
     * properties (environment variables can override such a key, but cannot add one: their names do not say where
     * the dots were).
     */
    public List<String> keysStartingWith(String prefix) {
        Set<String> keys = new TreeSet<>();
        properties.loadProperties(k -> k.startsWith(prefix)).stringPropertyNames().forEach(keys::add);
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith(prefix)).forEach(keys::add);
        return List.copyOf(keys);
    }

    public Path path(String key, String fallback) {
        return Path.of(string(key, fallback));
    }

    public Path dataDir() {
        return path("relay.data.dir", "data");
    }

    public Path inboxDir() {
        return path("relay.inbox.dir", "data/inbox");
    }

    public Path deadLetterDir() {
        return path("relay.dead-letter.dir", "data/dead-letter");
    }

    public Duration dedupeWindow() {
        return Duration.ofHours(number("relay.dedupe.window-hours", 168));
    }

    public VendorSettings vendor(String vendor) {
        String prefix = "relay.vendors." + vendor + ".";
        return new VendorSettings(
                vendor,
                optional(prefix + "base-url").orElse(null),
                (int) number(prefix + "max-attempts", 8),
                number(prefix + "initial-delay-ms", 1000),
                number(prefix + "max-delay-ms", 300_000),
                number(prefix + "timeout-ms", 30_000),
                (int) number(prefix + "concurrency", 4),
                this::optional,
                prefix);
    }
}
