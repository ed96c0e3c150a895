package dev.leadconnector.dedup;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.DuplicateKeyException;

/**
 * The persistent idempotent repository behind the dispatch route's {@code idempotentConsumer}:
 * embedded H2 by default, PostgreSQL when several instances share it ({@code leads.dedup.jdbc-url}).
 */
@Configuration(proxyBeanMethods = false)
public class DedupConfiguration {

    /** The processor name under which dispatched lead ids are kept. */
    public static final String DISPATCH = "lead-dispatch";

    @Bean
    public JdbcMessageIdRepository dedupRepository(DataSource dataSource) {
        return new InsertOnceMessageIdRepository(dataSource, DISPATCH);
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

    /**
     * Adds a key with one INSERT and lets the table's primary key decide: two instances racing on
     * the same lead cannot both win, and there is no SELECT-then-INSERT round trip.
     */
    static final class InsertOnceMessageIdRepository extends JdbcMessageIdRepository {

        InsertOnceMessageIdRepository(DataSource dataSource, String processorName) {
            super(dataSource, processorName);
        }

        @Override
        public boolean add(String key) {
            try {
                return insert(key) == 1;
            } catch (DuplicateKeyException e) {
                return false;
            }
        }
    }
}
