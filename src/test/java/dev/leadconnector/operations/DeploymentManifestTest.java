package dev.leadconnector.operations;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Issue 25, item 6: the example deployment (deploy/kubernetes.yaml), parsed and held against the
 * connector's own settings (application.yaml) and image (Dockerfile): its probes reach the
 * management port's health groups, its Service the lead port, the management port stays inside the
 * cluster, the pod runs as the image's non-root user on a read-only root, and the Secret closes the
 * intake and both logins.
 */
class DeploymentManifestTest {

    static final Path MANIFEST = Path.of("deploy/kubernetes.yaml");

    static Map<String, Object> settings;
    static Map<String, Object> secret;
    static Map<String, Object> deployment;
    static Map<String, Object> service;
    static List<Map<String, Object>> networkPolicies = new ArrayList<>();
    static Map<String, Object> pod;
    static Map<String, Object> container;
    static int leadPort;
    static int managementPort;
    static List<String> dockerfile;

    @BeforeAll
    static void read() throws IOException {
        Yaml yaml = new Yaml();
        settings = yaml.load(Files.readString(Path.of("application.yaml")));
        for (Object document : yaml.loadAll(Files.readString(MANIFEST))) {
            if (document == null) {
                continue;
            }
            Map<String, Object> object = map(document);
            switch ((String) object.get("kind")) {
                case "Secret" -> secret = object;
                case "Deployment" -> deployment = object;
                case "Service" -> service = object;
                case "NetworkPolicy" -> networkPolicies.add(object);
                default -> { }
            }
        }
        assertThat(secret).as("a Secret").isNotNull();
        assertThat(deployment).as("a Deployment").isNotNull();
        assertThat(service).as("a Service").isNotNull();
        pod = map(get(deployment, "spec.template.spec"));
        List<Object> containers = list(pod.get("containers"));
        assertThat(containers).hasSize(1);
        container = map(containers.get(0));
        leadPort = ((Number) get(settings, "server.port")).intValue();
        managementPort = ((Number) get(settings, "management.server.port")).intValue();
        // one instruction per line, continuations joined
        dockerfile = List.of(Files.readString(Path.of("Dockerfile")).replaceAll("\\\\\n", " ").split("\n"));
    }

    @Test
    void everyProbeCallsAHealthGroupOnTheManagementPort() {
        assertThat(managementPort).isNotEqualTo(leadPort);
        String basePath = Objects.requireNonNullElse((String) get(settings, "management.endpoints.web.base-path"), "/actuator");
        // liveness and readiness exist when probes are enabled; any other group is configured by name
        List<String> groups = new ArrayList<>();
        if (Boolean.TRUE.equals(get(settings, "management.endpoint.health.probes.enabled"))) {
            groups.addAll(List.of("liveness", "readiness"));
        }
        Object configured = get(settings, "management.endpoint.health.group");
        if (configured != null) {
            groups.addAll(map(configured).keySet());
        }
        Map<String, String> wanted = Map.of("startupProbe", "liveness", "livenessProbe", "liveness", "readinessProbe", "readiness");
        wanted.forEach((probe, group) -> {
            assertThat(container).as(probe).containsKey(probe);
            Map<String, Object> httpGet = map(get(map(container.get(probe)), "httpGet"));
            assertThat(containerPort(httpGet.get("port"))).as(probe + "'s port").isEqualTo(managementPort);
            assertThat(groups).as("health groups").contains(group);
            assertThat(httpGet.get("path")).as(probe + "'s path").isEqualTo(basePath + "/health/" + group);
        });
    }

    @Test
    void theManagementPortIsDeclaredByName() {
        assertThat(namedPorts()).containsEntry("management", managementPort).containsEntry("http", leadPort);
    }

    @Test
    void theServiceSendsToTheLeadPortOnly() {
        assertThat(get(service, "spec.selector")).isEqualTo(get(deployment, "spec.template.metadata.labels"));
        List<Object> ports = list(get(service, "spec.ports"));
        assertThat(ports).isNotEmpty();
        for (Object port : ports) {
            assertThat(containerPort(map(port).get("targetPort"))).as("Service targetPort").isEqualTo(leadPort);
        }
    }

