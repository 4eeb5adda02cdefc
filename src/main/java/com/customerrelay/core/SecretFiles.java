package com.customerrelay.core;

import org.apache.camel.spi.PropertiesComponent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Keys read from files (PRODUCT.md §9), as Kubernetes and Docker mount secrets: any relay.* key X may be given as
 * X-file, the path of a file whose content, trimmed, becomes X's value. The key X-file is found in the properties
 * file, in -D system properties, or as an environment variable (RELAY_VENDORS_RPM_API_KEY_FILE for a key X the
 * properties file names). The content is registered as a secret, so it is masked wherever the relay writes text; it is
 * never part of a message. A file that cannot be read, or X set beside X-file, stops the start naming the keys.
 * <p>
 * Not a Camel properties function: Camel's own read environment variables and system properties ({@code env:},
 * {@code sys:}), none a file, and a function (camel-kubernetes' {@code secret:} among them) works only where a key's
 * value names it, so the operator would rewrite each key's value. PRODUCT.md §9 asks for X-file beside X, as mounted
 * secrets are given (one environment variable per file), and the content must be known as a secret before any log
 * line.
 */
public final class SecretFiles {

    public static final String SUFFIX = "-file";

    private SecretFiles() {
    }

    /** Sets every X given as X-file from its file; answers one problem per key at fault (none: all set). */
    public static List<String> apply(PropertiesComponent properties) {
        List<String> problems = new ArrayList<>();
        for (String fileKey : fileKeys(properties)) {
            String path = properties.resolveProperty(fileKey).map(String::trim).orElse("");
            if (path.isEmpty()) {
                continue;
            }
            String key = fileKey.substring(0, fileKey.length() - SUFFIX.length());
            if (!properties.resolveProperty(key).map(String::trim).orElse("").isEmpty()) {
                problems.add(key + " and " + fileKey + " are both set: give one of them");
                continue;
            }
            try {
                String value = Files.readString(Path.of(path), StandardCharsets.UTF_8).trim();
                Secrets.register(value);
                properties.addOverrideProperty(key, value);
            } catch (IOException | RuntimeException e) {
                problems.add(fileKey + ": cannot read " + SafeText.value(path) + " (" + e.getClass().getSimpleName()
                        + ")");
            }
        }
        return problems;
    }

    /** The relay.*-file keys set anywhere: the properties, -D, or an environment variable for a known key. */
    private static Set<String> fileKeys(PropertiesComponent properties) {
        Set<String> keys = new TreeSet<>();
        for (String key : properties.loadProperties(k -> k.startsWith("relay.")).stringPropertyNames()) {
            if (key.endsWith(SUFFIX)) {
                keys.add(key);
            } else if (System.getenv(environmentName(key + SUFFIX)) != null) {
                keys.add(key + SUFFIX);
            }
        }
        System.getProperties().stringPropertyNames().stream()
                .filter(k -> k.startsWith("relay.") && k.endsWith(SUFFIX)).forEach(keys::add);
        return keys;
    }

    /** The environment variable that overrides {@code key}: upper case, dots and dashes as underscores. */
    public static String environmentName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
