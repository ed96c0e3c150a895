package dev.leadconnector.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import dev.leadconnector.intake.IntakeSettings;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@code leads.rejected{reason}}: every answer of the intake path other than 202, counted by the
 * status it got, whichever part of the connector refused it (the gate before the route, the route's
 * error handler, a token check). An answer completed asynchronously is read when the request is
 * complete.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class IntakeOutcomes extends OncePerRequestFilter {

    static final Map<Integer, String> REASONS = Map.of(
            400, "invalid-lead",
            401, "unauthorized",
            403, "forbidden",
            405, "method-not-allowed",
            408, "timeout",
            413, "payload-too-large",
            415, "unsupported-media-type",
            429, "too-many-requests",
            503, "not-stored");

    private final MeterRegistry registry;
    private final IntakeSettings intake;

    public IntakeOutcomes(MeterRegistry registry, IntakeSettings intake) {
        this.registry = registry;
        this.intake = intake;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !intake.isSentTo(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } finally {
            if (request.isAsyncStarted()) {
                request.getAsyncContext().addListener(new AsyncListener() {
                    @Override
                    public void onComplete(AsyncEvent event) {
                        record(response.getStatus());
                    }

                    @Override
                    public void onTimeout(AsyncEvent event) {
                    }

                    @Override
                    public void onError(AsyncEvent event) {
                    }

                    @Override
                    public void onStartAsync(AsyncEvent event) {
                    }
                });
            } else {
                record(response.getStatus());
            }
        }
    }

    private void record(int status) {
        if (status >= 300) {
            Counter.builder("leads.rejected").description("Requests to the intake path that were not accepted")
                    .tag("reason", REASONS.getOrDefault(status, "status-" + status))
                    .register(registry).increment();
        }
    }
}
