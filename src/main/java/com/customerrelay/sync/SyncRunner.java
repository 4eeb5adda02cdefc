package com.customerrelay.sync;

import com.customerrelay.core.FatalErrors;
import com.customerrelay.core.Json;
import com.customerrelay.core.SafeText;
import com.customerrelay.core.Secrets;
import com.customerrelay.core.VendorProfile;
import com.customerrelay.delivery.Dispatcher;
import com.customerrelay.intake.RequestIntake;
import com.customerrelay.observe.RelayMetrics;
import com.customerrelay.store.StateStore;
import com.customerrelay.store.StoreUnavailableException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs the scheduled sync jobs (PRODUCT.md §2a). The job's Quartz route ({@code routes/sync.camel.yaml}) or
 * {@code POST /sync/{job}/run} starts a run; it takes the job's run lock in the state store, so that one relay of
 * several sharing the store runs it at a time, then reads the source as a stream, a batch of rows at a time. Each
 * batch's rows are made into requests and fingerprints; the rows whose fingerprint differs from the one last handed
 * over are handed to the same acceptance as every intake, their fingerprints recorded in the same transaction, so a
 * run that dies is redone by the next one without sending a row twice.
 */
public final class SyncRunner implements Service {

    private static final Logger LOG = LoggerFactory.getLogger(SyncRunner.class);
    private static final int BATCH = 500;
    private static final int PROGRESS_EVERY = 10_000;

    /** What {@link #start} did. */
    public enum Start { STARTED, RUNNING, UNKNOWN }

    private final Map<String, SyncJob> jobs = new LinkedHashMap<>();
    private final Map<String, SyncMapping> mappings = new HashMap<>();
    private final SyncStore syncStore;
    private final SyncHandover handover;
    private final RequestIntake intake;
    private final long leaseMs;
    private final long fileMinAgeMs;
    private final String owner;
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private ExecutorService runs;
    private ScheduledExecutorService heartbeat;
    private volatile boolean stopping;

