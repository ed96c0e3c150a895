package dev.leadconnector.metrics;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationPredicate;
import dev.leadconnector.intake.IntakeSettings;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.stereotype.Component;

/**
 * No {@code http.server.requests} observation for a request to the intake path: each one is counted
 * and timed already, as {@code leads_received_total} and {@code leads_rejected_total{reason}}
 * ({@link IntakeOutcomes}) and as Camel's {@code camel_route_policy_seconds{routeId="lead-intake"}}.
 * Spring's observation of every request, on top of those, was a twentieth of the request thread's
 * time in a profile of the intake load. Every other request to the lead port is observed. (The
 * management port's requests are not: Spring Boot observes the main server's alone.)
 */
@Component
public class NoHttpObservationOfIntake implements ObservationPredicate {

    private final IntakeSettings intake;

    public NoHttpObservationOfIntake(IntakeSettings intake) {
        this.intake = intake;
    }

    @Override
    public boolean test(String name, Observation.Context context) {
        return !(context instanceof ServerRequestObservationContext request && intake.isSentTo(request.getCarrier()));
    }
}
