package com.customerrelay.sync;

import com.customerrelay.core.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** What one run of a sync job came to, as counted while it goes, and its report (GET /sync/{job}'s lastRun). */
final class SyncRun {

    final long started = System.currentTimeMillis();
    long read;
    long changed;
    long unchanged;
    long invalid;
    long baseline;
    final List<String> doneFiles = new ArrayList<>();
    final List<String> failedFiles = new ArrayList<>();
    volatile boolean lockLost;

    double seconds() {
        return (System.currentTimeMillis() - started) / 1000.0;
    }

    /** The report of the run as it ended ({@code error} null: completed), by relay {@code owner}. */
    ObjectNode report(SyncJob job, String error, String owner) {
        ObjectNode report = Json.object();
        report.put("status", error == null ? "completed" : "failed");
        report.put("startedAt", Instant.ofEpochMilli(started).toString());
        report.put("finishedAt", Instant.now().toString());
        report.put("seconds", Math.round(seconds() * 10) / 10.0);
        report.put("rowsRead", read);
        report.put("changed", changed);
        report.put("unchanged", unchanged);
        report.put("invalid", invalid);
        if (baseline > 0) {
            report.put("baseline", baseline);
        }
        if (job.source().equals("csv")) {
            // at most 50 names each, so that the report stays within what the store keeps of it
            ArrayNode done = report.putArray("files");
            doneFiles.stream().limit(50).forEach(done::add);
            ArrayNode failed = report.putArray("failedFiles");
            failedFiles.stream().limit(50).forEach(failed::add);
            report.put("fileCount", doneFiles.size());
            report.put("failedFileCount", failedFiles.size());
        }
        if (error != null) {
            report.put("error", error);
        }
        report.put("relay", owner);
        return report;
    }
}
