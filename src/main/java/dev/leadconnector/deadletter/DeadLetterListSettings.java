package dev.leadconnector.deadletter;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How {@code GET /actuator/deadletters} pages ({@code leads.dead-letter.list}; the defaults are written
 * once, in {@code application.yaml}).
 *
 * @param pageSize the letters a page holds when the request names no {@code limit}
 * @param maxPageSize the most a {@code limit} may ask for, and the most letter files one call reads
 */
@ConfigurationProperties("leads.dead-letter.list")
public record DeadLetterListSettings(int pageSize, int maxPageSize) {

    public DeadLetterListSettings {
        if (pageSize < 1 || maxPageSize < pageSize) {
            throw new IllegalArgumentException("leads.dead-letter.list: page-size must be at least 1 and at most "
                    + "max-page-size (" + pageSize + ", " + maxPageSize + ")");
        }
    }

    /** The page a request gets: its {@code limit} when it names one, at most {@link #maxPageSize}. */
    int pageOf(Integer limit) {
        return limit == null || limit < 1 ? pageSize : Math.min(limit, maxPageSize);
    }
}
