package dev.leadconnector.dedup;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;

/** The lease repository on the embedded default: an H2 file database. */
class H2LeaseRepositoryTest extends LeaseRepositoryContract {

    @TempDir
    static Path dir;
    private static JdbcDataSource dataSource;
    /**
     * Held open for the class, as the application's connection pool holds it: H2 closes a file database
     * with its last connection, and this data source opens one per call (the race test makes hundreds).
     */
    private static Connection keepOpen;

    @Override
    DataSource dataSource() {
        if (dataSource == null) {
            dataSource = new JdbcDataSource();
            dataSource.setURL("jdbc:h2:file:" + dir.resolve("dedup").toAbsolutePath());
            dataSource.setUser("sa");
            try {
                keepOpen = dataSource.getConnection();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
        return dataSource;
    }

    @AfterAll
    static void closeTheHeldConnection() throws SQLException {
        if (keepOpen != null) {
            keepOpen.close();
        }
    }
}
