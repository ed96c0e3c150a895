package dev.leadconnector.operations;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 26, item 3: the run command needs a JDK and Maven only. {@code mvn spring-boot:run} runs with
 * a PATH that holds every program of this machine's PATH but node, npm and npx, and Azurite's install
 * not skipped (the profile that skips it when node_modules is there is switched off): the connector
 * starts, Camel runs for a second ({@code camel.main.duration-max-seconds}) and Maven ends with 0. The
 * sources are the build's own (compiling is skipped: the test runs after the build compiled them).
 */
class RunCommandWithoutNodeTest {

    private static final Set<String> NODE = Set.of("node", "nodejs", "npm", "npx", "corepack");

    @Test
    void mvnSpringBootRunStartsTheConnectorWithoutNodeOrNpm(@TempDir Path bin, @TempDir Path data) throws Exception {
        String path = System.getenv("PATH");
        String mvn = null;
        for (String dir : path.split(File.pathSeparator)) {
            Path folder = Path.of(dir);
            if (!Files.isDirectory(folder)) {
                continue;
            }
            try (Stream<Path> programs = Files.list(folder)) {
                for (Path program : programs.toList()) {
                    String name = program.getFileName().toString();
                    Path link = bin.resolve(name);
                    if (!NODE.contains(name) && Files.isExecutable(program) && !Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                        Files.createSymbolicLink(link, program.toAbsolutePath());
                        if (name.equals("mvn") && mvn == null) {
                            mvn = link.toString();
                        }
                    }
                }
            }
        }
        assertThat(mvn).as("mvn on the PATH").isNotNull();
        Path log = data.resolve("run.log");
        ProcessBuilder run = new ProcessBuilder(List.of(mvn, "-B", "-q", "-P!azurite-installed",
                "-Dmaven.main.skip", "-Dmaven.test.skip", "-Dmaven.resources.skip",
                "spring-boot:run", "-Dspring-boot.run.arguments=--camel.main.duration-max-seconds=1"
                        + " --server.port=0 --management.server.port=0 --server.address=127.0.0.1"
                        + " --management.server.address=127.0.0.1 --leads.routes.reload=false"
                        + " --leads.data-dir=" + data.resolve("data")))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        run.environment().put("PATH", bin.toString());
        // Maven's own JVM (not the connector's: spring-boot:run forks that with jvm.options) started with C1
        // alone and the serial collector: the same run in less CPU on a busy 2-core machine. A MAVEN_OPTS
        // already given is left as it is (it may choose another collector, and a JVM refuses two).
        run.environment().putIfAbsent("MAVEN_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
        ProcessBuilder which = new ProcessBuilder("sh", "-c", "command -v npm node || true").redirectErrorStream(true);
        which.environment().put("PATH", bin.toString());
        assertThat(which.start().inputReader().readLine()).as("npm or node left on the PATH").isNull();
        Process maven = run.start();
        try {
            boolean ended = maven.waitFor(240, TimeUnit.SECONDS);
            String output = Files.readString(log);
            assertThat(ended).as("mvn spring-boot:run ended within 240 s:\n" + tail(output)).isTrue();
            assertThat(output).doesNotContain("Cannot run program \"npm\"");
            assertThat(maven.exitValue()).as(tail(output)).isZero();
            assertThat(output).contains("Started LeadConnectorApplication");
        } finally {
            maven.descendants().forEach(ProcessHandle::destroyForcibly);
            maven.destroyForcibly();
        }
    }

    private static String tail(String output) throws IOException {
        List<String> lines = output.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
