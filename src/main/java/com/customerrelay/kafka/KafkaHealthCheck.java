package com.customerrelay.kafka;

import com.customerrelay.core.SafeText;
import com.customerrelay.core.Secrets;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Route;
import org.apache.camel.Service;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Readiness of the Kafka intake: the cluster answers a metadata request within a few seconds. camel-kafka's own
 * consumer check stays UP while the cluster is away (its poll loop sees no error, only no records), so this one asks
 * the cluster, with the consumer's own connection settings (camel.component.kafka.*: TLS, SASL), and logs each
 * change between reachable and not, so the log says when the intake stops and resumes.
 */
public final class KafkaHealthCheck extends AbstractHealthCheck implements Service {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaHealthCheck.class);
    private static final int TIMEOUT_MS = 3000;

    private final CamelContext context;
    private final String routeId;
    private Admin admin;
    private volatile Boolean reachable;

    public KafkaHealthCheck(CamelContext context, String routeId) {
        super("relay", "kafka");
        this.context = context;
        this.routeId = routeId;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        String problem = probe();
        if (problem == null) {
            builder.up();
        } else {
            builder.down().message(problem);
        }
    }

    /** Asks the cluster for its nodes: null when it answers, otherwise what is wrong. Logs each change. */
    public synchronized String probe() {
        String problem;
        String servers = "?";
        try {
            KafkaEndpoint endpoint = endpoint();
            servers = endpoint.getConfiguration().getBrokers();
            int nodes = admin(endpoint).describeCluster(new DescribeClusterOptions().timeoutMs(TIMEOUT_MS))
                    .nodes().get(TIMEOUT_MS + 500L, TimeUnit.MILLISECONDS).size();
            problem = nodes > 0 ? null : "the Kafka cluster at " + servers + " has no broker up";
        } catch (ExecutionException e) {
            problem = unreachable(servers, e.getCause());
        } catch (TimeoutException e) {
            problem = unreachable(servers, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem = "interrupted while asking the Kafka cluster";
        } catch (RuntimeException e) {
            problem = unreachable(servers, e);
        }
        boolean now = problem == null;
        if (reachable == null || reachable != now) {
            if (now) {
                LOG.info("Kafka intake: the cluster at {} answers; its records are taken in", servers);
            } else if (reachable != null) {
                LOG.warn("Kafka intake paused: {}; the relay takes the records in again once it answers", problem);
            } else {
                LOG.warn("Kafka intake waiting: {}; the relay takes the records in once it answers", problem);
            }
            reachable = now;
        }
        return problem;
    }

    private static String unreachable(String servers, Throwable cause) {
        StringBuilder detail = new StringBuilder();
        for (Throwable t = cause; t != null && detail.length() < 500; t = t.getCause()) {
            detail.append(detail.isEmpty() ? "" : ": ").append(t.getMessage() == null ? t.getClass().getSimpleName()
                    : t.getMessage());
        }
        return "the Kafka cluster at " + servers + " does not answer within " + TIMEOUT_MS + " ms ("
                + SafeText.value(Secrets.mask(detail.toString())) + ")";
    }

    private KafkaEndpoint endpoint() {
        Route route = context.getRoute(routeId);
        Endpoint endpoint = route == null ? null : route.getEndpoint();
        if (!(endpoint instanceof KafkaEndpoint kafka)) {
            throw new IllegalStateException("the route " + routeId + " is not started");
        }
        return kafka;
    }

    private Admin admin(KafkaEndpoint endpoint) {
        if (admin == null) {
            // the consumer's properties, less those an admin client does not know (it would warn of each)
            Properties consumer = endpoint.getConfiguration().createConsumerProperties();
            Properties properties = new Properties();
            consumer.forEach((key, value) -> {
                if (AdminClientConfig.configNames().contains(String.valueOf(key))) {
                    properties.put(key, value);
                }
            });
            // camel-kafka gives its consumer the servers apart from these properties
            properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, endpoint.getConfiguration().getBrokers());
            properties.put(AdminClientConfig.CLIENT_ID_CONFIG, "customer-relay-health");
            properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
            properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
            admin = Admin.create(properties);
        }
        return admin;
    }

    @Override
    public void start() {
        // the admin client is made at the first probe, once the route and its endpoint exist
    }

    @Override
    public synchronized void stop() {
        if (admin != null) {
            admin.close();
            admin = null;
        }
    }
}
