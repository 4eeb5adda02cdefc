package com.customerrelay.intake;

import com.customerrelay.core.Json;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Reads a dropped file as a stream of {@link IntakeItem}s, never the whole file in memory: {@code *.ndjson} and
 * {@code *.jsonl} line by line (a bad line is an item with a parse error), {@code *.json} as one request or an array
 * of requests. A .json file is first checked to be well-formed JSON through to its end, so a truncated or non-JSON
 * file delivers nothing and is refused whole.
 */
public final class RequestFileReader {

    static final int BATCH = 200;
    /**
     * A batch also ends once its requests add up to this many bytes: 200 requests just under the 1 MiB limit would
     * otherwise be held at once (200 MiB, and their parsed trees beside them).
     */
    static final long BATCH_BYTES = 8L * 1024 * 1024;
    /** How much of an oversized request is kept for its dead letter, in bytes. */
    public static final int OVERSIZED_HEAD_BYTES = 300;

    private final int maxRequestBytes;

    /** @param maxRequestBytes relay.intake.max-request-bytes: a larger line or array element is refused unread */
    public RequestFileReader(int maxRequestBytes) {
        this.maxRequestBytes = maxRequestBytes;
    }

    /**
     * The file's requests in batches of up to {@value #BATCH} requests or {@link #BATCH_BYTES} bytes, each to be
     * taken in one store transaction.
     */
    public Iterator<List<IntakeItem>> batches(File file) {
        Iterator<IntakeItem> items = items(file);
        return new Batches(items);
    }

    private static final class Batches implements Iterator<List<IntakeItem>>, Closeable {
        private final Iterator<IntakeItem> items;

        Batches(Iterator<IntakeItem> items) {
            this.items = items;
        }

        @Override
        public boolean hasNext() {
            return items.hasNext();
        }

        @Override
        public List<IntakeItem> next() {
            if (!items.hasNext()) {
                throw new NoSuchElementException();
            }
            List<IntakeItem> batch = new ArrayList<>(BATCH);
            long bytes = 0;
            while (batch.size() < BATCH && bytes < BATCH_BYTES && items.hasNext()) {
                batch.add(items.next());
                bytes += items instanceof SizedItems sized ? sized.lastBytes() : 0;
            }
            return batch;
        }

        @Override
        public void close() throws IOException {
            if (items instanceof Closeable closeable) {
                closeable.close();
            }
        }
    }

    private Iterator<IntakeItem> items(File file) {
        String name = file.getName();
        String lower = name.toLowerCase();
        try {
            if (lower.endsWith(".ndjson") || lower.endsWith(".jsonl")) {
                return new LineItems(file, name, maxRequestBytes);
            }
            Map<Long, Long> oversized = checkWellFormed(file, maxRequestBytes);
            return new JsonItems(file, name, oversized, maxRequestBytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }

    /**
     * Reads the whole file once, holding nothing, to check that it is well-formed JSON; returns the requests (the
     * single top-level value as 0, or the array's elements by index) larger than {@code max} bytes, with their sizes.
     */
    private static Map<Long, Long> checkWellFormed(File file, int max) throws IOException {
        Map<Long, Long> oversized = new HashMap<>();
        try (JsonParser parser = Json.MAPPER.getFactory().createParser(file)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new UnreadableFileException(file.getName() + " is empty: a .json file must hold one request "
                        + "or an array of requests");
            }
            if (first == JsonToken.START_ARRAY) {
                // an element's size is the distance from its first byte to the next element's (or the array's end)
                long index = -1;
                long start = 0;
                JsonToken token;
                while ((token = parser.nextToken()) != JsonToken.END_ARRAY && token != null) {
                    long at = parser.currentTokenLocation().getByteOffset();
                    if (index >= 0 && at - start > max) {
                        oversized.put(index, at - start);
                    }
                    index++;
                    start = at;
                    parser.skipChildren();
                }
                long end = parser.currentTokenLocation().getByteOffset();
                if (index >= 0 && end - start > max) {
                    oversized.put(index, end - start);
                }
            } else {
                parser.skipChildren();
            }
            if (parser.nextToken() != null) {
                JsonLocation at = parser.currentTokenLocation();
                throw new UnreadableFileException(file.getName() + " is not valid JSON: unexpected content after the "
                        + "first value at line " + at.getLineNr() + ", column " + at.getColumnNr()
                        + " (use .ndjson for one request per line)");
            }
            if (first != JsonToken.START_ARRAY && file.length() > max) {
                oversized.put(0L, file.length());
            }
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new UnreadableFileException(file.getName() + " is not valid JSON"
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")")
                    + ": " + e.getOriginalMessage());
        }
        return oversized;
    }

    /** The item for a request over the size limit: refused as invalid, with only its start kept. */
    public static IntakeItem oversized(String what, String head, long bytes, int max, ObjectNode source) {
        return oversized(what, head, bytes, max, "one request (relay.intake.max-request-bytes)", source);
    }

