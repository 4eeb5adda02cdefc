package com.customerrelay.sync;

import com.customerrelay.core.SafeText;
import com.customerrelay.core.Secrets;
import com.customerrelay.core.VendorProfile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSetMetaData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A sync job's key and mapping columns checked against its source where the source can be read now (PRODUCT.md §9),
 * by {@code --check} and at every start. A query whose result lacks a column the job names is a {@code problem}
 * that stops the start; the first CSV export lacking one is only a {@code note} (that file's run moves it to
 * .failed/), and so is a source that cannot be read now (each run tries again). Nothing is made or moved.
 */
public record SyncSourceCheck(String problem, String note) {

    private static final SyncSourceCheck FINE = new SyncSourceCheck(null, null);

    public static SyncSourceCheck of(SyncJob job, Map<String, VendorProfile> profiles) {
        List<String> columns;
        try {
            columns = columns(job);
        } catch (Exception e) {
            return new SyncSourceCheck(null, "sync job " + job.name() + ": its source cannot be read now ("
                    + SafeText.value(Secrets.mask(String.valueOf(e.getMessage()))) + "); each run tries again");
        }
        String lacking = columns == null ? null : new SyncMapping(job, profiles).lacking(columns, "its source");
        if (lacking == null) {
            return FINE;
        }
        return job.source().equals("csv")
                ? new SyncSourceCheck(null, "sync job " + job.name() + ": the first CSV file in " + job.csvDir()
                        + ": " + lacking + "; a run moves it to .failed/")
                : new SyncSourceCheck("sync job " + job.name() + ": " + lacking, null);
    }

    /** The source's columns: the query's result (not run, only prepared), or the first CSV file's header. */
    private static List<String> columns(SyncJob job) throws Exception {
        if (job.source().equals("jdbc")) {
            try (Connection c = DriverManager.getConnection(job.jdbcUrl(), job.jdbcUser(), job.jdbcPassword());
                 PreparedStatement ps = c.prepareStatement(job.query())) {
                ResultSetMetaData meta = ps.getMetaData();
                if (meta == null) {
                    return null;
                }
                List<String> columns = new ArrayList<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    columns.add(meta.getColumnLabel(i));
                }
                return columns;
            }
        }
        Path dir = job.csvDir();
        if (!Files.isDirectory(dir)) {
            return null;
        }
        List<Path> files = CsvFolder.ready(dir, 0);
        if (files.isEmpty()) {
            return null;
        }
        try (CsvRows rows = new CsvRows(files.get(0), job.delimiter())) {
            return rows.columns();
        }
    }
}
