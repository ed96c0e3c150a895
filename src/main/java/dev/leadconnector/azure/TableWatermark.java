package dev.leadconnector.azure;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadconnector.dedup.SharedSchema;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * How far a polling source has read, kept in the de-duplication database (so it survives a restart
 * and is shared by instances): the Timestamp of the last entity read and the keys of the entities
 * read at exactly that Timestamp, since several entities can share one. The next poll asks for
 * {@code Timestamp ge} that time and leaves those keys out: nothing is skipped, nothing read twice.
 */
@Component
public class TableWatermark {

    static final String CREATE = "CREATE TABLE IF NOT EXISTS LEAD_SOURCE_WATERMARK (source VARCHAR(255) PRIMARY KEY, "
            + "lastTimestamp VARCHAR(40) NOT NULL, keysAtLast VARCHAR(10000) NOT NULL)";

    private final JdbcTemplate jdbc;
    private final ObjectMapper mapper;
    private volatile boolean created;

    public TableWatermark(DataSource dataSource, ObjectMapper mapper) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.mapper = mapper;
    }

    /** Where a source stands, or null when it has read nothing yet. */
    public record Position(OffsetDateTime timestamp, Set<String> keysAtTimestamp) {
        boolean alreadyRead(OffsetDateTime entityTimestamp, String key) {
            return entityTimestamp.isBefore(timestamp)
                    || entityTimestamp.isEqual(timestamp) && keysAtTimestamp.contains(key);
        }
    }

    public Position position(String source) {
        createTable();
        List<Position> found = jdbc.query("SELECT lastTimestamp, keysAtLast FROM LEAD_SOURCE_WATERMARK WHERE source = ?",
                (row, i) -> new Position(OffsetDateTime.parse(row.getString(1)), keys(row.getString(2))), source);
        return found.isEmpty() ? null : found.get(0);
    }

    /** Records that the entity {@code key} written at {@code timestamp} has been read. */
    public void advance(String source, OffsetDateTime timestamp, String key) {
        Position current = position(source);
        Set<String> keys = new HashSet<>();
        if (current != null && current.timestamp().isEqual(timestamp)) {
            keys.addAll(current.keysAtTimestamp());
        } else if (current != null && current.timestamp().isAfter(timestamp)) {
            return; // never move back
        }
        keys.add(key);
        String json = json(keys);
        if (jdbc.update("UPDATE LEAD_SOURCE_WATERMARK SET lastTimestamp = ?, keysAtLast = ? WHERE source = ?",
                timestamp.toString(), json, source) == 0) {
            jdbc.update("INSERT INTO LEAD_SOURCE_WATERMARK (source, lastTimestamp, keysAtLast) VALUES (?, ?, ?)",
                    source, timestamp.toString(), json);
        }
    }

    private void createTable() {
        if (!created) {
            SharedSchema.create(jdbc, CREATE);
            created = true;
        }
    }

    private Set<String> keys(String json) {
        try {
            return mapper.readValue(json, new TypeReference<Set<String>>() {});
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Unreadable watermark keys", e);
        }
    }

    private String json(Set<String> keys) {
        try {
            return mapper.writeValueAsString(keys);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