    /** As {@link #oversized(String, String, long, int, ObjectNode)}, over the limit {@code limit} describes. */
    public static IntakeItem oversized(String what, String head, long bytes, long max, String limit,
                                       ObjectNode source) {
        return new IntakeItem(null, head + "…", what + " is " + bytes + " bytes, over the limit of " + max
                + " bytes for " + limit + ": refused without being read; only its start is kept here", source);
    }

    static ObjectNode source(String name, Integer line) {
        ObjectNode source = Json.object();
        source.put("intake", "file");
        source.put("name", name);
        if (line != null) {
            source.put("line", line);
        }
        return source;
    }

    /**
     * Items that know the size in the file of the one last handed out (what a batch holds of it): hasNext reads
     * ahead into {@code next} and {@code nextBytes}, next hands them out.
     */
    private abstract static class SizedItems implements Iterator<IntakeItem>, Closeable {
        protected IntakeItem next;
        protected long nextBytes;
        private long lastBytes;

        @Override
        public IntakeItem next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            IntakeItem item = next;
            next = null;
            lastBytes = nextBytes;
            return item;
        }

        long lastBytes() {
            return lastBytes;
        }
    }

    /** One request per non-blank line; a line over the size limit is refused without being held. */
    private static final class LineItems extends SizedItems {
        private final BoundedLines lines;
        private final String name;
        private final int max;
        private boolean closed;

        LineItems(File file, String name, int max) throws IOException {
            this.lines = new BoundedLines(Files.newInputStream(file.toPath()), max);
            this.name = name;
            this.max = max;
        }

        @Override
        public boolean hasNext() {
            if (next != null) {
                return true;
            }
            if (closed) {
                return false;
            }
            try {
                BoundedLines.Line line;
                while ((line = lines.next()) != null) {
                    nextBytes = line.oversized() ? OVERSIZED_HEAD_BYTES : line.bytes();
                    if (line.oversized()) {
                        next = oversized("line " + line.number() + " of " + name, line.head(), line.bytes(), max,
                                source(name, line.number()));
                        return true;
                    }
                    if (line.text().isBlank()) {
                        continue;
                    }
                    next = parse(line.text(), line.number());
                    return true;
                }
                close();
                return false;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + name, e);
            }
        }

        private IntakeItem parse(String line, int lineNo) {
            ObjectNode source = source(name, lineNo);
            try {
                return new IntakeItem(Json.parse(line), null, null, source);
            } catch (JsonProcessingException e) {
                return new IntakeItem(null, line, "line " + lineNo + " of " + name + " is not valid JSON: "
                        + e.getOriginalMessage(), source);
            }
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                lines.close();
            }
        }
    }

    /** One request, or each element of a top-level array, with the line each starts on. */
    private static final class JsonItems extends SizedItems {
        private final File file;
        private final JsonParser parser;
        private final String name;
        private final Map<Long, Long> oversized;
        private final int max;
        private long index = -1;
        private boolean done;

        JsonItems(File file, String name, Map<Long, Long> oversized, int max) throws IOException {
            this.file = file;
            this.parser = Json.MAPPER.getFactory().createParser(file);
            this.name = name;
            this.oversized = oversized;
            this.max = max;
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_ARRAY) {
                int line = parser.currentTokenLocation().getLineNr();
                next = item(line > 1 ? line : null, 0);
                done = true;
            }
        }

        /** The request at the parser's current token: read, or refused unread when over the size limit. */
        private IntakeItem item(Integer line, long at) throws IOException {
            Long size = oversized.get(at);
            if (size == null) {
                long start = parser.currentTokenLocation().getByteOffset();
                IntakeItem read = new IntakeItem(Json.MAPPER.readTree(parser), null, null, source(name, line));
                nextBytes = Math.max(parser.currentLocation().getByteOffset() - start, 0);
                return read;
            }
            nextBytes = OVERSIZED_HEAD_BYTES;
            String head = head(parser.currentTokenLocation().getByteOffset());
            parser.skipChildren();
            return oversized((at == 0 && line == null ? "the request" : "array element " + at) + " of " + name
                    + (line == null ? "" : " (line " + line + ")"), head, size, max, source(name, line));
        }

        private String head(long offset) throws IOException {
            try (RandomAccessFile in = new RandomAccessFile(file, "r")) {
                in.seek(offset);
                byte[] bytes = new byte[OVERSIZED_HEAD_BYTES];
                int n = Math.max(in.read(bytes), 0);
                return new String(bytes, 0, n, StandardCharsets.UTF_8);
            }
        }

        @Override
        public boolean hasNext() {
            if (next != null) {
                return true;
            }
            if (done) {
                close();
                return false;
            }
            try {
                JsonToken token = parser.nextToken();
                if (token == null || token == JsonToken.END_ARRAY) {
                    done = true;
                    close();
                    return false;
                }
                index++;
                next = item(parser.currentTokenLocation().getLineNr(), index);
                return true;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + name, e);
            }
        }

        @Override
        public void close() {
            try {
                parser.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }
}
