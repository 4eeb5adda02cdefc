package com.customerrelay.sync;

import com.customerrelay.core.Json;
import com.customerrelay.core.SafeText;
import com.customerrelay.delivery.Acceptance;
import com.customerrelay.delivery.Dispatcher;
import com.customerrelay.intake.IntakeItem;
import com.customerrelay.intake.RequestIntake;
import com.customerrelay.observe.RelayMetrics;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One batch of a sync run's rows handed over: each row made into a request and a fingerprint, the rows whose
 * fingerprint differs from the one last handed over given to the same acceptance as every intake, their
 * fingerprints recorded in the same transaction, which also checks that the run still holds its lock.
 */
final class SyncHandover {

    private static final Logger LOG = LoggerFactory.getLogger(SyncHandover.class);

    private final SyncStore syncStore;
    private final RequestIntake intake;
    private final Dispatcher dispatcher;
    private final RelayMetrics metrics;
    private final String owner;
    private final long leaseMs;

    SyncHandover(SyncStore syncStore, RequestIntake intake, Dispatcher dispatcher, RelayMetrics metrics, String owner,
                 long leaseMs) {
        this.syncStore = syncStore;
        this.intake = intake;
        this.dispatcher = dispatcher;
        this.metrics = metrics;
        this.owner = owner;
        this.leaseMs = leaseMs;
    }

    /**
     * Makes the rows of one batch into requests and hands the changed ones over, with their fingerprints, in one
     * transaction that also checks the run still holds its lock. In a baseline run a row whose key has no
     * fingerprint yet is only recorded; one that has (from an earlier baseline run that did not complete) is
     * handed over when it changed, so a baseline run that is redone loses no change.
     */
    void handOver(SyncJob job, SyncMapping mapping, List<SyncRow> batch, String file, SyncRun run,
                  boolean baseline) {
        if (batch.isEmpty()) {
            return;
        }
        Changes changes = changes(job, mapping, batch, file, baseline);
        Map<String, String> record = changes.record();
        long invalidRows = changes.invalidRows();
        long changedRows = 0;
        run.baseline += changes.baselineRows();
        List<RequestIntake.Receipt> receipts = intake.acceptWith(changes.items(), (c, now, deliveries, results) -> {
            SyncStore.fence(c, now, job.name(), owner, leaseMs);
            // a request whose id is in flight now (the record changed back to a state whose delivery is being
            // attempted) was not taken: its fingerprint is not recorded, so the next run hands it over again
            for (int i = 0; i < deliveries.size(); i++) {
                if (results.get(i) == Acceptance.DUPLICATE) {
                    String key = changes.keyOfRequest().get(deliveries.get(i).requestId());
                    if (key != null && record.remove(key) != null) {
                        LOG.info("Sync job {}: {} changed back to a state whose delivery is being attempted; the "
                                + "next run hands it over again", job.name(), SafeText.value(key));
                    }
                }
            }
            SyncStore.record(c, now, job.name(), record, changes.before().keySet());
        });
        for (RequestIntake.Receipt receipt : receipts) {
            if (receipt.item().json() == null) {
                continue; // counted above
            }
            if (receipt.accepted().isEmpty() && receipt.duplicates().isEmpty()) {
                invalidRows++;
            } else {
                changedRows++;
            }
        }
        if (!changes.items().isEmpty()) {
            dispatcher.dispatch();
        }
        long unchangedRows = changes.unchangedRows();
        run.changed += changedRows;
        run.invalid += invalidRows;
        run.unchanged += unchangedRows;
        if (metrics != null) {
            metrics.syncRows(job.name(), "changed", changedRows);
            metrics.syncRows(job.name(), "unchanged", unchangedRows);
            metrics.syncRows(job.name(), "invalid", invalidRows);
        }
    }

    /**
     * What a run hands over of one batch, nothing recorded: the rows made into requests, the changed ones (and rows
     * that make no request, dead-lettered once and again only when they change) as items for the acceptance, the
     * fingerprints to record with them, and the counts. {@code POST /sync/{job}/preview} shows the items alone.
     */
    Changes changes(SyncJob job, SyncMapping mapping, List<SyncRow> batch, String file, boolean baseline) {
        List<Object> built = new ArrayList<>(batch.size());
        List<String> keys = new ArrayList<>();
        for (SyncRow row : batch) {
            Object made;
            if (row.problem() != null) {
                made = new SyncMapping.RowProblem(row.problem());
            } else {
                try {
                    made = mapping.build(row);
                    keys.add(((SyncMapping.Built) made).key());
                } catch (SyncMapping.RowProblem problem) {
                    made = problem;
                    String key = mapping.keyOf(row);
                    if (key != null) {
                        keys.add(key);
                    }
                }
            }
            built.add(made);
        }
        Map<String, String> before = syncStore.fingerprints(job.name(), keys.stream().distinct().toList());
        Map<String, String> seen = new HashMap<>(before);
        Map<String, String> record = new LinkedHashMap<>();
        Map<String, String> keyOfRequest = new HashMap<>();
        List<IntakeItem> items = new ArrayList<>();
        long invalidRows = 0;
        long unchangedRows = 0;
        long baselineRows = 0;
        for (int i = 0; i < batch.size(); i++) {
            SyncRow row = batch.get(i);
            ObjectNode source = Json.object().put("intake", "sync").put("name", job.name());
            if (file != null) {
                source.put("file", file);
            }
            source.put("line", row.line());
            if (built.get(i) instanceof SyncMapping.Built request) {
                if (request.fingerprint().equals(seen.get(request.key()))) {
                    unchangedRows++;
                    continue;
                }
                boolean recordOnly = baseline && !seen.containsKey(request.key());
                seen.put(request.key(), request.fingerprint());
                record.put(request.key(), request.fingerprint());
                if (recordOnly) {
                    baselineRows++;
                } else {
                    keyOfRequest.put(request.id(), request.key());
                    items.add(new IntakeItem(request.request(), null, null, source));
                }
            } else {
                // a row that makes no request: dead-lettered once, and again only when it changes
                String key = row.problem() == null ? mapping.keyOf(row) : null;
                String raw = "row:" + mapping.rowHash(row);
                if (key != null && raw.equals(seen.get(key))) {
                    unchangedRows++;
                    continue;
                }
                boolean recordOnly = baseline && key != null && !seen.containsKey(key);
                if (key != null) {
                    seen.put(key, raw);
                    record.put(key, raw);
                }
                invalidRows++;
                if (!recordOnly) {
                    String where = "sync job " + job.name() + ", " + (file == null ? "row " : "file " + file + " line ")
                            + row.line() + ": ";
                    items.add(new IntakeItem(null, mapping.rawText(row), where
                            + ((RuntimeException) built.get(i)).getMessage(), source));
                }
            }
        }
        return new Changes(items, before, record, keyOfRequest, invalidRows, unchangedRows, baselineRows);
    }

    /** One batch's part of a run ({@link #changes}): {@code before} the fingerprints the store held for its keys. */
    record Changes(List<IntakeItem> items, Map<String, String> before, Map<String, String> record,
                   Map<String, String> keyOfRequest, long invalidRows, long unchangedRows, long baselineRows) {
    }
}
