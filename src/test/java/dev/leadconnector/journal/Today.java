package dev.leadconnector.journal;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * Today in the machine's zone, as the desk's charts count days: asked for by each test when it needs it, so
 * that a run crossing midnight does not mix two days' notion of today.
 */
record Today(ZoneId zone, LocalDate date) {

    static Today here() {
        ZoneId zone = ZoneId.systemDefault();
        return new Today(zone, LocalDate.now(zone));
    }

    Instant midnight() {
        return date.atStartOfDay(zone).toInstant();
    }

    Instant noon() {
        return date.atTime(12, 0).atZone(zone).toInstant();
    }

    /** Noon so many days before today's, counted in seconds as the leads' times are. */
    Instant noonDaysAgo(long days) {
        return noon().minusSeconds(days * 86_400L);
    }

    /** The first charted day's midnight. */
    Instant chartsStart() {
        return date.minusDays(DayCounts.DAYS - 1).atStartOfDay(zone).toInstant();
    }
}