    public SyncRunner(List<SyncJob> jobs, Map<String, VendorProfile> profiles, StateStore store,
                      RequestIntake intake, Dispatcher dispatcher, RelayMetrics metrics, long leaseMs,
                      long fileMinAgeMs) {
        for (SyncJob job : jobs) {
            this.jobs.put(job.name(), job);
            this.mappings.put(job.name(), new SyncMapping(job, profiles));
        }
        this.syncStore = new SyncStore(store);
        this.intake = intake;
        this.leaseMs = leaseMs;
        this.fileMinAgeMs = fileMinAgeMs;
        this.owner = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);
        this.handover = new SyncHandover(syncStore, intake, dispatcher, metrics, owner, leaseMs);
        if (!jobs.isEmpty()) {
            syncStore.addJobs(this.jobs.keySet());
            if (!store.shared()) {
                // the embedded store has this relay as its only user: a lock left by a run it was running when it
                // was killed is its own, and is let go at once rather than when the lease ends
                this.jobs.keySet().forEach(syncStore::releaseAny);
            }
        }
    }

    /** The executors runs and lease renewals go on; given by Camel's executor service manager. */
    public void setExecutors(ExecutorService runs, ScheduledExecutorService heartbeat) {
        this.runs = runs;
        this.heartbeat = heartbeat;
    }

    /** From the job's Quartz route: starts a run unless one is going on (here or on another relay). */
    public void fire(String job) {
        Start start = start(job);
        if (start == Start.RUNNING) {
            LOG.info("Sync job {}: scheduled run not started, a run is going on", job);
        }
    }

    /** Starts a run of {@code job} now, on a thread of its own. */
    public Start start(String job) {
        SyncJob sync = jobs.get(job);
        if (sync == null) {
            return Start.UNKNOWN;
        }
        if (stopping || !running.add(job)) {
            return Start.RUNNING;
        }
        try {
            if (!syncStore.tryLock(job, owner, leaseMs)) {
                running.remove(job);
                return Start.RUNNING;
            }
        } catch (RuntimeException e) {
            running.remove(job);
            throw e;
        }
        try {
            runs.execute(() -> {
                try {
                    run(sync);
                } finally {
                    running.remove(job);
                }
            });
        } catch (RuntimeException e) {
            running.remove(job);
            syncStore.finish(job, owner, false, "{\"status\":\"failed\",\"error\":\"the run could not be started\"}");
            throw e;
        }
        return Start.STARTED;
    }

    /** A run cannot go on (the lock is lost, the relay stops, the source is wrong). */
    private static final class RunStopped extends RuntimeException {
        RunStopped(String message) {
            super(message, null, false, false);
        }
    }

    private void run(SyncJob job) {
        SyncRun run = new SyncRun();
        String error = null;
        var beat = heartbeat.scheduleAtFixedRate(() -> {
            try {
                if (!syncStore.renew(job.name(), owner, leaseMs)) {
                    run.lockLost = true;
                }
            } catch (RuntimeException e) {
                LOG.warn("Sync job {}: the run lock could not be renewed: {}", job.name(),
                        SafeText.value(e.getMessage()));
            }
        }, leaseMs / 3, leaseMs / 3, TimeUnit.MILLISECONDS);
        try {
            boolean baseline = baseline(job);
            LOG.info("Sync job {}: run started ({} source{})", job.name(), job.source(),
                    baseline ? "; first run with first-run=baseline: rows are recorded, nothing is sent" : "");
            if (job.source().equals("jdbc")) {
                try (JdbcRows rows = new JdbcRows(job)) {
                    String lacking = mappings.get(job.name()).lacking(rows.columns(), "the query's result");
                    if (lacking != null) {
                        throw new RunStopped(lacking);
                    }
                    pump(job, rows, null, run, baseline);
                }
            } else {
                // a file still being written (changed within relay.inbox.read-lock-min-age-ms) waits for the next run
                for (Path file : CsvFolder.ready(job.csvDir(), fileMinAgeMs)) {
                    readCsv(job, file, run, baseline);
                }
            }
        } catch (RunStopped | StoreUnavailableException e) {
            error = e.getMessage();
        } catch (SQLException e) {
            error = "the source query failed: " + e.getMessage();
        } catch (Exception e) {
            FatalErrors.check(e, "sync job " + job.name());
            error = e.getClass().getSimpleName() + ": " + e.getMessage();
        } finally {
            beat.cancel(false);
        }
        finish(job, run, error == null ? null : SafeText.value(Secrets.mask(error)));
    }

    /**
     * Whether the job's next run is a baseline: first-run=baseline holds until a run has completed and rows have
     * been seen (a first run over an empty folder or table is no baseline for the rows that come later).
     */
    private boolean baseline(SyncJob job) {
        return job.baseline() && (syncStore.state(job.name()).completedRuns() == 0
                || !syncStore.hasFingerprints(job.name()));
    }

    /**
     * The first {@code limit} requests the job's next run would hand over ({@link SyncPreview}); null for a job not
     * configured.
     */
    public SyncPreview.Found preview(String name, int limit) throws SyncPreview.Failed {
        SyncJob job = jobs.get(name);
        return job == null ? null : new SyncPreview(handover, fileMinAgeMs, BATCH)
                .firstRequests(job, mappings.get(name), baseline(job), limit);
    }

    private void readCsv(SyncJob job, Path file, SyncRun run, boolean baseline) throws Exception {
        String name = file.getFileName().toString();
        String why;
        try (CsvRows rows = new CsvRows(file, job.delimiter())) {
            why = mappings.get(job.name()).lacking(rows.columns(), name);
            if (why == null) {
                pump(job, rows, name, run, baseline);
            }
        } catch (IOException e) {
            why = CsvRows.unreadable(e);
        }
        if (why != null) {
            LOG.warn("Sync job {}: CSV file {} could not be read and was moved to .failed/: {}", job.name(),
                    SafeText.value(name), SafeText.value(why));
            CsvFolder.moveTo(file, ".failed", name + " could not be read to the end by sync job " + job.name() + " at "
                    + Instant.now() + ": " + why + "\nRows before the failure may have been handed over; once the "
                    + "file is mended, put it back in the folder: rows handed over already are not sent twice.\n");
            run.failedFiles.add(name);
            return;
        }
        CsvFolder.moveTo(file, ".done", null);
        run.doneFiles.add(name);
    }

    private void pump(SyncJob job, RowReader rows, String file, SyncRun run, boolean baseline) throws Exception {
        List<SyncRow> batch = new ArrayList<>(BATCH);
        for (SyncRow row; (row = rows.next()) != null; ) {
            if (stopping) {
                throw new RunStopped("the relay stopped during the run; the next run goes on from there");
            }
            if (run.lockLost) {
                throw new RunStopped("the run lock was lost (the store was away longer than the lease); another "
                        + "run takes over");
            }
            run.read++;
            batch.add(row);
            if (batch.size() == BATCH) {
                handover.handOver(job, mappings.get(job.name()), batch, file, run, baseline);
                batch.clear();
            }
            if (run.read % PROGRESS_EVERY == 0) {
                LOG.info("Sync job {}: {} rows read ({} changed, {} unchanged, {} invalid)", job.name(), run.read,
                        run.changed, run.unchanged, run.invalid);
            }
        }
        handover.handOver(job, mappings.get(job.name()), batch, file, run, baseline);
    }


    private void finish(SyncJob job, SyncRun run, String error) {
        double seconds = run.seconds();
        ObjectNode report = run.report(job, error, owner);
        intake.reportRead(job.name());
        if (error == null) {
            LOG.info("Sync job {}: run completed in {} s: {} rows read, {} changed, {} unchanged, {} invalid{}",
                    job.name(), String.format(Locale.ROOT, "%.1f", seconds), run.read, run.changed, run.unchanged,
                    run.invalid, run.baseline > 0 ? ", " + run.baseline + " recorded as the baseline" : "");
        } else {
            LOG.warn("Sync job {}: run failed after {} s and {} rows ({} changed, {} unchanged, {} invalid): {}; the "
                            + "next run tries again", job.name(), String.format(Locale.ROOT, "%.1f", seconds),
                    run.read, run.changed, run.unchanged, run.invalid, error);
        }
        // the lock is let go after the log line, so that a run's lines never interleave with the next run's
        try {
            syncStore.finish(job.name(), owner, error == null, Json.write(report));
        } catch (RuntimeException e) {
            LOG.warn("Sync job {}: the run's report could not be kept in the store ({}); its lock ends with its "
                    + "lease", job.name(), SafeText.value(e.getMessage()));
        }
    }

    /** The jobs of relay.sync.jobs, in their order. */
    public Collection<SyncJob> jobs() {
        return jobs.values();
    }

    /** The run lock and last report of {@code job} as the store keeps them. */
    public SyncRunState state(String job) {
        return syncStore.state(job);
    }

    @Override
    public void start() {
        stopping = false;
    }

    @Override
    public void stop() {
        stopping = true;
        long until = System.currentTimeMillis() + 10_000;
        while (!running.isEmpty() && System.currentTimeMillis() < until) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
