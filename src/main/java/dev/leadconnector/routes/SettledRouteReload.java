package dev.leadconnector.routes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Route reloading ({@code leads.routes.reload}) that waits for a saved file to have content. An
 * editor saves by truncating the file, then writing it: Camel's own watcher saw the empty file first
 * and logged {@code Error reloading routes from file ... Resource is empty} with a stack trace before
 * the real reload. Here an empty (or blank) file is skipped; the write that follows is a change of its
 * own and reloads it. Camel's watcher is off ({@code camel.main.routes-reload-enabled: false}); this one
 * takes its other settings ({@code camel.main.routes-reload-directory}, {@code -pattern},
 * {@code -remove-all-routes}, {@code -directory-recursive}).
 */
@Component
public class SettledRouteReload implements CamelContextConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(SettledRouteReload.class);

    private final Environment environment;
    private final RoutesSettings routes;

    public SettledRouteReload(Environment environment, RoutesSettings routes) {
        this.environment = environment;
        this.routes = routes;
    }

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
        if (!routes.reload() || camelContext.hasService(RouteWatcherReloadStrategy.class) != null) {
            return;
        }
        SkipsEmptyFiles watcher = new SkipsEmptyFiles(environment.getProperty("camel.main.routes-reload-directory", "src/main/resources/camel"),
                environment.getProperty("camel.main.routes-reload-directory-recursive", Boolean.class, false));
        watcher.setPattern(environment.getProperty("camel.main.routes-reload-pattern", "*.yaml,*.xml"));
        watcher.setRemoveAllRoutes(environment.getProperty("camel.main.routes-reload-remove-all-routes", Boolean.class, true));
        try {
            camelContext.addService(watcher);
        } catch (Exception e) {
            throw new IllegalStateException("Could not watch the routes folder", e);
        }
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
    }

    static final class SkipsEmptyFiles extends RouteWatcherReloadStrategy {
        SkipsEmptyFiles(String directory, boolean recursive) {
            super(directory, recursive);
        }

        @Override
        protected void onRouteReload(Collection<Resource> resources, boolean removeEverything) {
            List<Resource> written = resources == null ? null : resources.stream().filter(r -> !blank(r)).toList();
            if (written != null && written.isEmpty() && !resources.isEmpty()) {
                return;
            }
            super.onRouteReload(written, removeEverything);
        }

        private static boolean blank(Resource resource) {
            try {
                Path file = Path.of(resource.getURI());
                if (Files.isRegularFile(file) && Files.readString(file, StandardCharsets.UTF_8).isBlank()) {
                    LOG.debug("{} is empty (being saved?): reloaded once written", file);
                    return true;
                }
            } catch (IOException | RuntimeException notAFile) {
                // a deleted file, or a resource that is not a file: Camel decides as before
            }
            return false;
        }
    }
}
