package dev.leadconnector.intake;

import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.apache.camel.component.servlet.CamelHttpTransportServlet;
import org.apache.camel.http.common.HttpConsumer;
import org.apache.camel.http.common.HttpServletResolveConsumerStrategy;
import org.springframework.beans.factory.annotation.Value;
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

    @Bean
    ServletRegistrationBean<CamelHttpTransportServlet> intakeServletRegistration(IntakeSettings settings,
            @Value("${camel.component.servlet.servlet-name}") String servletName) {
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
