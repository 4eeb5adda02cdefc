package com.customerrelay.sync;

import java.util.Map;

/**
 * One row read from a sync job's source: its cells by lower-cased column name (String, Number, Boolean,
 * {@link java.time.Instant}, {@link java.time.LocalDate}, a List, or null), the line or row number it was read at,
 * and — for a row that could not be read as one (a CSV line with the wrong number of cells) — why.
 */
record SyncRow(long line, Map<String, Object> cells, String problem) {
}
