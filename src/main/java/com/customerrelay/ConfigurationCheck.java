package com.customerrelay;

import com.customerrelay.connector.Connectors;
import com.customerrelay.core.RelaySettings;
import com.customerrelay.core.SafeText;
import com.customerrelay.core.SecretFiles;
import com.customerrelay.core.VendorProfile;
import com.customerrelay.sync.SyncJob;
import com.customerrelay.sync.SyncSourceCheck;
import org.apache.camel.CamelContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The configuration checked as a whole (PRODUCT.md §9), by {@code java -jar customer-relay.jar --check} and at every
 * start: keys read from files, every key whose shipped default is a number or a boolean, each vendor's base-url, the
 * credentials of each vendor given a base-url, and the sync jobs (schedule, source, mapping, and their columns
 * against each source that can be read now). Each problem is one line naming its keys, never a value that could be
 * a secret.
 */
public final class ConfigurationCheck {

    private static final Pattern NUMBER = Pattern.compile("-?\\d+");
    private static final Pattern DECIMAL = Pattern.compile("-?\\d+(\\.\\d+)?");
    /** Keys whose whole-number default stands for a number that may have decimals. */
    private static final List<String> DECIMAL_KEYS = List.of(".rate-limit", ".failure-rate", "-after-hours");
    private static final Pattern BOOLEAN = Pattern.compile("true|false");

    private final List<String> problems = new ArrayList<>();
    private final List<String> missingCredentials = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private List<SyncJob> syncJobs = List.of();

    private ConfigurationCheck() {
    }

    /** Checks the configuration {@code context} reads; keys given as files are read in the course of it. */
    public static ConfigurationCheck of(CamelContext context) {
        ConfigurationCheck check = new ConfigurationCheck();
        check.problems.addAll(SecretFiles.apply(context.getPropertiesComponent()));
        RelaySettings settings = new RelaySettings(context);
        check.types(settings);
        check.vendors(settings);
        if (check.problems.isEmpty()) {
            check.syncJobs(settings);
        }
        return check;
    }

    /** Problems that stop a start. */
    public List<String> problems() {
        return problems;
    }

    /**
     * Vendors given a base-url without their credential. {@code --check} fails on them; a start only warns, since
     * a vendor may take calls without one (a test double, a vendor behind a gateway that adds it).
     */
    public List<String> missingCredentials() {
        return missingCredentials;
    }

    /** What is worth knowing but stops nothing: a sync source that cannot be read now, an export lacking a column. */
    public List<String> notes() {
        return notes;
    }

    /** The sync jobs of relay.sync.jobs, as checked (none when a problem came first). */
    public List<SyncJob> syncJobs() {
        return syncJobs;
    }

    /** Every problem, credentials included: what {@code --check} prints. */
    public List<String> all() {
        List<String> all = new ArrayList<>(problems);
        all.addAll(missingCredentials);
        return all;
    }

    private void types(RelaySettings settings) {
        Properties shipped = shippedDefaults();
        for (String key : new TreeSet<>(shipped.stringPropertyNames())) {
            String fallback = shipped.getProperty(key).trim();
            Optional<String> value = settings.optional(key);
            if (value.isEmpty()) {
                continue;
            }
            if (NUMBER.matcher(fallback).matches() && DECIMAL_KEYS.stream().anyMatch(key::endsWith)) {
                if (!DECIMAL.matcher(value.get()).matches()) {
                    problems.add(key + " must be a number, not '" + SafeText.value(value.get()) + "'");
                }
            } else if (NUMBER.matcher(fallback).matches() && !NUMBER.matcher(value.get()).matches()) {
                problems.add(key + " must be a whole number, not '" + SafeText.value(value.get()) + "'");
            } else if (BOOLEAN.matcher(fallback).matches() && !BOOLEAN.matcher(value.get().toLowerCase()).matches()) {
                problems.add(key + " must be true or false, not '" + SafeText.value(value.get()) + "'");
            }
        }
    }

    /** Each job's settings, then its columns against its source where the source can be read now. */
    private void syncJobs(RelaySettings settings) {
        Map<String, VendorProfile> profiles = Connectors.profiles();
        try {
            syncJobs = SyncJob.fromSettings(settings, profiles.keySet());
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            return;
        }
        for (SyncJob job : syncJobs) {
            SyncSourceCheck source = SyncSourceCheck.of(job, profiles);
            if (source.problem() != null) {
                problems.add(source.problem());
            }
            if (source.note() != null) {
                notes.add(source.note());
            }
        }
    }

    private void vendors(RelaySettings settings) {
        for (VendorProfile profile : Connectors.profiles().values()) {
            String vendor = profile.name();
            String prefix = "relay.vendors." + vendor + ".";
            Optional<String> baseUrl = settings.optional(prefix + "base-url");
            if (baseUrl.isEmpty()) {
                continue;
            }
            if (!isHttpUrl(baseUrl.get())) {
                problems.add(prefix + "base-url must be an http:// or https:// URL with a host");
                continue;
            }
            List<String> missing = profile.credentialKeys().stream()
                    .filter(key -> settings.optional(prefix + key).isEmpty()).map(key -> prefix + key).toList();
            if (!missing.isEmpty()) {
                missingCredentials.add(prefix + "base-url is set, but " + String.join(" and ", missing)
                        + (missing.size() == 1 ? " is" : " are") + " not");
            }
        }
    }

    private static boolean isHttpUrl(String url) {
        try {
            URI uri = new URI(url);
            return ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                    && uri.getHost() != null;
        } catch (Exception e) {
            return false;
        }
    }

    private static Properties shippedDefaults() {
        Properties shipped = new Properties();
        try (InputStream in = ConfigurationCheck.class.getClassLoader().getResourceAsStream(RelayMain.DEFAULT_CONFIG)) {
            if (in != null) {
                shipped.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return shipped;
    }
}
