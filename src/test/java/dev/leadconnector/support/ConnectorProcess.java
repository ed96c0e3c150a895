package dev.leadconnector.support;

import static org.awaitility.Awaitility.await;

import dev.leadconnector.LeadConnectorApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The connector as a separate operating-system process (a second "machine"), started from the
 * project root like {@code java -jar} would be, with its console output in a file. {@link #kill()}
 * ends it abruptly (SIGKILL: no shutdown, no in-flight work finished), {@link #close()} gracefully.
 */
public final class ConnectorProcess implements AutoCloseable {

    private static final Pattern PORT = Pattern.compile("Tomcat started on port (\\d+)");
    /**
     * The heap cap of a test and the JIT and collector of jvm.options: C1 alone starts a process in a good
     * deal less CPU than C1 and C2 on a busy 2-core machine.
     */
    public static final List<String> JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String name;
    private final Process process;
    private final Path log;
    private int port;
    private final int managementPort;

    private ConnectorProcess(String name, Process process, Path log, int managementPort) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.managementPort = managementPort;
    }

    /** Starts the connector with these {@code name=value} settings; call {@link #awaitReady()} before using it. */
    public static ConnectorProcess start(String name, Path log, String... properties) throws IOException {
        int managementPort;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            managementPort = free.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(JVM_OPTIONS);
        command.addAll(List.of(
                "-cp", System.getProperty("java.class.path"),
                LeadConnectorApplication.class.getName(),
                "--server.port=0",
                "--server.address=127.0.0.1",
                "--management.server.address=127.0.0.1",
                // a port of its own for each process: readiness is probed there
                "--management.server.port=" + managementPort));
        for (String property : properties) {
            command.add("--" + property);
        }
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        ConnectorProcess started = new ConnectorProcess(name, process, log, managementPort);
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        return started;
    }

    /** Waits until the connector answers ready on its readiness probe. */
    public ConnectorProcess awaitReady() {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited: " + log());
            }
            Matcher matcher = PORT.matcher(log());
            if (!matcher.find()) {
                return false;
            }
            port = Integer.parseInt(matcher.group(1));
            try {
                return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort
                                + "/actuator/health/readiness")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException notYet) {
                return false;
            }
        });
        return this;
    }

    public String name() {
        return name;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public HttpResponse<String> postLead(String json) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri("/leads"))
                    .timeout(Duration.ofSeconds(20))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A probe's answer and how long it took (status 0: no answer within the client's timeout). */
    public record Probe(int status, long millis, String body) {
        @Override
        public String toString() {
            return status + "/" + millis + "ms";
        }
    }

    /** GETs a management path (a health probe) as an orchestrator would, giving up after {@code timeout}. */
    public Probe probe(String path, Duration timeout) {
        return probe(path, timeout, null);
    }

    /** The same with an Authorization header (null: none), for the details a login sees. */
    public Probe probe(String path, Duration timeout, String authorization) {
        long started = System.nanoTime();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
                .timeout(timeout);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            HttpResponse<String> answer = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Probe(answer.statusCode(), (System.nanoTime() - started) / 1_000_000, answer.body());
        } catch (IOException noAnswer) {
            return new Probe(0, (System.nanoTime() - started) / 1_000_000, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Everything the process printed so far. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Ends the process the way a power cut or an OOM kill would. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
