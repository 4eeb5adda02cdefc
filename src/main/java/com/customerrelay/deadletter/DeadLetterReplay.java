package com.customerrelay.deadletter;

import com.customerrelay.core.Json;
import com.customerrelay.core.SafeText;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The dead letters in relay.dead-letter.dir, listed and replayed. A replayed dead letter's request is taken in
 * again for its vendor alone, through the same acceptance as every intake: a delivery that is dead in the store is
 * delivered afresh (past the dedupe window), one delivered meanwhile is never sent again. Its file then moves to
 * {@code .replayed/}. An {@code invalid} dead letter is not replayed: its request must be mended and sent again. A
 * dead letter whose delivery the store still has in flight (written a moment before its outcome) is left for a later
 * replay, so that it is not taken for a delivery already on its way.
 */
public final class DeadLetterReplay {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterReplay.class);
    private static final Set<String> REPLAYABLE = Set.of("rejected", "exhausted");

    /** What became of a dead letter's request taken in again. */
    public enum Resubmitted {
        /** Accepted: to be delivered again. */
        ACCEPTED,
        /** Delivered meanwhile or on its way: not sent again. */
        ALREADY_THERE,
        /** Not taken (invalid now): the dead letter stays. */
        REFUSED
    }

    /** Takes a dead letter's request in again for one vendor (the relay's acceptance, RequestIntake.resubmit). */
    public interface Intake {
        Resubmitted resubmit(JsonNode request, ObjectNode source, String vendor);
    }

    /** Whether the store has a request's delivery to a vendor in flight (DeliveryQueries.inFlight). */
    public interface InFlight {
        boolean inFlight(String requestId, String vendor);
    }

    private final Path dir;
    private final Intake intake;
    private final InFlight store;
    private final DeadLetterIndex index;

    public DeadLetterReplay(DeadLetterIndex index, Intake intake, InFlight store) {
        this.dir = index.dir();
        this.index = index;
        this.intake = intake;
        this.store = store;
    }

    /** One dead letter file and its record. */
    public record Letter(Path file, ObjectNode record) {
    }

    /**
     * The dead letters not yet replayed that the store's index finds for {@code query} and {@code filter} matches,
     * newest first, at most {@code limit}: only the files listed are read.
     */
    public List<Letter> list(DeadLetterIndex.Query query, Predicate<JsonNode> filter, int limit) {
        List<Letter> letters = new ArrayList<>();
        for (DeadLetterIndex.Entry entry : index.list(query, limit)) {
            ObjectNode record = read(entry.file());
            if (record != null && filter.test(record)) {
                letters.add(new Letter(entry.file(), record));
            }
        }
        return letters;
    }

    /** Replays the dead letters {@code query} finds and {@code filter} matches; returns how many were sent again. */
    public int replay(DeadLetterIndex.Query query, Predicate<JsonNode> filter) {
        int replayed = 0;
        // oldest first, by when each was first attempted: updates of one record then go out again in the order they
        // were accepted, and the newer data ends up at the vendor (newest first, the older update would be sent last)
        List<Letter> letters = new ArrayList<>(list(query, filter, Integer.MAX_VALUE));
        letters.sort(Comparator.comparingLong((Letter l) -> firstAttempt(l.record()))
                .thenComparingLong(l -> modified(l.file())));
        for (Letter letter : letters) {
            ObjectNode record = letter.record();
            String vendor = record.path("vendor").asText(null);
            if (!REPLAYABLE.contains(record.path("reason").asText()) || vendor == null
                    || !record.path("request").isObject()) {
                continue;
            }
            if (store.inFlight(record.path("requestId").asText(), vendor)) {
                // its outcome is not recorded yet (the dispatch round that writes it has not run): replayed now,
                // it would count as already on its way; it is left for a later replay
                LOG.info("Dead letter {} not replayed yet: its delivery is still being recorded",
                        SafeText.value(letter.file().getFileName().toString()));
                continue;
            }
            ObjectNode source = record.path("source").isObject() ? ((ObjectNode) record.path("source")).deepCopy()
                    : Json.object();
            source.put("replayedFrom", letter.file().getFileName().toString());
            Resubmitted result = intake.resubmit(record.path("request"), source, vendor);
            if (result == Resubmitted.ACCEPTED) {
                replayed++;
            }
            if (result != Resubmitted.REFUSED) {
                moveToReplayed(letter.file());
                LOG.info("Dead letter {} replayed: {}", SafeText.value(letter.file().getFileName().toString()),
                        result == Resubmitted.ALREADY_THERE ? "already delivered or on its way, not sent again"
                                : "to be delivered again to " + vendor);
            }
        }
        return replayed;
    }

    private void moveToReplayed(Path file) {
        try {
            Path target = dir.resolve(".replayed");
            Files.createDirectories(target);
            Files.move(file, target.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            index.remove(List.of(file.getFileName().toString()));
        } catch (IOException e) {
            LOG.warn("Replayed dead letter {} could not be moved to .replayed/: {}", file.getFileName(),
                    SafeText.value(e.getMessage()));
        }
    }

    private static ObjectNode read(Path file) {
        try {
            JsonNode node = Json.MAPPER.readTree(file.toFile());
            return node instanceof ObjectNode object ? object : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static long firstAttempt(JsonNode record) {
        try {
            return java.time.Instant.parse(record.path("firstAttemptAt").asText()).toEpochMilli();
        } catch (RuntimeException none) {
            return Long.MAX_VALUE;
        }
    }

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }
}
