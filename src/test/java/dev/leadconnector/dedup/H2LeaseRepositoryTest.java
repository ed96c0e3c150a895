package dev.leadconnector.dedup;

import java.nio.file.Path;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.io.TempDir;

/** The lease repository on the embedded default: an H2 file database. */
class H2LeaseRepositoryTest extends LeaseRepositoryContract {

    @TempDir
    static Path dir;
    private static JdbcDataSource dataSource;

    @Override
    DataSource dataSource() {
        if (dataSource == null) {
            dataSource = new JdbcDataSource();
            dataSource.setURL("jdbc:h2:file:" + dir.resolve("dedup").toAbsolutePath());
            dataSource.setUser("sa");
        }
        return dataSource;
    }
}
