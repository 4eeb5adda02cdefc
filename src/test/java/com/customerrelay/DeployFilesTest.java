package com.customerrelay;

import com.customerrelay.core.SecretFiles;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deployment files checked against the project, so that they cannot drift from the build and the settings:
 * no container engine or cluster runs here, so the Dockerfile and the manifests are parsed, not run. The Dockerfile
 * copies what the Maven build makes (the jar's name, target/lib) and the folders that exist, exposes the ports of
 * config/application.properties, checks the health path the management port serves and runs as no root; the
 * Kubernetes manifests probe the same paths and ports, set only environment variables that name keys of the
 * configuration, and read only Secret keys that secret.yaml holds; the alert rules and the dashboard ask only for
 * metrics docs/operating.md lists. (promtool checks the rules themselves in .ci/run.)
 */
class DeployFilesTest {

    private static final Path KUBERNETES = Path.of("deploy", "kubernetes");
    private static final Path PROMETHEUS = Path.of("deploy", "prometheus");

    private final Properties settings = settings();

    private static Properties settings() {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of(RelayMain.DEFAULT_CONFIG))) {
            p.load(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return p;
    }

    private int port(String key) {
        return Integer.parseInt(settings.getProperty(key).trim());
    }

    private List<String> dockerfile(String instruction) throws IOException {
        // continuation lines joined, comments dropped
        String text = Files.readString(Path.of("Dockerfile")).replaceAll("\\\\\\n\\s*", " ");
        List<String> found = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith(instruction + " ")) {
                found.add(line.substring(instruction.length() + 1).trim());
            }
        }
        return found;
    }

    @Test
    void theDockerfileCopiesWhatTheBuildMakesAndNamesTheRelaysPortsAndHealthPath() throws Exception {
        String pom = Files.readString(Path.of("pom.xml"));
        Matcher finalName = Pattern.compile("<finalName>([^<]+)</finalName>").matcher(pom);
        assertThat(finalName.find()).isTrue();
        Matcher libs = Pattern.compile("<outputDirectory>\\$\\{project.build.directory}/([^<]+)</outputDirectory>")
                .matcher(pom);
        assertThat(libs.find()).as("the copy-dependencies folder in pom.xml").isTrue();
        assertThat(pom).contains("<classpathPrefix>" + libs.group(1) + "/</classpathPrefix>");

        assertThat(dockerfile("FROM")).singleElement().asString().startsWith("eclipse-temurin:17-jre");
        List<String> sources = dockerfile("COPY").stream().map(copy -> copy.split("\\s+")[0]).toList();
        assertThat(sources).containsExactly("target/" + finalName.group(1) + ".jar", "target/" + libs.group(1) + "/",
                "config/", "routes/");
        assertThat(Path.of("config", "application.properties")).isRegularFile();
        assertThat(Path.of("routes")).isDirectoryContaining("glob:**.camel.yaml");
        assertThat(dockerfile("ENTRYPOINT")).singleElement().asString().contains(finalName.group(1) + ".jar");

        int brokerPort = URI.create(settings.getProperty("relay.broker.embedded-url").trim()).getPort();
        assertThat(dockerfile("EXPOSE")).singleElement().isEqualTo(port("camel.server.port") + " "
                + port("camel.management.port") + " " + brokerPort);
        assertThat(dockerfile("HEALTHCHECK")).singleElement().asString()
                .contains("http://127.0.0.1:" + port("camel.management.port") + "/observe/health/live");
        assertThat(dockerfile("VOLUME")).singleElement().asString()
                .endsWith("/" + settings.getProperty("relay.data.dir").trim());
        List<String> user = dockerfile("USER");
        assertThat(user).singleElement().asString().isNotIn("root", "0").matches("[1-9][0-9]*");
        assertThat(Files.readString(Path.of("Dockerfile"))).contains("--uid " + user.get(0));
        // the environment it sets names keys of the configuration
        for (String env : dockerfile("ENV")) {
            for (String pair : env.split("\\s+")) {
                assertThat(keyOfEnvironmentVariable(pair.split("=")[0])).as(pair).isNotNull();
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> manifests() throws IOException {
        Load load = new Load(LoadSettings.builder().build());
        List<Map<String, Object>> documents = new ArrayList<>();
        try (var files = Files.list(KUBERNETES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                for (Object document : load.loadAllFromString(Files.readString(file))) {
                    documents.add((Map<String, Object>) document);
                }
            }
        }
        return documents;
    }

    private static Map<String, Object> kind(List<Map<String, Object>> manifests, String kind) {
        return manifests.stream().filter(m -> kind.equals(m.get("kind"))).findFirst().orElseThrow(
                () -> new AssertionError("no " + kind + " under " + KUBERNETES));
    }

    @SuppressWarnings("unchecked")
    private static <T> T at(Object node, String... path) {
        Object here = node;
        for (String step : path) {
            here = step.matches("\\d+") ? ((List<Object>) here).get(Integer.parseInt(step))
                    : ((Map<String, Object>) here).get(step);
            assertThat(here).as(String.join(".", path)).isNotNull();
        }
        return (T) here;
    }

    /** The key of config/application.properties an environment variable overrides (null: none). */
    private String keyOfEnvironmentVariable(String name) {
        for (String key : settings.stringPropertyNames()) {
            if (SecretFiles.environmentName(key).equals(name)) {
                return key;
            }
        }
        return null;
    }

    @Test
    void theKubernetesManifestsProbeTheRelaysPortsAndReadOnlyKeysThatExist() throws Exception {
        List<Map<String, Object>> manifests = manifests();
        assertThat(manifests).extracting(m -> m.get("kind")).contains("Deployment", "Service",
                "PodDisruptionBudget", "Secret", "Kustomization");

        Map<String, Object> deployment = kind(manifests, "Deployment");
        assertThat((Integer) at(deployment, "spec", "replicas")).isEqualTo(2);
        Map<String, Object> labels = at(deployment, "spec", "template", "metadata", "labels");
        assertThat((Map<String, Object>) at(deployment, "spec", "selector", "matchLabels")).isEqualTo(labels);
        assertThat((Integer) at(deployment, "spec", "template", "spec", "securityContext", "runAsUser"))
                .isPositive();
        Map<String, Object> container = at(deployment, "spec", "template", "spec", "containers", "0");

        Map<String, Integer> ports = new HashMap<>();
        for (Map<String, Object> port : (List<Map<String, Object>>) at(container, "ports")) {
            ports.put((String) port.get("name"), (Integer) port.get("containerPort"));
        }
        assertThat(ports).containsExactlyInAnyOrderEntriesOf(Map.of("api", port("camel.server.port"),
                "management", port("camel.management.port")));
        assertThat((String) at(container, "livenessProbe", "httpGet", "path")).isEqualTo("/observe/health/live");
        assertThat((String) at(container, "livenessProbe", "httpGet", "port")).isEqualTo("management");
        assertThat((String) at(container, "readinessProbe", "httpGet", "path")).isEqualTo("/observe/health/ready");
        assertThat((String) at(container, "readinessProbe", "httpGet", "port")).isEqualTo("management");
        assertThat((Map<String, Object>) at(container, "resources", "requests")).containsKeys("cpu", "memory");
        assertThat((Map<String, Object>) at(container, "resources", "limits")).containsKey("memory");

        Map<String, Object> secret = kind(manifests, "Secret");
        Set<String> secretKeys = ((Map<String, Object>) at(secret, "stringData")).keySet();
        Set<String> read = new HashSet<>();
        Map<String, Object> mounts = new HashMap<>();
        for (Map<String, Object> mount : (List<Map<String, Object>>) at(container, "volumeMounts")) {
            mounts.put((String) mount.get("name"), mount.get("mountPath"));
        }
        List<Map<String, Object>> volumes = at(deployment, "spec", "template", "spec", "volumes");
        assertThat(volumes).anySatisfy(v -> {
            assertThat(v.get("name")).isEqualTo("secrets");
            assertThat((String) at(v, "secret", "secretName")).isEqualTo(at(secret, "metadata", "name"));
        });
        for (Map<String, Object> env : (List<Map<String, Object>>) at(container, "env")) {
            String name = (String) env.get("name");
            String overridden = name.endsWith("_FILE") ? name.substring(0, name.length() - "_FILE".length()) : name;
            assertThat(keyOfEnvironmentVariable(overridden)).as(name + " names a key of config/application.properties")
                    .isNotNull();
            assertThat(env).as(name + ": credentials come from the Secret's files, not as values")
                    .doesNotContainKey("valueFrom");
            if (name.endsWith("_FILE")) {
                String path = (String) env.get("value");
                assertThat(path).startsWith(mounts.get("secrets") + "/");
                read.add(path.substring(((String) mounts.get("secrets")).length() + 1));
            }
        }
        assertThat(read).as("every Secret key is read as a file, and only those").isEqualTo(secretKeys);
        String workDir = dockerfile("WORKDIR").get(0);
        assertThat(mounts).containsEntry("config", workDir + "/config")
                .containsEntry("data", workDir + "/" + settings.getProperty("relay.data.dir").trim());
        Map<String, Object> kustomization = kind(manifests, "Kustomization");
        String configMap = at(kustomization, "configMapGenerator", "0", "name");
        assertThat(volumes).anySatisfy(v -> assertThat(v.get("configMap")).isNotNull()
                .satisfies(c -> assertThat((String) at(c, "name")).isEqualTo(configMap)));
        for (String resource : (List<String>) at(kustomization, "resources")) {
            assertThat(KUBERNETES.resolve(resource)).isRegularFile();
        }

        Map<String, Object> service = kind(manifests, "Service");
        assertThat((Map<String, Object>) at(service, "spec", "selector")).isEqualTo(labels);
        for (Map<String, Object> port : (List<Map<String, Object>>) at(service, "spec", "ports")) {
            assertThat(ports).containsKey((String) port.get("targetPort"));
        }
        Map<String, Object> budget = kind(manifests, "PodDisruptionBudget");
        assertThat((Map<String, Object>) at(budget, "spec", "selector", "matchLabels")).isEqualTo(labels);
        assertThat((Integer) at(budget, "spec", "minAvailable")).isLessThan(2);
    }

    @Test
    void theAlertRulesAndTheDashboardAskOnlyForMetricsTheRelayPublishes() throws Exception {
        String documented = Files.readString(Path.of("docs", "operating.md"));
        Pattern metric = Pattern.compile("\\brelay_[a-z_]+");
        for (String file : List.of("relay-rules.yml", "grafana-dashboard.json")) {
            Matcher m = metric.matcher(Files.readString(PROMETHEUS.resolve(file)));
            int found = 0;
            while (m.find()) {
                String name = m.group().replaceAll("_(bucket|count|sum)$", "");
                assertThat(documented).as(file + ": " + m.group() + " in docs/operating.md's metrics")
                        .contains("`" + name + "`");
                found++;
            }
            assertThat(found).as(file).isGreaterThanOrEqualTo(3);
        }
        assertThat(Files.readString(PROMETHEUS.resolve("relay-rules.yml")))
                .contains("relay_vendor_circuit_state", "relay_oldest_pending_seconds", "relay_deliveries_total");
    }
}
