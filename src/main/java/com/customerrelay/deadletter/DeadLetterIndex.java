package com.customerrelay.deadletter;

import com.customerrelay.core.Json;
import com.customerrelay.core.PrivateFiles;
import com.customerrelay.core.SafeText;
import com.customerrelay.store.StateStore;
import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * The dead letters of one folder, indexed in the state store (vendor, reason, request id, when written, file name),
 * so that listing the newest few with filters reads a few rows and files, not the whole folder: the files stay the
 * record (PRODUCT.md §4); the index only says which to read. A row whose file an operator deleted or moved away is
 * dropped when a listing meets it. Files the index does not know (written while the store was away, copied in by
 * hand, or from before this version) are indexed by {@link #catchUp}, at start.
 * <p>
 * Relays that share a store may each have a folder of their own, so each folder is told apart by an id kept in it
 * ({@code .index-id}): a relay lists and drops only the rows of its folder.
 */
public final class DeadLetterIndex {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterIndex.class);
    private final StateStore store;
    private final Path dir;
    private final String folder;

    public DeadLetterIndex(StateStore store, Path dir) {
        this.store = store;
        this.dir = dir;
        this.folder = folderId(dir);
    }

    public Path dir() {
        return dir;
    }

    /** The id kept in the folder, made at its first use. */
    private static String folderId(Path dir) {
        Path file = dir.resolve(".index-id");
        try {
            if (Files.exists(file)) {
                String id = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (!id.isEmpty()) {
                    return SafeText.cut(id, 40);
                }
            }
            PrivateFiles.createDirectories(dir);
            String id = UUID.randomUUID().toString();
            PrivateFiles.write(file, id);
            return id;
        } catch (IOException e) {
            // a folder that cannot be written does not stop the relay (each dead letter is then reported in the log
            // instead): its id is made from its path until the folder can hold its own
            LOG.warn("Dead-letter index: cannot keep the folder's id in {} ({}); using one made from its path",
                    file, SafeText.value(e.getMessage()));
            return UUID.nameUUIDFromBytes(dir.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8))
                    .toString();
        }
    }

    /** Indexes a dead letter just written. */
    public void add(String file, String requestId, String vendor, String reason, long writtenAt) {
        store.withConnection((c, now) -> {
            insertIfNew(c, file, requestId, vendor, reason, writtenAt);
            return null;
        });
    }

    private boolean insertIfNew(java.sql.Connection c, String file, String requestId, String vendor, String reason,
                                long writtenAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into relay_dead_letter (folder, file, request_id, "
                + "vendor, reason, written_at) select ?, ?, ?, ?, ?, ? where not exists (select 1 from "
                + "relay_dead_letter where folder = ? and file = ?)")) {
            ps.setString(1, folder);
            ps.setString(2, file);
            ps.setString(3, SafeText.cut(requestId, 200));
            ps.setString(4, SafeText.cut(vendor, 64));
            ps.setString(5, SafeText.cut(reason, 16));
            ps.setLong(6, writtenAt);
            ps.setString(7, folder);
            ps.setString(8, file);
            return ps.executeUpdate() > 0;
        }
    }

    /** Which dead letters to list: null members match all; {@code before} (epoch ms) pages back in time. */
    public record Query(String vendor, String reason, Collection<String> requestIds, Long before) {
        public static final Query ALL = new Query(null, null, null, null);
    }

    /** An indexed dead letter: its file (in the folder) and when it was written. */
    public record Entry(Path file, long writtenAt) {
    }

    /**
     * The dead letters {@code query} matches whose files are still there, newest first, at most {@code limit}; rows
     * whose files are gone are dropped on the way.
     */
    public List<Entry> list(Query query, int limit) {
        List<Entry> found = new ArrayList<>();
        Long before = query.before();
        String lastFile = null;
        while (found.size() < limit) {
            int want = Math.min(Math.max(limit - found.size(), 20), 1000);
            List<Entry> page = page(query, before, lastFile, want);
            List<String> gone = new ArrayList<>();
            for (Entry entry : page) {
                if (Files.isRegularFile(entry.file())) {
                    if (found.size() < limit) {
                        found.add(entry);
                    }
                } else {
                    gone.add(entry.file().getFileName().toString());
                }
            }
            if (!gone.isEmpty()) {
                remove(gone);
                LOG.info("Dead-letter index: {} files were no longer in {} (moved or deleted by hand); their rows are "
                        + "dropped", gone.size(), dir);
            }
            if (page.size() < want) {
                break;
            }
            Entry last = page.get(page.size() - 1);
            before = last.writtenAt();
            lastFile = last.file().getFileName().toString();
        }
        return found;
    }

    /** One page of rows, newest first, strictly older than ({@code before}, {@code lastFile}). */
    private List<Entry> page(Query query, Long before, String lastFile, int limit) {
        StringBuilder sql = new StringBuilder("select file, written_at from relay_dead_letter where folder = ?");
        List<Object> args = new ArrayList<>(List.of(folder));
        if (query.vendor() != null) {
            sql.append(" and vendor = ?");
            args.add(query.vendor());
        }
        if (query.reason() != null) {
            sql.append(" and reason = ?");
            args.add(query.reason());
        }
        if (query.requestIds() != null) {
            if (query.requestIds().isEmpty()) {
                return List.of();
            }
            sql.append(" and request_id in (").append("?, ".repeat(query.requestIds().size() - 1)).append("?)");
            args.addAll(query.requestIds());
        }
        if (before != null && lastFile != null) {
            sql.append(" and (written_at < ? or (written_at = ? and file < ?))");
            args.add(before);
            args.add(before);
            args.add(lastFile);
        } else if (before != null) {
            sql.append(" and written_at < ?");
            args.add(before);
        }
        sql.append(" order by written_at desc, file desc limit ?");
        args.add(limit);
        return store.withConnection((c, now) -> {
            List<Entry> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                    ps.setObject(i + 1, args.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(new Entry(dir.resolve(rs.getString(1)), rs.getLong(2)));
                    }
                }
            }
            return rows;
        });
    }

    /** Drops the rows of {@code files} (replayed, or gone). */
    public void remove(Collection<String> files) {
        if (files.isEmpty()) {
            return;
        }
        store.withConnection((c, now) -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "delete from relay_dead_letter where folder = ? and file = ?")) {
                for (String file : files) {
                    ps.setString(1, folder);
                    ps.setString(2, file);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /**
     * Indexes the folder's dead letters the index does not know, reading only those; streamed, so a folder of any
     * size is walked in constant memory.
     *
     * @return how many were added
     */
    public int catchUp() {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int added = 0;
        List<Path> batch = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path file : files) {
                batch.add(file);
                if (batch.size() == CATCH_UP_BATCH) {
                    added += catchUp(batch);
                    batch.clear();
                }
            }
            added += catchUp(batch);
        } catch (IOException e) {
            LOG.warn("Dead-letter index: cannot list {}: {}", dir, SafeText.value(e.getMessage()));
        }
        if (added > 0) {
            LOG.info("Dead-letter index: indexed {} dead letters of {} it did not know", added, dir);
        }
        return added;
    }

    /** Files looked up, read and indexed per transaction by {@link #catchUp}. */
    static final int CATCH_UP_BATCH = 500;

    /** Indexes those of {@code files} the index does not know, in one transaction. */
    private int catchUp(List<Path> files) {
        if (files.isEmpty()) {
            return 0;
        }
        java.util.Set<String> known = new java.util.HashSet<>();
        List<String> names = files.stream().map(f -> f.getFileName().toString()).toList();
        store.withConnection((c, now) -> {
            try (PreparedStatement ps = c.prepareStatement("select file from relay_dead_letter where folder = ? and "
                    + "file in (" + "?, ".repeat(names.size() - 1) + "?)")) {
                ps.setString(1, folder);
                for (int i = 0; i < names.size(); i++) {
                    ps.setString(i + 2, names.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        known.add(rs.getString(1));
                    }
                }
            }
            return null;
        });
        record Found(String file, JsonNode record, long written) {
        }
        List<Found> found = new ArrayList<>();
        for (Path file : files) {
            String name = file.getFileName().toString();
            if (known.contains(name) || !Files.isRegularFile(file)) {
                continue;
            }
            try {
                JsonNode record = Json.MAPPER.readTree(file.toFile());
                if (record != null && record.isObject()) {
                    found.add(new Found(name, record, writtenAt(file, record)));
                }
            } catch (IOException unreadable) {
                // not a dead letter the relay wrote; left out of the index
            }
        }
        if (found.isEmpty()) {
            return 0;
        }
        return store.withConnection((c, now) -> {
            c.setAutoCommit(false);
            try {
                int added = 0;
                for (Found f : found) {
                    if (insertIfNew(c, f.file(), f.record().path("requestId").asText(null),
                            f.record().path("vendor").asText(null), f.record().path("reason").asText(null),
                            f.written())) {
                        added++;
                    }
                }
                c.commit();
                return added;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        });
    }

    /** The time a dead letter's name starts with (the relay names them so), else its lastAttemptAt, else its mtime. */
    private static long writtenAt(Path file, JsonNode record) throws IOException {
        String name = file.getFileName().toString();
        int dash = name.indexOf('-');
        if (dash > 0 && name.substring(0, dash).chars().allMatch(Character::isDigit) && dash < 19) {
            return Long.parseLong(name.substring(0, dash));
        }
        try {
            return Instant.parse(record.path("lastAttemptAt").asText()).toEpochMilli();
        } catch (RuntimeException noTime) {
            return Files.getLastModifiedTime(file).toMillis();
        }
    }

    /** Indexed dead letters of this folder. */
    public long size() {
        return store.withConnection((c, now) -> {
            try (PreparedStatement ps = c.prepareStatement("select count(*) from relay_dead_letter where folder = ?")) {
                ps.setString(1, folder);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }
}
