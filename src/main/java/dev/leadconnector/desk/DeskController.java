package dev.leadconnector.desk;

import static dev.leadconnector.desk.Html.param;
import static dev.leadconnector.desk.Html.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadconnector.deadletter.DeadLetterStore;
import dev.leadconnector.journal.JournalStore;
import dev.leadconnector.journal.JournalStore.DayCount;
import dev.leadconnector.journal.JournalStore.LeadRow;
import dev.leadconnector.journal.JournalStore.TargetCount;
import dev.leadconnector.journal.Journey;
import dev.leadconnector.journal.LeadJournal;
import dev.leadconnector.journal.LeadsEndpoint;
import dev.leadconnector.logging.PersonalDataMasking;
import dev.leadconnector.management.ManagementRoles;
import dev.leadconnector.targets.RoutingSettings;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The lead desk ({@code /desk} on the management port): today's numbers, leads per day for 30 days,
 * the newest leads with where each went, a lead's journey; the operator also replays what is parked.
 * Pages are built here, every lead text through {@link Html#text}; no script or style from anywhere
 * but the jar ({@link #CSP}). Every query is bounded ({@link JournalStore#newestLeads},
 * {@link JournalStore#leadsPerDay}, {@link JournalStore#targetEventsSince}).
 */
@Controller
public class DeskController {

    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; frame-ancestors 'none'; form-action 'self'";
    static final int PAGE = 25;
    static final int DAYS = 30;
    /** The most dead letters a count reads before it says "at least". */
    static final int MOST_LETTERS_COUNTED = 5000;
    private static final Pattern LEAD_ID = Pattern.compile("[0-9a-f]{32}");
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.of("UTC"));
    private static final String[] COLOURS = {"#2f6fb3", "#e0822c", "#3a9a5b", "#b53d3d", "#7b5bb5", "#8c6d31", "#c452a4", "#5f6b73"};
    private static final Set<String> ASSETS = Set.of("desk.css", "desk.js");

    private final JournalStore store;
    private final LeadsEndpoint leads;
    private final LeadJournal journal;
    private final DeadLetterStore deadLetters;
    private final RoutingSettings routing;
    private final ObjectMapper mapper;

    public DeskController(JournalStore store, LeadsEndpoint leads, LeadJournal journal, DeadLetterStore deadLetters,
                          RoutingSettings routing, ObjectMapper mapper) {
        this.store = store;
        this.leads = leads;
        this.journal = journal;
        this.deadLetters = deadLetters;
        this.routing = routing;
        this.mapper = mapper;
    }

    // ---------------------------------------------------------------- pages

    @GetMapping({"/desk", "/desk/"})
    public ResponseEntity<String> desk(HttpServletRequest request, @RequestParam(required = false) String q,
                                       @RequestParam(defaultValue = "0") int page) {
        int from = Math.max(0, Math.min(page, 1000)) * PAGE;
        StringBuilder body = new StringBuilder();
        Summary summary = summary();
        boolean operator = operator(request);
        body.append("<section class=\"today\"><h2>Today</h2><div class=\"cards\">")
                .append(card("Leads received", "today", summary.today));
        summary.targets.forEach((target, counts) -> body.append("<div class=\"card target\"><h3>").append(text(target))
                .append("</h3><p><span class=\"n ok\" data-live=\"").append(text(target)).append(".delivered\">")
                .append(counts.getOrDefault("delivered", 0L)).append("</span> delivered today</p>")
                .append("<p><span class=\"n warn\" data-live=\"").append(text(target)).append(".retrying\">")
                .append(counts.getOrDefault("retrying", 0L)).append("</span> retried today</p>")
                .append("<p><span class=\"n bad\" data-live=\"").append(text(target)).append(".parked\">")
                .append(counts.getOrDefault("parked", 0L)).append("</span> parked now")
                .append(operator && counts.getOrDefault("parked", 0L) > 0
                        ? " <a class=\"replay\" href=\"/desk/replay?target=" + param(target) + "\">replay…</a>" : "")
                .append("</p></div>"));
        body.append("</div><p class=\"note\">Updates by itself every 30 seconds. Parked: letters in the dead-letter store.</p></section>");

        body.append("<section><h2>Leads per day, last ").append(DAYS).append(" days, by action</h2>").append(chart())
                .append("</section>");

        body.append("<section><h2>Leads</h2><form class=\"search\" method=\"get\" action=\"/desk\">")
                .append("<input type=\"search\" name=\"q\" id=\"q\" placeholder=\"e-mail or lead id\" value=\"")
                .append(text(q)).append("\"> <button type=\"submit\">Search</button>");
        if (q != null && !q.isBlank()) {
            body.append(" <a href=\"/desk\">all leads</a>");
        }
        body.append("</form>");
        List<LeadRow> rows = rows(q, from);
        body.append("<table class=\"leads\" id=\"leads\"><thead><tr><th>When (UTC)</th><th>Who</th><th>Offer</th>")
                .append("<th>Action / stage</th><th>Targets</th></tr></thead><tbody>");
        if (rows.isEmpty()) {
            body.append("<tr><td colspan=\"5\">No leads").append(q == null || q.isBlank() ? "" : " match").append(".</td></tr>");
        }
        for (LeadRow row : rows) {
            Journey journey = leads.getJourney(row.leadId());
            if (journey != null) {
                body.append(leadRow(journey, operator));
            }
        }
        body.append("</tbody></table>");
        if (q == null || q.isBlank()) {
            body.append("<p class=\"pages\">");
            if (page > 0) {
                body.append("<a href=\"/desk?page=").append(page - 1).append("\">&larr; newer</a> ");
            }
            if (rows.size() == PAGE) {
                body.append("<a href=\"/desk?page=").append(page + 1).append("\">older &rarr;</a>");
            }
            body.append("</p>");
        }
        body.append("</section>");
        return page(request, "Lead desk", body.toString());
    }

    @GetMapping("/desk/leads/{leadId}")
    public ResponseEntity<String> lead(HttpServletRequest request, @PathVariable String leadId,
                                       @RequestParam(required = false) String replayed) {
        if (!LEAD_ID.matcher(leadId).matches()) {
            return notFound(request, "A lead id is 32 lower-case hex digits.");
        }
        Journey journey = leads.getJourney(leadId);
        if (journey == null) {
            return notFound(request, "The journal has no lead with this id (never received, or older than leads.dedup.window).");
        }
        boolean operator = operator(request);
        JsonNode lead = journey.lead();
        StringBuilder body = new StringBuilder();
        if (replayed != null) {
            body.append("<p class=\"flash\">Replayed: ").append(text(replayed)).append("</p>");
        }
        body.append("<p><a href=\"/desk\">&larr; the desk</a></p>");
        body.append("<section><h2>").append(text(who(lead))).append("</h2><dl class=\"facts\">")
                .append(fact("Lead id", "<code>" + text(journey.leadId()) + "</code>"))
                .append(fact("Received", text(WHEN.format(journey.receivedAt())) + " UTC"))
                .append(fact("Company", text(lead.path("customer").path("company").asText(""))))
                .append(fact("E-mail", text(email(lead, operator))))
                .append(fact("Offer", text(lead.path("offer").path("title").asText(""))))
                .append(fact("Action / stage", text(lead.path("action").asText("") + " / " + lead.path("stage").asText(""))))
                .append(fact("Came again", String.valueOf(journey.duplicates())))
                .append("</dl></section>");

        body.append("<section><h2>Where it went</h2><table class=\"targets\" id=\"targets\"><thead><tr><th>Target</th>")
                .append("<th>Status</th><th>Attempts</th>").append(operator ? "<th></th>" : "").append("</tr></thead><tbody>");
        for (Journey.Target target : journey.targets()) {
            body.append("<tr data-target=\"").append(text(target.target())).append("\"><td>").append(text(target.target()))
                    .append("</td><td>").append(status(target)).append("</td><td>").append(target.attempts().size()).append("</td>");
            if (operator) {
                body.append("<td>");
                if (Journey.PARKED.equals(target.state())) {
                    body.append("<a class=\"button replay\" href=\"/desk/replay?leadId=").append(param(journey.leadId()))
                            .append("&amp;target=").append(param(target.target())).append("\">Replay…</a>");
                }
                body.append("</td>");
            }
            body.append("</tr>");
        }
        body.append("</tbody></table></section>");

        body.append("<section><h2>Journey</h2><ol class=\"timeline\" id=\"timeline\">");
        for (Journey.Step step : journey.events()) {
            body.append("<li class=\"event-").append(text(step.event())).append("\"><time>").append(text(WHEN.format(step.at())))
                    .append("</time> <strong>").append(text(step.event())).append("</strong>");
            if (step.target() != null) {
                body.append(" at ").append(text(step.target()));
            }
            if (step.attempt() != null) {
                body.append(", attempt ").append(step.attempt());
            }
            if (step.recordId() != null) {
                body.append(", record ").append(text(step.recordId()));
            }
            if (step.detail() != null && !step.detail().isEmpty()) {
                body.append("<div class=\"detail\">").append(text(masked(words(step.detail()), operator))).append("</div>");
            }
            body.append("</li>");
        }
        body.append("</ol></section>");

        body.append("<section><h2>The lead as received</h2>");
        body.append(operator ? "<p class=\"note\">In full (operator).</p>"
                : "<p class=\"note\">E-mail addresses and phone numbers masked, as the logs mask them; an operator sees them in full.</p>");
        body.append("<pre class=\"payload\" id=\"payload\">").append(text(masked(pretty(lead), operator))).append("</pre></section>");
        return page(request, "Lead " + journey.leadId(), body.toString());
    }

    /** The confirmation: what a replay would touch, counted first; only an operator gets the button. */
    @GetMapping("/desk/replay")
    public ResponseEntity<String> confirmReplay(HttpServletRequest request, @RequestParam(required = false) String target,
                                                @RequestParam(required = false) String leadId,
                                                @RequestParam(required = false) String reason) {
        DeadLetterStore.Filter filter = filter(target, leadId, reason);
        if (filter == null) {
            return notFound(request, "Replay what? Name a target, a lead id or a reason (a known target, a 32-digit lead id, a reason of at most 200 characters).");
        }
        long count = countLetters(filter);
        String many = (count >= MOST_LETTERS_COUNTED ? "at least " : "") + count + (count == 1 ? " parked lead" : " parked leads");
        StringBuilder body = new StringBuilder("<section class=\"confirm\"><h2>Replay</h2><p id=\"count\">This will replay <strong>")
                .append(text(many)).append("</strong>").append(describe(filter)).append(".</p>");
        if (count == 0) {
            body.append("<p>Nothing to replay.</p>");
        } else if (!operator(request)) {
            body.append("<p>Only an operator may replay.</p>");
        } else {
            body.append("<form method=\"post\" action=\"/desk/replay\">").append(csrf(request))
                    .append(hidden("target", target)).append(hidden("leadId", leadId)).append(hidden("reason", reason))
                    .append("<button type=\"submit\" id=\"confirm\" class=\"danger\">Replay ").append(text(many))
                    .append("</button> <a href=\"").append(leadId == null ? "/desk" : "/desk/leads/" + text(leadId))
                    .append("\">cancel</a></form>");
        }
        body.append("</section>");
        return page(request, "Replay", body.toString());
    }

    /** The operator's replay (the security chain lets only an operator, with the CSRF token, POST). */
    @PostMapping("/desk/replay")
    public ResponseEntity<String> replay(HttpServletRequest request, @RequestParam(required = false) String target,
                                         @RequestParam(required = false) String leadId,
                                         @RequestParam(required = false) String reason) {
        DeadLetterStore.Filter filter = filter(target, leadId, reason);
        if (filter == null) {
            return notFound(request, "Replay what?");
        }
        List<DeadLetterStore.Outcome> outcomes = deadLetters.replay(filter);
        if (leadId != null && !leadId.isBlank()) {
            String said = outcomes.isEmpty() ? "nothing was parked" : outcomes.stream()
                    .map(o -> (o.target() == null ? "router" : o.target()) + ": " + o.result()).reduce((a, b) -> a + "; " + b).orElse("");
            return ResponseEntity.status(HttpStatus.SEE_OTHER)
                    .location(URI.create("/desk/leads/" + leadId + "?replayed=" + param(said))).build();
        }
        StringBuilder body = new StringBuilder("<section><h2>Replayed ").append(outcomes.size())
                .append(outcomes.size() == 1 ? " lead" : " leads").append("</h2><table><thead><tr><th>Lead</th><th>Target</th><th>Result</th></tr></thead><tbody>");
        for (DeadLetterStore.Outcome outcome : outcomes) {
            body.append("<tr><td><a href=\"/desk/leads/").append(text(outcome.leadId())).append("\">").append(text(outcome.leadId()))
                    .append("</a></td><td>").append(text(outcome.target() == null ? "router" : outcome.target()))
                    .append("</td><td>").append(text(outcome.result())).append("</td></tr>");
        }
        body.append("</tbody></table><p><a href=\"/desk\">&larr; the desk</a></p></section>");
        return page(request, "Replayed", body.toString());
    }

    /** Today's numbers, as the page's script refreshes them. */
    @GetMapping(value = "/desk/summary", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<String> summaryJson() throws JsonProcessingException {
        Summary summary = summary();
        Map<String, Object> live = new LinkedHashMap<>();
        live.put("today", summary.today);
        summary.targets.forEach((target, counts) -> counts.forEach((state, n) -> live.put(target + "." + state, n)));
        return ResponseEntity.ok().header("Content-Security-Policy", CSP).cacheControl(CacheControl.noStore())
                .body(mapper.writeValueAsString(live));
    }

    @GetMapping("/desk/assets/{name}")
    public ResponseEntity<byte[]> asset(@PathVariable String name) throws IOException {
        if (!ASSETS.contains(name)) {
            return ResponseEntity.notFound().build();
        }
        try (InputStream in = DeskController.class.getResourceAsStream("/desk/" + name)) {
            if (in == null) {
                return ResponseEntity.notFound().build();
            }
            return ResponseEntity.ok()
                    .contentType(name.endsWith(".css") ? MediaType.valueOf("text/css;charset=UTF-8")
                            : MediaType.valueOf("text/javascript;charset=UTF-8"))
                    .header("X-Content-Type-Options", "nosniff")
                    .cacheControl(CacheControl.maxAge(java.time.Duration.ofMinutes(5)))
                    .body(in.readAllBytes());
        }
    }

    // ---------------------------------------------------------------- parts

    /** Today's leads, and per target: delivered and retried today (journal), parked now (dead-letter store). */
    record Summary(long today, Map<String, Map<String, Long>> targets) {}

    Summary summary() {
        Instant midnight = LocalDate.now(ZoneId.systemDefault()).atStartOfDay(ZoneId.systemDefault()).toInstant();
        long today = store.leadsPerDay(midnight, 1000).stream().mapToLong(DayCount::leads).sum();
        Map<String, Map<String, Long>> targets = new TreeMap<>();
        routing.targets().forEach((name, settings) -> {
            if (settings.enabled()) {
                targets.put(name, new LinkedHashMap<>());
            }
        });
        for (TargetCount count : store.targetEventsSince(midnight, 1000)) {
            String state = switch (count.event()) {
                case LeadJournal.DELIVERED -> "delivered";
                case LeadJournal.ATTEMPT -> "retrying";
                default -> null;
            };
            if (state != null) {
                targets.computeIfAbsent(count.target(), t -> new LinkedHashMap<>()).merge(state, count.leads(), Long::sum);
            }
        }
        parkedByTarget().forEach((target, n) -> targets.computeIfAbsent(target, t -> new LinkedHashMap<>()).put("parked", n));
        return new Summary(today, targets);
    }

    private Map<String, Long> parkedByTarget() {
        Map<String, Long> parked = new TreeMap<>();
        String after = null;
        int read = 0;
        do {
            DeadLetterStore.Page letters = deadLetters.list(new DeadLetterStore.Filter(null, null, null), 1000, after);
            for (DeadLetterStore.Summary letter : letters.letters()) {
                parked.merge(letter.target() == null ? "router" : letter.target(), 1L, Long::sum);
            }
            read += letters.letters().size();
            after = letters.next();
        } while (after != null && read < MOST_LETTERS_COUNTED);
        return parked;
    }

    private long countLetters(DeadLetterStore.Filter filter) {
        long count = 0;
        String after = null;
        do {
            DeadLetterStore.Page letters = deadLetters.list(filter, 1000, after);
            count += letters.letters().size();
            after = letters.next();
        } while (after != null && count < MOST_LETTERS_COUNTED);
        return count;
    }

    private List<LeadRow> rows(String q, int from) {
        if (q == null || q.isBlank()) {
            return store.newestLeads(PAGE, from);
        }
        String query = q.trim();
        if (LEAD_ID.matcher(query).matches()) {
            LeadRow row = store.lead(query);
            return row == null ? List.of() : List.of(row);
        }
        return query.length() > 320 ? List.of() : store.leadsByEmailHash(journal.emailHash(query), PAGE);
    }

    private String leadRow(Journey journey, boolean operator) {
        JsonNode lead = journey.lead();
        StringBuilder row = new StringBuilder("<tr class=\"lead\" data-lead=\"").append(text(journey.leadId())).append("\"><td><a href=\"/desk/leads/")
                .append(text(journey.leadId())).append("\">").append(text(WHEN.format(journey.receivedAt()))).append("</a></td><td>")
                .append(text(who(lead))).append("<br><small>").append(text(lead.path("customer").path("company").asText("")))
                .append(" &middot; ").append(text(email(lead, operator))).append("</small></td><td>")
                .append(text(lead.path("offer").path("title").asText(""))).append("</td><td>")
                .append(text(lead.path("action").asText(""))).append(" / ").append(text(lead.path("stage").asText("")))
                .append("</td><td><ul class=\"states\">");
        for (Journey.Target target : journey.targets()) {
            row.append("<li data-target=\"").append(text(target.target())).append("\"><b>").append(text(target.target()))
                    .append("</b> ").append(status(target)).append("</li>");
        }
        return row.append("</ul></td></tr>").toString();
    }

    /** A target's status in words: delivered (with the CRM's link), parked (the reason), retrying (the next attempt), … */
    private static String status(Journey.Target target) {
        String state = target.state();
        StringBuilder out = new StringBuilder("<span class=\"state state-").append(text(state)).append("\">").append(text(state)).append("</span>");
        if (Journey.DELIVERED.equals(state)) {
            String link = Html.safeLink(target.link());
            if (link != null) {
                out.append(" <a href=\"").append(link).append("\" rel=\"noopener noreferrer\" target=\"_blank\">CRM record</a>");
            } else if (target.recordId() != null) {
                out.append(" <small>record ").append(text(target.recordId())).append("</small>");
            }
        } else if (Journey.RETRYING.equals(state) && !target.attempts().isEmpty()) {
            Journey.Attempt last = target.attempts().get(target.attempts().size() - 1);
            out.append(" <small>attempt ").append(last.attempt()).append(last.next() == null ? "" : ", next: " + text(last.next()))
                    .append("</small>");
        } else if (target.reason() != null) {
            out.append(" <small>").append(text(target.reason())).append("</small>");
        }
        return out.toString();
    }

    /** Leads per day for the last 30 days, stacked by action: an SVG drawn here, no chart library. */
    private String chart() {
        ZoneId zone = ZoneId.systemDefault();
        LocalDate today = LocalDate.now(zone);
        LocalDate first = today.minusDays(DAYS - 1);
        Map<LocalDate, Map<String, Long>> days = new TreeMap<>();
        Set<String> actions = new TreeSet<>();
        for (DayCount count : store.leadsPerDay(first.atStartOfDay(zone).toInstant(), DAYS * 64)) {
            String action = count.action() == null ? "(none)" : count.action();
            actions.add(action);
            days.computeIfAbsent(count.day(), d -> new TreeMap<>()).merge(action, count.leads(), Long::sum);
        }
        List<String> legend = new ArrayList<>(actions);
        long most = Math.max(1, days.values().stream().mapToLong(m -> m.values().stream().mapToLong(Long::longValue).sum()).max().orElse(1));
        int width = 900;
        int height = 180;
        int top = 20;
        int slot = width / DAYS;
        StringBuilder svg = new StringBuilder("<svg class=\"chart\" id=\"chart\" viewBox=\"0 0 ").append(width).append(' ')
                .append(height + 60).append("\" role=\"img\" aria-label=\"Leads per day\">");
        for (int i = 0; i < DAYS; i++) {
            LocalDate day = first.plusDays(i);
            Map<String, Long> counts = days.getOrDefault(day, Map.of());
            long total = counts.values().stream().mapToLong(Long::longValue).sum();
            int x = i * slot + 4;
            svg.append("<g data-day=\"").append(day).append("\" data-count=\"").append(total).append("\"")
                    .append(day.equals(today) ? " class=\"today\" id=\"chart-today\"" : "").append("><title>").append(day).append(": ")
                    .append(total).append(total == 1 ? " lead" : " leads");
            counts.forEach((action, n) -> svg.append(", ").append(text(action)).append(' ').append(n));
            svg.append("</title>");
            double y = top + height;
            for (Map.Entry<String, Long> entry : counts.entrySet()) {
                double h = (double) entry.getValue() * height / most;
                y -= h;
                svg.append(String.format(java.util.Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"%s\"/>",
                        x, y, slot - 8, h, COLOURS[legend.indexOf(entry.getKey()) % COLOURS.length]));
            }
            if (total > 0) {
                svg.append(String.format(java.util.Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"11\">%d</text>",
                        x + (slot - 8) / 2, y - 4, total));
            }
            if (i % 5 == 4 || day.equals(today)) {
                svg.append("<text x=\"").append(x + (slot - 8) / 2).append("\" y=\"").append(top + height + 16)
                        .append("\" text-anchor=\"middle\" font-size=\"10\" fill=\"#555\">")
                        .append(day.equals(today) ? "today" : day.format(DateTimeFormatter.ofPattern("d MMM", java.util.Locale.ENGLISH))).append("</text>");
            }
            svg.append("</g>");
        }
        svg.append("<line x1=\"0\" x2=\"").append(width).append("\" y1=\"").append(top + height).append("\" y2=\"")
                .append(top + height).append("\" stroke=\"#999\"/>");
        for (int i = 0; i < legend.size(); i++) {
            int x = 4 + i * 150;
            svg.append("<rect x=\"").append(x).append("\" y=\"").append(top + height + 30).append("\" width=\"12\" height=\"12\" fill=\"")
                    .append(COLOURS[i % COLOURS.length]).append("\"/><text x=\"").append(x + 16).append("\" y=\"")
                    .append(top + height + 40).append("\" font-size=\"12\">").append(text(legend.get(i))).append("</text>");
        }
        if (legend.isEmpty()) {
            svg.append("<text x=\"4\" y=\"").append(top + height + 40).append("\" font-size=\"12\">No leads in the last ")
                    .append(DAYS).append(" days.</text>");
        }
        return svg.append("</svg>").toString();
    }

    private DeadLetterStore.Filter filter(String target, String leadId, String reason) {
        target = blankToNull(target);
        leadId = blankToNull(leadId);
        reason = blankToNull(reason);
        if (target == null && leadId == null && reason == null) {
            return null;
        }
        if ((target != null && !target.equals("router") && !routing.targets().containsKey(target))
                || (leadId != null && !LEAD_ID.matcher(leadId).matches()) || (reason != null && reason.length() > 200)) {
            return null;
        }
        return new DeadLetterStore.Filter(target, leadId, reason);
    }

    private static String describe(DeadLetterStore.Filter filter) {
        StringBuilder out = new StringBuilder();
        if (filter.leadId() != null) {
            out.append(" of lead <code>").append(text(filter.leadId())).append("</code>");
        }
        if (filter.target() != null) {
            out.append(" parked at <b>").append(text(filter.target())).append("</b>");
        }
        if (filter.reason() != null) {
            out.append(" whose reason says &ldquo;").append(text(filter.reason())).append("&rdquo;");
        }
        return out.toString();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static boolean operator(HttpServletRequest request) {
        return request.isUserInRole(ManagementRoles.OPERATOR);
    }

    private static String who(JsonNode lead) {
        String name = (lead.path("customer").path("firstName").asText("") + " " + lead.path("customer").path("lastName").asText("")).trim();
        return name.isEmpty() ? "(no name)" : name;
    }

    private static String email(JsonNode lead, boolean operator) {
        return masked(lead.path("customer").path("email").asText(""), operator);
    }

    /** For a viewer, e-mail addresses and phone numbers masked as the logs mask them ({@link PersonalDataMasking}). */
    private static String masked(String text, boolean operator) {
        return operator ? text : PersonalDataMasking.mask(text);
    }

    /** An event's detail in words, not JSON: {@code name: value · name: value}. */
    static String words(JsonNode detail) {
        if (!detail.isContainerNode()) {
            return detail.asText();
        }
        List<String> parts = new ArrayList<>();
        if (detail.isArray()) {
            detail.forEach(item -> parts.add(words(item)));
            return parts.isEmpty() ? "none" : String.join(", ", parts);
        }
        detail.fields().forEachRemaining(field -> {
            JsonNode value = field.getValue();
            parts.add(field.getKey() + ": " + (value.isContainerNode() && value.isEmpty() ? "none"
                    : value.isObject() ? "(" + words(value) + ")" : words(value)));
        });
        return String.join(" · ", parts);
    }

    private String pretty(JsonNode lead) {
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(lead);
        } catch (JsonProcessingException e) {
            return lead.toString();
        }
    }

    private static String card(String title, String live, long n) {
        return "<div class=\"card\"><h3>" + text(title) + "</h3><p><span class=\"n big\" id=\"today-count\" data-live=\""
                + text(live) + "\">" + n + "</span></p></div>";
    }

    private static String fact(String name, String html) {
        return "<dt>" + text(name) + "</dt><dd>" + html + "</dd>";
    }

    private static String hidden(String name, String value) {
        return value == null || value.isBlank() ? ""
                : "<input type=\"hidden\" name=\"" + text(name) + "\" value=\"" + text(value.trim()) + "\">";
    }

    /** The masked CSRF token, as the login form carries it. */
    private static String csrf(HttpServletRequest request) {
        CsrfToken token = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
        return token == null ? "" : hidden(token.getParameterName(), token.getToken());
    }

    private ResponseEntity<String> notFound(HttpServletRequest request, String message) {
        ResponseEntity<String> page = page(request, "Not found", "<p>" + text(message) + "</p><p><a href=\"/desk\">&larr; the desk</a></p>");
        return ResponseEntity.status(HttpStatus.NOT_FOUND).headers(page.getHeaders()).body(page.getBody());
    }

    private ResponseEntity<String> page(HttpServletRequest request, String title, String body) {
        String user = request.getUserPrincipal() == null ? "" : request.getUserPrincipal().getName();
        String role = operator(request) ? "operator" : "viewer";
        String html = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + text(title)
                + "</title><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<link rel=\"stylesheet\" href=\"/desk/assets/desk.css\"><script src=\"/desk/assets/desk.js\" defer></script>"
                + "</head><body class=\"role-" + role + "\"><header><h1><a href=\"/desk\">Lead desk</a></h1><nav>"
                + "<span class=\"user\">" + text(user) + " (" + role + ")</span> <a href=\"/actuator/hawtio/\">Hawtio</a> "
                + "<form class=\"logout\" method=\"post\" action=\"/logout\">" + csrf(request)
                + "<button type=\"submit\">Log out</button></form></nav></header><main>" + body + "</main></body></html>";
        HttpHeaders headers = new HttpHeaders();
        headers.set("Content-Security-Policy", CSP);
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        headers.setCacheControl(CacheControl.noStore());
        headers.setContentType(MediaType.valueOf("text/html;charset=UTF-8"));
        return new ResponseEntity<>(html, headers, HttpStatus.OK);
    }
}
