package dev.leadconnector.dedup;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The persistent idempotent repositories: {@code dedupRepository} behind the dispatch route (one
 * key per lead) and {@code deliveryRepository} behind each target (one key per target and lead, so
 * a retry only goes to the targets that do not have the lead yet). Embedded H2 by default,
 * PostgreSQL when several instances share them ({@code leads.dedup.jdbc-url}).
 */
@Configuration(proxyBeanMethods = false)
public class DedupConfiguration {

    /** The processor name under which dispatched lead ids are kept. */
    public static final String DISPATCH = "lead-dispatch";
    /** The processor name under which {@code <target>:<lead id>} delivery keys are kept. */
    public static final String DELIVERY = "lead-delivery";

    @Bean
    public LeaseMessageIdRepository dedupRepository(DataSource dataSource, DedupSettings settings) {
        return new LeaseMessageIdRepository(dataSource, DISPATCH, settings.lease(), Clock.systemUTC());
    }

    @Bean
    public LeaseMessageIdRepository deliveryRepository(DataSource dataSource, DedupSettings settings) {
        return new LeaseMessageIdRepository(dataSource, DELIVERY, settings.lease(), Clock.systemUTC());
    }

    /** The oldest key still kept: the route {@code dedup-expiry} deletes the ones before it. */
    @Bean
    public DedupWindow dedupWindow(DedupSettings settings) {
        return new DedupWindow(settings.window(), Clock.systemUTC());
    }

    public record DedupWindow(Duration window, Clock clock) {
        public Timestamp cutoff() {
            return Timestamp.from(clock.instant().minus(window));
        }
    }
}
