package com.customerrelay.intake;

import com.customerrelay.core.Json;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Reads a dropped file as a stream of {@link IntakeItem}s, never the whole file in memory: {@code *.ndjson} and
 * {@code *.jsonl} line by line (a bad line is an item with a parse error), {@code *.json} as one request or an array
 * of requests. A .json file is first checked to be well-formed JSON through to its end, so a truncated or non-JSON
 * file delivers nothing and is refused whole.
 */
public final class RequestFileReader {

    static final int BATCH = 200;

    /** The file's requests in batches of up to {@value #BATCH}, each to be taken in one store transaction. */
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
            while (batch.size() < BATCH && items.hasNext()) {
                batch.add(items.next());
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
                return new LineItems(file, name);
            }
            checkWellFormed(file);
            return new JsonItems(file, name);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }

    private static void checkWellFormed(File file) throws IOException {
        try (JsonParser parser = Json.MAPPER.getFactory().createParser(file)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new UnreadableFileException(file.getName() + " is empty: a .json file must hold one request "
                        + "or an array of requests");
            }
            parser.skipChildren();
            if (parser.nextToken() != null) {
                JsonLocation at = parser.currentTokenLocation();
                throw new UnreadableFileException(file.getName() + " is not valid JSON: unexpected content after the "
                        + "first value at line " + at.getLineNr() + ", column " + at.getColumnNr()
                        + " (use .ndjson for one request per line)");
            }
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new UnreadableFileException(file.getName() + " is not valid JSON"
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")")
                    + ": " + e.getOriginalMessage());
        }
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

    /** One request per non-blank line. */
    private static final class LineItems implements Iterator<IntakeItem>, Closeable {
        private final BufferedReader reader;
        private final String name;
        private int lineNo;
        private IntakeItem next;
        private boolean closed;

        LineItems(File file, String name) throws IOException {
            this.reader = Files.newBufferedReader(file.toPath(), StandardCharsets.UTF_8);
            this.name = name;
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
                String line;
                while ((line = reader.readLine()) != null) {
                    lineNo++;
                    if (lineNo == 1 && line.startsWith("\uFEFF")) {
                        line = line.substring(1);
                    }
                    if (line.isBlank()) {
                        continue;
                    }
                    next = parse(line);
                    return true;
                }
                close();
                return false;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + name + " at line " + (lineNo + 1), e);
            }
        }

        private IntakeItem parse(String line) {
            ObjectNode source = source(name, lineNo);
            try {
                return new IntakeItem(Json.parse(line), null, null, source);
            } catch (JsonProcessingException e) {
                return new IntakeItem(null, line, "line " + lineNo + " of " + name + " is not valid JSON: "
                        + e.getOriginalMessage(), source);
            }
        }

        @Override
        public IntakeItem next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            IntakeItem item = next;
            next = null;
            return item;
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                reader.close();
            }
        }
    }

    /** One request, or each element of a top-level array, with the line each starts on. */
    private static final class JsonItems implements Iterator<IntakeItem>, Closeable {
        private final JsonParser parser;
        private final String name;
        private final boolean array;
        private IntakeItem next;
        private boolean done;

        JsonItems(File file, String name) throws IOException {
            this.parser = Json.MAPPER.getFactory().createParser(file);
            this.name = name;
            JsonToken first = parser.nextToken();
            this.array = first == JsonToken.START_ARRAY;
            if (!array) {
                int line = parser.currentTokenLocation().getLineNr();
                JsonNode node = Json.MAPPER.readTree(parser);
                next = new IntakeItem(node, null, null, source(name, line > 1 ? line : null));
                done = true;
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
                int line = parser.currentTokenLocation().getLineNr();
                JsonNode node = Json.MAPPER.readTree(parser);
                next = new IntakeItem(node, null, null, source(name, line));
                return true;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + name, e);
            }
        }

        @Override
        public IntakeItem next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            IntakeItem item = next;
            next = null;
            return item;
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