    /**
     * The lead port is open; the management port only to peers picked by label (pods of this
     * namespace, or a namespace labelled for monitoring): no rule admits it from an address block or
     * from every namespace, and no rule without ports (which would admit every port) is unrestricted.
     */
    @Test
    void theNetworkPolicyKeepsTheManagementPortInside() {
        assertThat(networkPolicies).hasSize(1);
        Map<String, Object> policy = networkPolicies.get(0);
        Map<String, Object> labels = map(get(deployment, "spec.template.metadata.labels"));
        assertThat(get(policy, "spec.podSelector.matchLabels")).isEqualTo(labels);
        assertThat(list(get(policy, "spec.policyTypes"))).contains("Ingress");
        boolean leadPortAdmitted = false;
        boolean managementPortAdmitted = false;
        for (Object element : list(get(policy, "spec.ingress"))) {
            Map<String, Object> rule = map(element);
            List<Object> ports = rule.get("ports") == null ? List.of() : list(rule.get("ports"));
            List<Integer> admitted = ports.stream().map(port -> containerPort(map(port).get("port"))).toList();
            boolean everyPort = ports.isEmpty();
            leadPortAdmitted |= everyPort || admitted.contains(leadPort);
            if (everyPort || admitted.contains(managementPort)) {
                managementPortAdmitted = true;
                List<Object> from = rule.get("from") == null ? List.of() : list(rule.get("from"));
                assertThat(from).as("who may reach the management port").isNotEmpty();
                for (Object peer : from) {
                    Map<String, Object> selector = map(peer);
                    assertThat(selector).as("peer " + selector).doesNotContainKey("ipBlock");
                    assertThat(selector.containsKey("podSelector") || selector.containsKey("namespaceSelector"))
                            .as("peer " + selector + " picked by label").isTrue();
                    if (selector.containsKey("namespaceSelector")) {
                        // an empty namespaceSelector is every namespace of the cluster
                        assertThat(map(selector.get("namespaceSelector"))).as("namespaceSelector of " + selector).isNotEmpty();
                    }
                }
            }
        }
        assertThat(leadPortAdmitted).as("the lead port is admitted").isTrue();
        assertThat(managementPortAdmitted).as("the management port is admitted (to the probes' peers)").isTrue();
    }

    @Test
    void thePodRunsAsTheImagesNonRootUserOnAReadOnlyRoot() {
        String user = dockerfile.stream().filter(line -> line.startsWith("USER ")).reduce((first, last) -> last).orElseThrow()
                .substring(5).trim();
        Matcher numeric = Pattern.compile("(\\d+):(\\d+)").matcher(user);
        assertThat(numeric.matches()).as("the Dockerfile's USER is numeric uid:gid (runAsNonRoot can check it): " + user).isTrue();
        long uid = Long.parseLong(numeric.group(1));
        long gid = Long.parseLong(numeric.group(2));
        assertThat(uid).isPositive();

        Map<String, Object> podContext = map(pod.get("securityContext"));
        Map<String, Object> containerContext = map(container.get("securityContext"));
        assertThat(setting(podContext, containerContext, "runAsNonRoot")).isEqualTo(true);
        assertThat(((Number) setting(podContext, containerContext, "runAsUser")).longValue()).isEqualTo(uid);
        assertThat(((Number) setting(podContext, containerContext, "runAsGroup")).longValue()).isEqualTo(gid);
        assertThat(((Number) podContext.get("fsGroup")).longValue()).isEqualTo(gid);
        assertThat(setting(podContext, containerContext, "seccompProfile")).isEqualTo(Map.of("type", "RuntimeDefault"));
        assertThat(containerContext).containsEntry("readOnlyRootFilesystem", true)
                .containsEntry("allowPrivilegeEscalation", false);
        assertThat(list(get(containerContext, "capabilities.drop"))).containsExactly("ALL");
    }

