package dev.leadconnector.dedup;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Creates tables and indexes that several instances, starting together on one new database, may
 * all try to create at once. PostgreSQL's {@code CREATE ... IF NOT EXISTS} is not safe against
 * that: the loser fails with "relation already exists" (or a unique violation in its catalog).
 * Once the winner has committed, the same statement finds the object and does nothing, so each
 * statement that fails is run once more; a real error fails again.
 */
public final class SharedSchema {

    private SharedSchema() {
    }

    /** Runs each {@code IF NOT EXISTS} statement, once more when it lost a race. */
    public static void create(JdbcTemplate jdbc, String... statements) {
        for (String statement : statements) {
            try {
                jdbc.execute(statement);
            } catch (DataAccessException raced) {
                jdbc.execute(statement);
            }
        }
    }
}
