package dev.leadconnector.dedup;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.apache.camel.processor.idempotent.jdbc.JdbcMessageIdRepository;
import org.springframework.dao.DuplicateKeyException;

/**
 * Camel's JDBC idempotent repository, made safe for crashes and for several instances sharing it.
 *
 * <p>{@code add} claims a key with one INSERT, so the table's primary key decides which of two
 * racing consumers wins. The claim is a lease: it becomes a "seen" key only when Camel confirms it
 * after the lead was fully handled. A claim left by a process that died is taken over once older
 * than the lease; while it is younger, the lead is {@linkplain LeadBusyException busy}, not a
 * duplicate, so its message stays in the inbox instead of being dropped.
 */
public class LeaseMessageIdRepository extends JdbcMessageIdRepository {

    static final String CREATE = "CREATE TABLE IF NOT EXISTS CAMEL_MESSAGEPROCESSED (processorName VARCHAR(255), messageId VARCHAR(100), "
            + "createdAt TIMESTAMP, confirmed BOOLEAN DEFAULT FALSE NOT NULL, PRIMARY KEY (processorName, messageId))";
    private static final String STATE = "SELECT confirmed, createdAt FROM CAMEL_MESSAGEPROCESSED "
            + "WHERE processorName = ? AND messageId = ?";
    private static final String TAKE_OVER = "UPDATE CAMEL_MESSAGEPROCESSED SET createdAt = ? "
            + "WHERE processorName = ? AND messageId = ? AND confirmed = FALSE AND createdAt = ?";
    private static final String CONFIRM = "UPDATE CAMEL_MESSAGEPROCESSED SET confirmed = TRUE "
            + "WHERE processorName = ? AND messageId = ?";

    private final Duration lease;
    private final Clock clock;

    public LeaseMessageIdRepository(DataSource dataSource, String processorName, Duration lease, Clock clock) {
        super(dataSource, processorName);
        this.lease = lease;
        this.clock = clock;
        setCreateString(CREATE);
    }

    /**
     * Creates the table when it is missing. Camel's own start first probes the table with a query that
     * fails on a new database, which H2 records in a {@code dedup.trace.db} file beside it at every
     * first start; {@code IF NOT EXISTS} needs no probe. Instances starting together on a new database
     * race to create it: {@link SharedSchema} runs the statement once more for the loser.
     */
    @Override
    protected void doStart() {
        SharedSchema.create(jdbcTemplate, CREATE);
    }

    private record Claim(boolean confirmed, Timestamp claimedAt) {}

    @Override
    public boolean add(String key) {
        try {
            return jdbcTemplate.update(getInsertString(), processorName, key, now()) == 1;
        } catch (DuplicateKeyException alreadyThere) {
            return takeOverExpiredClaim(key);
        }
    }

    private boolean takeOverExpiredClaim(String key) {
        List<Claim> claims = jdbcTemplate.query(STATE,
                (row, i) -> new Claim(row.getBoolean(1), row.getTimestamp(2)), processorName, key);
        if (claims.isEmpty()) {
            return add(key); // removed in between: claim it again
        }
        Claim claim = claims.get(0);
        if (claim.confirmed()) {
            return false;
        }
        boolean expired = claim.claimedAt().toInstant().plus(lease).isBefore(clock.instant());
        if (expired && jdbcTemplate.update(TAKE_OVER, now(), processorName, key, claim.claimedAt()) == 1) {
            log.info("Took over the expired claim on {} {}", processorName, key);
            return true;
        }
        throw new LeadBusyException(processorName, key, lease);
    }

    @Override
    public boolean confirm(String key) {
        return jdbcTemplate.update(CONFIRM, processorName, key) == 1;
    }

    private Timestamp now() {
        return Timestamp.from(clock.instant());
    }

    /** Another consumer holds a fresh claim on this key: try the lead again later, do not drop it. */
    public static class LeadBusyException extends RuntimeException {
        public LeadBusyException(String processorName, String key, Duration lease) {
            super(processorName + " " + key + " is being handled elsewhere; its claim expires within " + lease);
        }
    }
}
