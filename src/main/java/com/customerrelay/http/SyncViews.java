package com.customerrelay.http;

import com.customerrelay.core.Json;
import com.customerrelay.core.SafeText;
import com.customerrelay.core.Secrets;
import com.customerrelay.intake.DryRun;
import com.customerrelay.sync.SyncJob;
import com.customerrelay.sync.SyncPreview;
import com.customerrelay.sync.SyncRunState;
import com.customerrelay.sync.SyncRunner;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.quartz.CronExpression;

import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.TimeZone;

/**
 * The sync jobs as GET /sync and GET /sync/{job} show them (settings, next run, whether one runs, the last report),
 * and as POST /sync/{job}/preview previews their next run.
 */
final class SyncViews {

    private final SyncRunner sync;

    SyncViews(SyncRunner sync) {
        this.sync = sync;
    }

    /**
     * POST /sync/{job}/preview, null for no such job: the first {@code limit} requests the job's next run would hand
     * over, as {@code dryRun} answers them, and {@code problems} naming the files a run would move to .failed/.
     */
    JsonNode preview(String job, int limit, DryRun dryRun) {
        SyncPreview.Found found;
        try {
            found = sync.preview(job, limit);
        } catch (SyncPreview.Failed e) {
            throw new ApiProblem(422, "sync job " + SafeText.value(job) + " cannot be previewed: "
                    + SafeText.value(Secrets.mask(e.getMessage())));
        }
        if (found == null) {
            return null;
        }
        ObjectNode answer = dryRun.answer(found.items());
        ArrayNode problems = answer.putArray("problems");
        found.problems().forEach(problem -> problems.add(Secrets.mask(problem)));
        return answer;
    }

    /** GET /sync/{job}, null for no such job: the job's settings that matter to an operator, whether it runs, and its last report. */
    public JsonNode describe(String name) {
        SyncJob job = sync.jobs().stream().filter(j -> j.name().equals(name)).findFirst().orElse(null);
        if (job == null) {
            return null;
        }
        ObjectNode out = Json.object();
        out.put("job", job.name());
        out.put("schedule", job.schedule());
        out.put("timeZone", job.timeZone().getId());
        out.put("source", job.source());
        out.put("kind", job.kind());
        out.put("firstRun", job.baseline() ? "baseline" : "send");
        out.put("empty", job.clearEmpty() ? "clear" : "keep");
        try {
            CronExpression cron = new CronExpression(job.schedule());
            cron.setTimeZone(TimeZone.getTimeZone(job.timeZone()));
            Date next = cron.getNextValidTimeAfter(new Date());
            out.put("nextRunAt", next == null ? null : next.toInstant().toString());
        } catch (ParseException e) {
            out.putNull("nextRunAt"); // checked at start
        }
        SyncRunState state = sync.state(name);
        out.put("running", state.running());
        if (state.running() && state.startedAt() != null) {
            out.put("runningSince", Instant.ofEpochMilli(state.startedAt()).toString());
        }
        out.put("completedRuns", state.completedRuns());
        JsonNode last = null;
        if (state.lastReportJson() != null) {
            try {
                last = Json.parse(state.lastReportJson());
            } catch (Exception e) {
                last = null;
            }
        }
        out.set("lastRun", last);
        return out;
    }

    /** GET /sync: every job. */
    public JsonNode describeAll() {
        ObjectNode out = Json.object();
        ArrayNode list = out.putArray("jobs");
        sync.jobs().forEach(job -> list.add(describe(job.name())));
        return out;
    }
}
