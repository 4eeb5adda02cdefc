package com.customerrelay.sync;

/** A sync job's run lock and last report, as the state store keeps them (relay_sync_run). */
public record SyncRunState(boolean running, String owner, Long startedAt, long completedRuns, String lastReportJson) {
}
