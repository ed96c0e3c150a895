package dev.leadconnector.intake;

import java.net.InetAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.web.ServerProperties;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Says once, at start, that the intake takes leads from anyone who reaches it: no
 * {@code leads.intake.token} while the lead port listens on an address other machines reach
 * ({@code server.address} unset, i.e. every interface, or an address other than loopback). Fine on
 * a developer's machine, where the port is loopback; in production anyone could post leads.
 */
@Component
class OpenIntakeWarning {

    private static final Logger LOG = LoggerFactory.getLogger(OpenIntakeWarning.class);

    private final IntakeSettings settings;
    private final ObjectProvider<ServerProperties> server;
    private final Environment environment;

    OpenIntakeWarning(IntakeSettings settings, ObjectProvider<ServerProperties> server, Environment environment) {
        this.settings = settings;
        this.server = server;
        this.environment = environment;
    }

    @EventListener(ApplicationReadyEvent.class)
    void warnWhenOpen() {
        if (settings.requiresToken()) {
            return; // nothing to say, and never the token itself
        }
        ServerProperties properties = server.getIfAvailable();
        if (properties == null) {
            return; // no web server: no intake
        }
        InetAddress address = properties.getAddress(); // the bound server.address; null: every interface
        if (address != null && address.isLoopbackAddress()) {
            return;
        }
        LOG.warn("The intake ({}) accepts leads without a token, from anyone who reaches {} port {}: set "
                        + "leads.intake.token (environment LEADS_INTAKE_TOKEN) and give it to the marketplace as ?code=<token>.",
                settings.path(), address == null || address.isAnyLocalAddress() ? "any interface's" : address.getHostAddress() + ",",
                environment.getProperty("local.server.port", String.valueOf(properties.getPort())));
    }
}
