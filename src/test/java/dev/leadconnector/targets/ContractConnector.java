package dev.leadconnector.targets;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.Extension;
import dev.leadconnector.support.RunningConnector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.util.FileSystemUtils;

/**
 * A contract test's CRM fake and the connector that delivers to it, started once for the test class and
 * stopped after it (a {@code static} {@code @RegisterExtension} field): the fake first, then a connector on a
 * data folder of its own with the fake's settings and the contract's batch settings
 * ({@link BatchedCrmContract#settings}).
 */
public final class ContractConnector implements BeforeAllCallback, AfterAllCallback {

    private final String target;
    private final Runnable startFake;
    private final Runnable stopFake;
    private final Supplier<List<String>> settings;
    private Path dataDir;
    private RunningConnector connector;

    /**
     * @param settings the target's own settings, asked once the fake is started (they name its port); it may
     *                 also give the fake its usual answers
     */
    public ContractConnector(String target, Runnable startFake, Runnable stopFake, Supplier<List<String>> settings) {
        this.target = target;
        this.startFake = startFake;
        this.stopFake = stopFake;
        this.settings = settings;
    }

    /** A connector delivering to a WireMock fake ({@link #wireMock}). */
    public static ContractConnector against(WireMockServer fake, String target, Supplier<List<String>> settings) {
        return new ContractConnector(target, fake::start, fake::stop, settings);
    }

    /** A WireMock fake on a free loopback port, not started yet. */
    public static WireMockServer wireMock(Extension... extensions) {
        return new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().extensions(extensions));
    }

    public String target() {
        return target;
    }

    public RunningConnector connector() {
        return connector;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        startFake.run();
        List<String> all = new ArrayList<>(settings.get());
        all.addAll(BatchedCrmContract.settings(target));
        dataDir = Files.createTempDirectory("contract-" + target + "-");
        connector = RunningConnector.start(dataDir, all.toArray(String[]::new));
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try {
            if (connector != null) {
                connector.close();
            }
        } finally {
            stopFake.run();
            if (dataDir != null) {
                FileSystemUtils.deleteRecursively(dataDir);
            }
        }
    }
}
