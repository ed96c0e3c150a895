package dev.leadconnector.logging;

import org.apache.camel.Route;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.CamelEvent.RouteReloadedEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * One clear line per route reloaded from an edited file (leads.routes.reload): which route, from
 * which file, and whether it runs. A file that does not parse is refused by Camel with a WARN line
 * naming the file and the YAML error, and the routes already running keep running.
 */
@Component
public class RouteReloads extends EventNotifierSupport {

    private static final Logger LOG = LoggerFactory.getLogger(RouteReloads.class);

    @Override
    public boolean isEnabled(CamelEvent event) {
        return event instanceof RouteReloadedEvent;
    }

    @Override
    public void notify(CamelEvent event) {
        Route route = ((RouteReloadedEvent) event).getRoute();
        LOG.info("Route {} reloaded from {}: {}", route.getRouteId(), route.getSourceLocationShort(),
                route.getCamelContext().getRouteController().getRouteStatus(route.getRouteId()));
    }
}
