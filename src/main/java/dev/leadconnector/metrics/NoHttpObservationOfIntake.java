package dev.leadconnector.metrics;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationPredicate;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.stereotype.Component;

/**
 * No {@code http.server.requests} observation for a request to the intake path: each one is counted
 * and timed already, as {@code leads_received_total} and {@code leads_rejected_total{reason}}
 * ({@link IntakeOutcomes}) and as Camel's {@code camel_route_policy_seconds{routeId="lead-intake"}}.
 * Spring's observation of every request, on top of those, was a twentieth of the request thread's
 * time in a profile of the intake load. Every other request (the management port) is observed.
 */
@Component
public class NoHttpObservationOfIntake implements ObservationPredicate {

    private final String intakePath;

    public NoHttpObservationOfIntake(@Value("${leads.intake.path}") String intakePath) {
        this.intakePath = intakePath;
    }

    @Override
    public boolean test(String name, Observation.Context context) {
        return !(context instanceof ServerRequestObservationContext request
                && intakePath.equals(request.getCarrier().getRequestURI()));
    }
}
