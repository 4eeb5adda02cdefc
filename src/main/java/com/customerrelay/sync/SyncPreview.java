package com.customerrelay.sync;

import com.customerrelay.core.FatalErrors;
import com.customerrelay.intake.IntakeItem;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /sync/{job}/preview}: the first requests a job's next run would hand over, read from its source as a
 * run reads it and compared with the fingerprints a run compares them with ({@link SyncHandover#changes}), but
 * outside the run lock, with no fingerprint recorded and no file moved. Rows that make no request come as the
 * items the acceptance would dead-letter.
 */
public final class SyncPreview {

    /** What a preview found: the first items a run would hand over, and the files a run would move to .failed/. */
    public record Found(List<IntakeItem> items, List<String> problems) {
    }

    /** A job whose source cannot be previewed: it cannot be read, or it lacks a column the job names. */
    public static final class Failed extends Exception {
        Failed(String message) {
            super(message, null, false, false);
        }
    }

    private final SyncHandover handover;
    private final long fileMinAgeMs;
    private final int batchSize;

    SyncPreview(SyncHandover handover, long fileMinAgeMs, int batchSize) {
        this.handover = handover;
        this.fileMinAgeMs = fileMinAgeMs;
        this.batchSize = batchSize;
    }

    Found firstRequests(SyncJob job, SyncMapping mapping, boolean baseline, int limit) throws Failed {
        List<IntakeItem> items = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        try {
            if (job.source().equals("jdbc")) {
                try (JdbcRows rows = new JdbcRows(job)) {
                    String lacking = mapping.lacking(rows.columns(), "the query's result");
                    if (lacking != null) {
                        throw new Failed(lacking);
                    }
                    read(job, mapping, rows, null, baseline, items, limit);
                }
            } else {
                // the files a run would read now, in its order
                for (Path file : CsvFolder.ready(job.csvDir(), fileMinAgeMs)) {
                    if (items.size() >= limit) {
                        break;
                    }
                    String name = file.getFileName().toString();
                    try (CsvRows rows = new CsvRows(file, job.delimiter())) {
                        String lacking = mapping.lacking(rows.columns(), name);
                        if (lacking != null) {
                            problems.add(lacking + "; a run moves it to .failed/");
                            continue;
                        }
                        read(job, mapping, rows, name, baseline, items, limit);
                    } catch (IOException e) {
                        problems.add(name + " cannot be read to the end (" + CsvRows.unreadable(e)
                                + "); a run moves it to .failed/");
                    }
                }
            }
        } catch (Failed e) {
            throw e;
        } catch (SQLException e) {
            throw new Failed("the source query failed: " + e.getMessage());
        } catch (Exception e) {
            FatalErrors.check(e, "sync job " + job.name());
            throw new Failed(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        return new Found(items.size() > limit ? List.copyOf(items.subList(0, limit)) : items, problems);
    }

    /** Adds what a run would hand over of {@code rows}, a batch at a time, until {@code items} holds {@code limit}. */
    private void read(SyncJob job, SyncMapping mapping, RowReader rows, String file, boolean baseline,
                      List<IntakeItem> items, int limit) throws Exception {
        List<SyncRow> batch = new ArrayList<>(batchSize);
        for (SyncRow row; items.size() < limit && (row = rows.next()) != null; ) {
            batch.add(row);
            if (batch.size() == batchSize) {
                items.addAll(handover.changes(job, mapping, batch, file, baseline).items());
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            items.addAll(handover.changes(job, mapping, batch, file, baseline).items());
        }
    }
}
