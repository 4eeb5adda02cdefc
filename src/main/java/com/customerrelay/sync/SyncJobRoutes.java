package com.customerrelay.sync;

import org.apache.camel.spi.RouteTemplateParameterSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One route per sync job, from the {@code sync-job} route template of {@code routes/sync.camel.yaml}: Camel builds
 * a route for each id this source names when the context starts, with these parameters.
 */
public final class SyncJobRoutes implements RouteTemplateParameterSource {

    private final Map<String, SyncJob> byRouteId = new LinkedHashMap<>();

    public SyncJobRoutes(List<SyncJob> jobs) {
        jobs.forEach(job -> byRouteId.put("sync-" + job.name(), job));
    }

    @Override
    public Set<String> routeIds() {
        return byRouteId.keySet().stream().collect(Collectors.toCollection(java.util.LinkedHashSet::new));
    }

    @Override
    public Map<String, Object> parameters(String routeId) {
        SyncJob job = byRouteId.get(routeId);
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put(TEMPLATE_ID, "sync-job");
        parameters.put("job", job.name());
        // camel-quartz reads '+' in its cron option as a space, which keeps the endpoint URI valid
        parameters.put("cron", job.schedule().trim().replaceAll("\\s+", "+"));
        parameters.put("timeZone", job.timeZone().getId());
        return parameters;
    }
}
