package dev.leadconnector.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Azurite, the Azure Storage emulator, installed by the build ({@code npm ci}, package.json) and
 * started once per test run on 127.0.0.1 with ports of its own choosing; it is stopped when the
 * run ends. A test class asks for it with {@code @ExtendWith(Azurite.Extension.class)} and an
 * {@code Azurite} parameter; each test uses tables and queues of its own names.
 */
public final class Azurite implements ExtensionContext.Store.CloseableResource {

    /** The emulator's well-known development account (documented by Azurite, not a secret). */
    public static final String ACCOUNT = "devstoreaccount1";
    private static final String KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private static final Pattern LISTENING =
            Pattern.compile("Azurite (Blob|Queue|Table) service is successfully listening at http://127\\.0\\.0\\.1:(\\d+)");

    private final Process process;
    private final Path location;
    private final Map<String, Integer> ports;

    private Azurite(Process process, Path location, Map<String, Integer> ports) {
        this.process = process;
        this.location = location;
        this.ports = ports;
    }

    static Azurite start() throws IOException, InterruptedException {
        Path executable = Path.of("node_modules/.bin/azurite");
        if (!Files.isExecutable(executable)) {
            throw new IllegalStateException("Azurite is not installed: run `npm ci` (mvn verify does it)");
        }
        Path location = Files.createTempDirectory("azurite");
        Path output = location.resolve("azurite.out");
        Process process = new ProcessBuilder(executable.toString(), "--silent", "--location", location.toString(),
                "--blobHost", "127.0.0.1", "--blobPort", "0",
                "--queueHost", "127.0.0.1", "--queuePort", "0",
                "--tableHost", "127.0.0.1", "--tablePort", "0",
                "--skipApiVersionCheck")
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        Azurite azurite = new Azurite(process, location, new HashMap<>());
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        // Port 0: Azurite picks free ports and says which; read them from its output.
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (azurite.ports.size() < 3) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                azurite.close();
                throw new IllegalStateException("Azurite did not start: " + Files.readString(output));
            }
            Thread.sleep(100);
            Matcher matcher = LISTENING.matcher(Files.readString(output, StandardCharsets.UTF_8));
            while (matcher.find()) {
                azurite.ports.put(matcher.group(1), Integer.parseInt(matcher.group(2)));
            }
        }
        return azurite;
    }

    /** An account-key connection string for the emulator, as a user would configure a real account. */
    public String connectionString() {
        return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT + ";AccountKey=" + KEY
                + ";BlobEndpoint=" + endpoint("Blob")
                + ";QueueEndpoint=" + endpoint("Queue")
                + ";TableEndpoint=" + endpoint("Table") + ";";
    }

    private String endpoint(String service) {
        return "http://127.0.0.1:" + ports.get(service) + "/" + ACCOUNT;
    }

    /** Hangs the emulator (SIGSTOP): its ports still accept connections, nothing answers. */
    public void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** Lets a paused emulator go on (SIGCONT), with its data and ports as they were. */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String signal) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal, String.valueOf(process.pid())));
        process.descendants().forEach(child -> command.add(String.valueOf(child.pid())));
        if (new ProcessBuilder(command).inheritIO().start().waitFor() != 0) {
            throw new IOException("kill -" + signal + " failed for Azurite " + process.pid());
        }
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(location)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        }
    }

    /** Resolves {@code Azurite} parameters to the one emulator of this test run, starting it on first use. */
    public static final class Extension implements ParameterResolver {

        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == Azurite.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            // the root store closes it when the whole test run ends
            return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                    .getOrComputeIfAbsent(Azurite.class, key -> {
                        try {
                            return start();
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IllegalStateException(e);
                        }
                    }, Azurite.class);
        }
    }
}
