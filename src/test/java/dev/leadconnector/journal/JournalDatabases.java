package dev.leadconnector.journal;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The journal's two databases for its tests: a new, empty one of either kind per call, the PostgreSQL ones on one
 * embedded server per test JVM (started at its first use, closed when the JVM ends), where each test class started
 * its own.
 */
final class JournalDatabases {

    private static final AtomicInteger MADE = new AtomicInteger();
    private static EmbeddedPostgres postgres;

    private JournalDatabases() {
    }

    /** The kinds, for {@code @MethodSource("dev.leadconnector.journal.JournalDatabases#kinds")}. */
    static Stream<String> kinds() {
        return Stream.of("h2", "postgresql");
    }

    /** A new, empty database of the kind ({@code h2} in memory, {@code postgresql} on the shared server). */
    static DataSource fresh(String kind) {
        String name = "journal" + MADE.incrementAndGet();
        if (kind.equals("h2")) {
            JdbcDataSource h2 = new JdbcDataSource();
            h2.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
            return h2;
        }
        new JdbcTemplate(postgres().getPostgresDatabase()).execute("CREATE DATABASE " + name);
        return postgres().getDatabase("postgres", name);
    }

    static synchronized EmbeddedPostgres postgres() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            EmbeddedPostgres started = postgres;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException ignored) {
                    // the JVM is ending
                }
            }));
        }
        return postgres;
    }
}
