package dev.leadconnector.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.event.SmartApplicationListener;
import org.springframework.core.env.Environment;

/**
 * Keeps {@code leads.data-dir} (leads, the inbox, dead letters, the H2 database) to the connector's
 * own user: the folder is made {@code 0700} before anything writes to it, and once the application
 * has started, the files right in it (the database files H2 created with the default umask) {@code 0600}
 * and the folders {@code 0700}. The file endpoints write their own files {@code 0600}
 * ({@code chmod=600&chmodDirectory=700} on their URIs).
 */
public class OwnerOnlyDataDir implements SmartApplicationListener {

    private static final Logger LOG = LoggerFactory.getLogger(OwnerOnlyDataDir.class);
    static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    @Override
    public boolean supportsEventType(Class<? extends ApplicationEvent> eventType) {
        return ApplicationEnvironmentPreparedEvent.class.isAssignableFrom(eventType)
                || ApplicationStartedEvent.class.isAssignableFrom(eventType);
    }

    @Override
    public void onApplicationEvent(ApplicationEvent event) {
        if (event instanceof ApplicationEnvironmentPreparedEvent prepared) {
            Path dir = dataDir(prepared.getEnvironment());
            if (dir == null) {
                return;
            }
            try {
                Files.createDirectories(dir);
                restrict(dir, FOLDER);
            } catch (IOException e) {
                LOG.warn("Could not make {} owner-only: {}", dir, e.toString());
            }
        } else if (event instanceof ApplicationStartedEvent started) {
            Path dir = dataDir(started.getApplicationContext().getEnvironment());
            if (dir == null) {
                return;
            }
            try (Stream<Path> entries = Files.list(dir)) {
                entries.forEach(entry -> restrict(entry, Files.isDirectory(entry) ? FOLDER : FILE));
            } catch (IOException e) {
                LOG.warn("Could not make the files in {} owner-only: {}", dir, e.toString());
            }
        }
    }

    /**
     * {@link DataDirSettings}, bound here from the environment (this runs before the beans exist);
     * null when {@code leads.data-dir} is not set at all (no {@code application.yaml}): nothing to keep.
     */
    private static Path dataDir(Environment environment) {
        return Binder.get(environment).bind("leads", DataDirSettings.class).map(DataDirSettings::dataDir).orElse(null);
    }

    private static void restrict(Path path, Set<PosixFilePermission> permissions) {
        try {
            if (!Files.isSymbolicLink(path) && !permissions.equals(Files.getPosixFilePermissions(path))) {
                Files.setPosixFilePermissions(path, permissions);
            }
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the folder's ACL decides
        } catch (IOException e) {
            LOG.warn("Could not make {} owner-only: {}", path, e.toString());
        }
    }
}
