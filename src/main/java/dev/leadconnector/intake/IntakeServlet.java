package dev.leadconnector.intake;

import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.component.servlet.CamelHttpTransportServlet;
import org.apache.camel.component.servlet.ServletComponent;
import org.apache.camel.http.common.HttpConsumer;
import org.apache.camel.http.common.HttpServletResolveConsumerStrategy;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Serves the intake route ({@code servlet:} in routes/lead-intake.camel.yaml) on Tomcat's request
 * thread, mapped to {@code leads.intake.path} exactly, so the container matches the path and the
 * servlet gets nothing else. (platform-http on Spring Boot hands every request to an executor of 8
 * threads and back through an async servlet dispatch: at most 8 leads were being made durable at once.)
 */
@Configuration(proxyBeanMethods = false)
public class IntakeServlet {

    /**
     * The servlet's name, which Camel registers JVM-wide: one of its own for each application context
     * (tests run several in one JVM), handed to the intake route's endpoint through the component.
     */
    private final String servletName = "LeadIntake-" + UUID.randomUUID();

    @Bean("servlet")
    ServletComponent servletComponent() {
        ServletComponent component = new ServletComponent();
        component.setServletName(servletName);
        return component;
    }

    @Bean
    ServletRegistrationBean<CamelHttpTransportServlet> intakeServletRegistration(IntakeSettings settings) {
        CamelHttpTransportServlet servlet = new CamelHttpTransportServlet() {
            @Override
            public void init(ServletConfig config) throws ServletException {
                super.init(config);
                // after super.init, which sets Camel's REST strategy
                setServletResolveConsumerStrategy(new ExactPath());
            }
        };
        ServletRegistrationBean<CamelHttpTransportServlet> registration = new ServletRegistrationBean<>(servlet, settings.path());
        registration.setName(servletName);
        registration.setLoadOnStartup(1);
        return registration;
    }

    /**
     * An exact servlet mapping leaves no path info, which Camel's default strategy resolves by: the
     * consumer is the one whose path is the (decoded, normalized) servlet path the container matched.
     */
    static final class ExactPath extends HttpServletResolveConsumerStrategy {
        @Override
        protected HttpConsumer doResolve(HttpServletRequest request, String method, Map<String, HttpConsumer> consumers) {
            String path = request.getServletPath();
            return consumers.values().stream().filter(consumer -> path.equals(consumer.getPath())).findFirst().orElse(null);
        }
    }
}