    /**
     * With a read-only root, every folder the connector writes is a volume: the data folder
     * (leads.data-dir under the image's WORKDIR, the Dockerfile's VOLUME) and /tmp (the JVM's
     * hsperfdata, Tomcat's work folders); and no JVM option writes a file anywhere else.
     */
    @Test
    void everyFolderWrittenAtRunTimeIsAVolume() throws IOException {
        String workdir = dockerfile.stream().filter(line -> line.startsWith("WORKDIR ")).reduce((first, last) -> last)
                .orElseThrow().substring(8).trim();
        String dataDir = Path.of(workdir).resolve((String) get(settings, "leads.data-dir")).normalize().toString();
        assertThat(dockerfile).contains("VOLUME " + dataDir);

        Map<String, Map<String, Object>> volumes = new HashMap<>();
        for (Object volume : list(pod.get("volumes"))) {
            volumes.put((String) map(volume).get("name"), map(volume));
        }
        Map<String, String> mounts = new HashMap<>();
        for (Object mount : list(container.get("volumeMounts"))) {
            Map<String, Object> m = map(mount);
            assertThat(m.get("readOnly")).as("mount " + m).isNotEqualTo(true);
            Map<String, Object> volume = volumes.get((String) m.get("name"));
            assertThat(volume).as("volume of " + m).isNotNull();
            assertThat(volume.containsKey("emptyDir") || volume.containsKey("persistentVolumeClaim"))
                    .as("a writable volume (emptyDir or persistentVolumeClaim) for " + m).isTrue();
            mounts.put((String) m.get("mountPath"), (String) m.get("name"));
        }
        assertThat(mounts).containsKeys(dataDir, "/tmp");

        // the options the JVM reads at run time (jvm.options, the ENTRYPOINT, JAVA_TOOL_OPTIONS)
        List<String> options = new ArrayList<>(Files.readAllLines(Path.of("jvm.options")).stream()
                .filter(line -> !line.startsWith("#")).toList());
        dockerfile.stream().filter(line -> line.startsWith("ENTRYPOINT ") || line.startsWith("ENV ")).forEach(options::add);
        Pattern writes = Pattern.compile("(?:file=|HeapDumpPath=|ErrorFile=|AOTCacheOutput=|ArchiveClassesAtExit=|"
                + "-Xloggc:|StartFlightRecording[^\\s\"]*filename=)([^\\s\",:]+)");
        for (String option : options) {
            Matcher written = writes.matcher(option);
            while (written.find()) {
                String path = Path.of(workdir).resolve(written.group(1)).normalize().toString();
                assertThat(mounts.keySet().stream().anyMatch(mount -> path.startsWith(mount + "/")))
                        .as("the JVM writes " + path + " (" + option + "): on a volume").isTrue();
            }
        }
    }

    /** The intake token and both management passwords come from the Secret the container reads. */
    @Test
    void theSecretClosesTheIntakeAndBothLogins() {
        List<String> properties = List.of("leads.intake.token", "leads.management.viewer.password",
                "leads.management.operator.password");
        Map<String, Object> values = map(secret.get("stringData"));
        for (String property : properties) {
            assertThat(get(settings, property)).as(property + " in application.yaml").isNotNull();
            String variable = property.toUpperCase(Locale.ROOT).replace('.', '_').replace("-", "");
            assertThat(values).as("the Secret").containsKey(variable);
            assertThat((String) values.get(variable)).as(variable).isNotBlank();
        }
        String secretName = (String) get(secret, "metadata.name");
        assertThat(list(container.get("envFrom")).stream().map(source -> get(map(source), "secretRef.name")))
                .contains(secretName);
    }

    @Test
    void theHeaderPointsAtADocumentThatHasTheSection() throws IOException {
        // the comment at the head of the file, as one text
        String header = String.join(" ", Files.readAllLines(MANIFEST).stream().takeWhile(line -> line.startsWith("#"))
                .map(line -> line.replaceFirst("^#\\s*", "")).toList());
        Matcher reference = Pattern.compile("see (\\S+\\.md), \"([^\"]+)\"").matcher(header);
        assertThat(reference.find()).as("a reference to a document's section").isTrue();
        assertThat(Files.readAllLines(Path.of(reference.group(1)))).contains("## " + reference.group(2));
    }

    // --- helpers -------------------------------------------------------------------------------

    /** The container port a probe's, Service's or policy's port names: a number, or a container port's name. */
    private static int containerPort(Object port) {
        if (port instanceof Number number) {
            assertThat(namedPorts()).as("declared container ports").containsValue(number.intValue());
            return number.intValue();
        }
        assertThat(namedPorts()).as("declared container ports").containsKey((String) port);
        return namedPorts().get((String) port);
    }

    private static Map<String, Integer> namedPorts() {
        Map<String, Integer> ports = new HashMap<>();
        for (Object port : list(container.get("ports"))) {
            ports.put((String) map(port).get("name"), ((Number) map(port).get("containerPort")).intValue());
        }
        return ports;
    }

    /** A securityContext setting: the container's, else the pod's. */
    private static Object setting(Map<String, Object> podContext, Map<String, Object> containerContext, String key) {
        return containerContext.containsKey(key) ? containerContext.get(key) : podContext.get(key);
    }

    /** The value at a dotted path, keys taken whole where they hold dots (YAML keys never do here). */
    private static Object get(Map<String, Object> root, String path) {
        Object value = root;
        for (String key : path.split("\\.")) {
            if (!(value instanceof Map<?, ?> map)) {
                return null;
            }
            value = map.get(key);
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        assertThat(value).isInstanceOf(List.class);
        return (List<Object>) value;
    }
}
