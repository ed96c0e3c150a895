package dev.leadconnector.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.springframework.jdbc.core.JdbcTemplate;

/** A campaign burst: many leads in the inbox at once, and what each target made of them. */
public final class Bursts {

    private Bursts() {
    }

    /**
     * Posts every lead while dispatch is stopped, then starts it: dispatch finds them all in the
     * inbox at once, as after a campaign mail. Returns the lead ids, in posting order.
     */
    public static List<String> burst(RunningConnector connector, List<String> leads) {
        CamelContext camel = connector.context().getBean(CamelContext.class);
        List<String> ids = new ArrayList<>();
        try {
            camel.getRouteController().stopRoute("lead-dispatch");
            for (String lead : leads) {
                var answer = connector.postLead(lead);
                assertThat(answer.statusCode()).isEqualTo(202);
                ids.add(RunningConnector.acceptedId(answer));
            }
            camel.getRouteController().startRoute("lead-dispatch");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return ids;
    }

    /**
     * A burst of {@code count} INS leads of new customers ({@code <prefix>-<i>@contoso.example}), and
     * the wait until the target has every one of them. Returns the lead ids, in posting order.
     */
    public static List<String> deliveredBurst(RunningConnector connector, String target, String prefix, int count,
                                              Duration within) {
        List<String> ids = burst(connector, IntStream.range(0, count)
                .mapToObj(i -> TestLeads.lead(prefix + "-" + i + "@contoso.example", "INS")).toList());
        awaitDelivered(connector, target, ids, within);
        return ids;
    }

    /** How many of these leads the target has for good (their delivery key is confirmed). */
    public static int delivered(RunningConnector connector, String target, List<String> leadIds) {
        JdbcTemplate jdbc = new JdbcTemplate(connector.context().getBean(DataSource.class));
        List<String> keys = jdbc.queryForList("SELECT messageId FROM CAMEL_MESSAGEPROCESSED "
                + "WHERE processorName = 'lead-delivery' AND confirmed AND messageId LIKE ?", String.class, target + ":%");
        return (int) leadIds.stream().filter(id -> keys.contains(target + ":" + id)).count();
    }

    /** Waits until the target has every one of these leads. */
    public static void awaitDelivered(RunningConnector connector, String target, List<String> leadIds, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(200))
                .until(() -> delivered(connector, target, leadIds) == leadIds.size());
    }
}
