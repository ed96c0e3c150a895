package dev.leadconnector.health;

import javax.sql.DataSource;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.jdbc.DataSourceHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code db}: Spring Boot's check of the de-duplication database (a connection from the pool and its
 * validation), within {@code leads.health.timeout}. Spring Boot's own would wait as long as the pool
 * does for a connection (Hikari's connection-timeout) or, on a hung server, for the driver: a
 * readiness probe took 10 s and more while PostgreSQL was down. Named dbHealthIndicator, it takes
 * the place of Spring Boot's.
 */
@Configuration(proxyBeanMethods = false)
public class DatabaseHealth {

    @Bean("dbHealthIndicator")
    HealthIndicator dbHealthIndicator(DataSource dataSource, HealthSettings settings) {
        DataSourceHealthIndicator database = new DataSourceHealthIndicator(dataSource);
        BoundedCheck bound = new BoundedCheck(settings.timeout());
        return () -> {
            try {
                return bound.call(database::health);
            } catch (BoundedCheck.TimedOut slow) {
                return Health.down().withDetail("error", "database: " + slow.getMessage()).build();
            } catch (Exception e) {
                return Health.down(e).build();
            }
        };
    }
}
