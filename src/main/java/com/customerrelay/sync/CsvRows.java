package com.customerrelay.sync;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The rows of one CSV export, read as a stream with Jackson's CSV parser: a header row, then one record per row
 * (quoted cells may hold the delimiter, quotes and line breaks), UTF-8 with or without a byte order mark. A row
 * whose number of cells differs from the header's is handed on with its problem, so the job dead-letters it and
 * goes on; text that is not UTF-8, or CSV that does not parse (an unclosed quote), fails the file.
 */
final class CsvRows implements RowReader {

    private static final CsvFactory FACTORY = new CsvFactory();

    private final Reader reader;
    private final CsvParser parser;
    private final List<String> columns = new ArrayList<>();
    private final List<String> lower = new ArrayList<>();
    /** The line the last record read starts at (a quoted cell may hold line breaks). */
    private long lineOfRecord;

    /** Why a file could not be read to the end, as a run's report and a preview say it. */
    static String unreadable(IOException failure) {
        return failure instanceof CharacterCodingException ? "it is not UTF-8 text" : failure.getMessage();
    }

    CsvRows(Path file, char delimiter) throws IOException {
        reader = new BufferedReader(new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8
                .newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)), 64 * 1024);
        try {
            // a byte order mark is dropped before the parser sees it (Jackson drops one only from bytes): left in,
            // it would make a quoted first header cell unquoted text
            reader.mark(1);
            if (reader.read() != '\uFEFF') {
                reader.reset();
            }
            parser = FACTORY.createParser(reader);
            parser.setSchema(CsvSchema.emptySchema().withColumnSeparator(delimiter));
            parser.enable(CsvParser.Feature.WRAP_AS_ARRAY);
            parser.enable(CsvParser.Feature.SKIP_EMPTY_LINES);
            // with WRAP_AS_ARRAY the whole file is one array of records
            JsonToken outer = parser.nextToken();
            List<String> header = outer == JsonToken.START_ARRAY ? record() : null;
            if (header == null) {
                throw new IOException("the file is empty: a CSV export starts with a header row");
            }
            for (int i = 0; i < header.size(); i++) {
                String name = header.get(i).trim();
                if (name.isEmpty()) {
                    throw new IOException("column " + (i + 1) + " of the header row has no name");
                }
                if (lower.contains(name.toLowerCase(Locale.ROOT))) {
                    throw new IOException("the header row names column '" + name + "' twice");
                }
                columns.add(name);
                lower.add(name.toLowerCase(Locale.ROOT));
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public List<String> columns() {
        return columns;
    }

    @Override
    public SyncRow next() throws IOException {
        List<String> cells = record();
        if (cells == null) {
            return null;
        }
        long line = lineOfRecord;
        Map<String, Object> byName = new HashMap<>();
        for (int i = 0; i < Math.min(cells.size(), columns.size()); i++) {
            byName.put(lower.get(i), cells.get(i));
        }
        if (cells.size() != columns.size()) {
            // kept with the cells it has, for its dead letter
            return new SyncRow(line, byName, "line " + line + " has " + cells.size() + " cells, the header row has "
                    + columns.size());
        }
        return new SyncRow(line, byName, null);
    }

    /** The next record's cells, or null at the end of the file. */
    private List<String> record() throws IOException {
        JsonToken token = parser.nextToken();
        if (token == null || token == JsonToken.END_ARRAY) {
            return null;
        }
        if (token != JsonToken.START_ARRAY) {
            throw new IOException("unexpected CSV token " + token);
        }
        List<String> cells = new ArrayList<>();
        for (token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
            if (token == null) {
                throw new IOException("the file ends inside a record that starts at line " + lineOfRecord);
            }
            if (cells.isEmpty()) {
                lineOfRecord = parser.currentTokenLocation().getLineNr();
            }
            cells.add(parser.getValueAsString());
        }
        return cells;
    }

    @Override
    public void close() {
        try {
            reader.close();
        } catch (IOException ignored) {
            // read only
        }
    }
}
