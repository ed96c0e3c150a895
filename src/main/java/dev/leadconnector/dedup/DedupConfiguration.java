package dev.leadconnector.dedup;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Value;
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
    public LeaseMessageIdRepository dedupRepository(DataSource dataSource,
                                                    @Value("${leads.dedup.lease:PT2M}") Duration lease) {
        return new LeaseMessageIdRepository(dataSource, DISPATCH, lease, Clock.systemUTC());
    }

    @Bean
    public LeaseMessageIdRepository deliveryRepository(DataSource dataSource,
                                                       @Value("${leads.dedup.lease:PT2M}") Duration lease) {
        return new LeaseMessageIdRepository(dataSource, DELIVERY, lease, Clock.systemUTC());
    }

    /** The oldest key still kept: the route {@code dedup-expiry} deletes the ones before it. */
    @Bean
    public DedupWindow dedupWindow(@Value("${leads.dedup.window:P30D}") Duration window) {
        return new DedupWindow(window, Clock.systemUTC());
    }

    public record DedupWindow(Duration window, Clock clock) {
        public Timestamp cutoff() {
            return Timestamp.from(clock.instant().minus(window));
        }
    }
}
