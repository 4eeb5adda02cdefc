package com.customerrelay.sync;

import com.customerrelay.core.CanonicalFields;
import com.customerrelay.core.RelaySettings;
import com.customerrelay.core.Secrets;
import org.quartz.CronExpression;

import java.nio.file.Path;
import java.text.ParseException;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One scheduled sync job as its settings declare it (PRODUCT.md §2a: {@code relay.sync.<job>.*}). Read and checked
 * at start: a setting that is missing or does not parse stops the relay with a message naming the job, the key and
 * the value, so a job never fails on every run for a reason known from the start.
 */
public record SyncJob(String name, String schedule, ZoneId timeZone, String source, String jdbcUrl, String jdbcUser,
                      String jdbcPassword, String query, int fetchSize, Path csvDir, char delimiter, String kind,
                      List<String> key, Map<String, String> map, boolean clearEmpty, boolean baseline) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Set<String> ROOTS = Set.of("occurredAt", "targets", "data", "vendorFields");

    /** The jobs of {@code relay.sync.jobs}, each read from its keys; {@code vendors} are the targets the relay knows. */
    public static List<SyncJob> fromSettings(RelaySettings settings, Set<String> vendors) {
        List<SyncJob> jobs = new ArrayList<>();
        String names = settings.optional("relay.sync.jobs").orElse("");
        for (String name : names.split(",")) {
            name = name.trim();
            if (name.isEmpty()) {
                continue;
            }
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("relay.sync.jobs: job name '" + name + "' may hold only letters, "
                        + "digits, '-' and '_' (at most 64)");
            }
            String job = name;
            if (jobs.stream().anyMatch(j -> j.name().equals(job))) {
                throw new IllegalArgumentException("relay.sync.jobs names job '" + name + "' twice");
            }
            jobs.add(read(settings, name, vendors));
        }
        return jobs;
    }

    private static SyncJob read(RelaySettings settings, String name, Set<String> vendors) {
        String p = "relay.sync." + name + ".";
        String schedule = required(settings, p + "schedule");
        try {
            CronExpression.validateExpression(schedule);
        } catch (ParseException e) {
            throw new IllegalArgumentException("sync job " + name + ": " + p + "schedule '" + schedule
                    + "' is not a Quartz cron expression (seconds first, e.g. '0 */15 * * * ?'): " + e.getMessage());
        }
        String zone = settings.string(p + "time-zone", "UTC");
        ZoneId timeZone;
        try {
            timeZone = ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("sync job " + name + ": " + p + "time-zone '" + zone
                    + "' is not a time zone (e.g. UTC, Europe/Berlin)");
        }
        String source = oneOf(settings, name, p + "source", null, "jdbc", "csv");
        String jdbcUrl = null;
        String jdbcUser = null;
        String jdbcPassword = null;
        String query = null;
        Path csvDir = null;
        char delimiter = ',';
        if (source.equals("jdbc")) {
            jdbcUrl = required(settings, p + "jdbc.url");
            if (!jdbcUrl.startsWith("jdbc:")) {
                throw new IllegalArgumentException("sync job " + name + ": " + p + "jdbc.url must start with jdbc:, "
                        + "not '" + Secrets.maskUrl(jdbcUrl) + "'");
            }
            jdbcUser = settings.optional(p + "jdbc.user").orElse(null);
            jdbcPassword = settings.optional(p + "jdbc.password").orElse(null);
            Secrets.register(jdbcPassword);
            Secrets.registerUrl(jdbcUrl);
            query = required(settings, p + "jdbc.query");
        } else {
            csvDir = Path.of(required(settings, p + "csv.dir"));
            String d = settings.string(p + "csv.delimiter", ",");
            if (d.equals("\\t") || d.equalsIgnoreCase("tab")) {
                d = "\t";
            }
            if (d.length() != 1 || d.equals("\"") || d.equals("\n") || d.equals("\r")) {
                throw new IllegalArgumentException("sync job " + name + ": " + p + "csv.delimiter must be one "
                        + "character (or 'tab'), not '" + d + "'");
            }
            delimiter = d.charAt(0);
        }
        long fetchSize = settings.number(p + "jdbc.fetch-size", 1000);
        if (fetchSize < 1 || fetchSize > 100_000) {
            throw new IllegalArgumentException("sync job " + name + ": " + p + "jdbc.fetch-size must be between 1 "
                    + "and 100000, not " + fetchSize);
        }
        String kind = required(settings, p + "kind");
        if (!CanonicalFields.kinds().contains(kind)) {
            throw new IllegalArgumentException("sync job " + name + ": " + p + "kind '" + kind + "' is not one of "
                    + String.join(", ", CanonicalFields.kinds()));
        }
        List<String> key = Arrays.stream(required(settings, p + "key").split(",")).map(String::trim)
                .filter(s -> !s.isEmpty()).toList();
        if (key.isEmpty()) {
            throw new IllegalArgumentException("sync job " + name + ": " + p + "key names no column");
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (String k : settings.keysStartingWith(p + "map.")) {
            String path = k.substring((p + "map.").length());
            String column = settings.optional(k).orElse(null);
            if (column == null) {
                continue;
            }
            checkPath(name, k, path, vendors);
            map.put(path, column);
        }
        if (map.keySet().stream().noneMatch(path -> path.startsWith("targets."))) {
            throw new IllegalArgumentException("sync job " + name + ": no " + p + "map.targets.<vendor>.<key> is set: "
                    + "the job would give its requests no target");
        }
        String empty = oneOf(settings, name, p + "empty", "keep", "keep", "clear");
        String firstRun = oneOf(settings, name, p + "first-run", "send", "send", "baseline");
        return new SyncJob(name, schedule, timeZone, source, jdbcUrl, jdbcUser, jdbcPassword, query, (int) fetchSize,
                csvDir, delimiter, kind, key, Map.copyOf(map), empty.equals("clear"), firstRun.equals("baseline"));
    }

    /** A mapped path must be a member path of the request (§1) the relay can put a column's value at. */
    private static void checkPath(String job, String key, String path, Set<String> vendors) {
        String[] parts = path.split("\\.", -1);
        String problem = null;
        if (!ROOTS.contains(parts[0])) {
            problem = "it must start with occurredAt, targets, data or vendorFields";
        } else if (Arrays.stream(parts).anyMatch(String::isEmpty)) {
            problem = "it has an empty member name";
        } else if (parts[0].equals("occurredAt") && parts.length != 1) {
            problem = "occurredAt has no members";
        } else if ((parts[0].equals("targets") || parts[0].equals("vendorFields")) && parts.length != 3) {
            problem = parts[0] + " paths are " + parts[0] + ".<vendor>.<member>";
        } else if ((parts[0].equals("targets") || parts[0].equals("vendorFields")) && !vendors.contains(parts[1])) {
            problem = "'" + parts[1] + "' is not a vendor (" + String.join(", ", vendors) + ")";
        } else if (parts[0].equals("data") && parts.length == 1) {
            problem = "data needs a member, e.g. data.email";
        }
        if (problem != null) {
            throw new IllegalArgumentException("sync job " + job + ": " + key + " maps to '" + path
                    + "', which is not a request member path: " + problem);
        }
    }

    private static String required(RelaySettings settings, String key) {
        return settings.optional(key).orElseThrow(() -> new IllegalArgumentException(
                "sync job " + key.split("\\.")[2] + ": " + key + " is not set"));
    }

    private static String oneOf(RelaySettings settings, String job, String key, String fallback, String... allowed) {
        String value = fallback == null ? required(settings, key) : settings.string(key, fallback);
        String lower = value.toLowerCase(Locale.ROOT);
        if (!List.of(allowed).contains(lower)) {
            throw new IllegalArgumentException("sync job " + job + ": " + key + " '" + value + "' is not one of "
                    + String.join(", ", allowed));
        }
        return lower;
    }

    /** Every column the job reads: its key columns and the mapped ones. */
    public List<String> columns() {
        List<String> all = new ArrayList<>(key);
        map.values().stream().filter(c -> all.stream().noneMatch(c::equalsIgnoreCase)).forEach(all::add);
        return all;
    }

    @Override
    public String toString() {
        return "sync job " + name;
    }
}
