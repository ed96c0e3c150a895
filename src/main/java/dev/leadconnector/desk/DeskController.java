package dev.leadconnector.desk;

import static dev.leadconnector.desk.Html.param;
import static dev.leadconnector.desk.Html.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadconnector.deadletter.DeadLetterStore;
import dev.leadconnector.journal.JournalStore;
import dev.leadconnector.journal.JournalStore.DayActionOfferCount;
import dev.leadconnector.journal.JournalStore.DayCount;
import dev.leadconnector.journal.JournalStore.LeadFilter;
import dev.leadconnector.journal.JournalStore.LeadRow;
import dev.leadconnector.journal.JournalStore.TargetCount;
import dev.leadconnector.journal.Journey;
import dev.leadconnector.journal.LeadJournal;
import dev.leadconnector.journal.LeadsEndpoint;
import dev.leadconnector.logging.PersonalDataMasking;
import dev.leadconnector.management.ManagementRoles;
import dev.leadconnector.targets.RoutingSettings;
import dev.leadconnector.targets.backfill.TargetBackfill;
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
 * The lead desk ({@code /desk} on the management port): today's numbers, leads per day for 30 days by
 * action and by offer, the newest leads with where each went (filtered by offer, target and status, a
 * keyset page at a time), a lead's journey; the operator also replays what is parked and backfills a
 * target, each after a confirmation that counts. Pages are built here, every lead text through
 * {@link Html#text}; no script or style from anywhere but the jar ({@link #CSP}). Every query is bounded
 * ({@link JournalStore#leads}, {@link JournalStore#leadsPerDay}, {@link JournalStore#leadsPerDayByActionAndOffer},
 * {@link JournalStore#targetEventsSince}, {@link TargetBackfill#count}).
 */
@Controller
public class DeskController {

    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; frame-ancestors 'none'; form-action 'self'";
    static final int PAGE = 25;
    static final int DAYS = 30;
    /** The most dead letters a count reads before it says "at least". */
    static final int MOST_LETTERS_COUNTED = 5000;
    /** The parked counts look at this many letters' names at most (a name costs no read, a letter does). */
    static final int MOST_LETTERS_NAMED = 100_000;
    private static final Pattern LEAD_ID = Pattern.compile("[0-9a-f]{32}");
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.of("UTC"));
    private static final String[] COLOURS = {"#2f6fb3", "#e0822c", "#3a9a5b", "#b53d3d", "#7b5bb5", "#8c6d31", "#c452a4", "#5f6b73"};
    private static final Set<String> ASSETS = Set.of("desk.css", "desk.js");
    /** The states a target's status filter offers, as {@link Journey} names them. */
    static final List<String> STATUSES = List.of(Journey.DELIVERED, Journey.WAITING, Journey.RETRYING, Journey.PARKED,
            Journey.NOT_SENT);
    /**
     * The offers the filter lists (most leads in 30 days first; the rest are "other offers" in the chart), and the
     * most day, action and offer rows the charts read: {@link #DAYS} days &times; 8 actions &times; those offers, the
     * other offers and none (a journal of more actions loses its oldest days first).
     */
    static final int MOST_OFFERS_LISTED = 50;
    static final int MOST_DAY_ROWS = DAYS * 8 * (MOST_OFFERS_LISTED + 2);

    private final JournalStore store;
    private final LeadsEndpoint leads;
    private final LeadJournal journal;
    private final DeadLetterStore deadLetters;
    private final RoutingSettings routing;
    private final ObjectMapper mapper;
    private final TargetBackfill backfill;

    public DeskController(JournalStore store, LeadsEndpoint leads, LeadJournal journal, DeadLetterStore deadLetters,
                          RoutingSettings routing, ObjectMapper mapper, TargetBackfill backfill) {
        this.backfill = backfill;
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
                                       @RequestParam(required = false) String offer,
                                       @RequestParam(required = false) String target,
                                       @RequestParam(required = false) String status,
                                       @RequestParam(required = false) String before) {
        LeadFilter filter = new LeadFilter(bounded(offer, JournalStore.OFFER_LENGTH),
                knownTarget(target),
                blankToNull(status) != null && STATUSES.contains(blankToNull(status)) ? blankToNull(status) : null);
        JournalStore.Cursor cursor = cursor(before);
        StringBuilder body = new StringBuilder();
        ZoneId zone = ZoneId.systemDefault();
        LocalDate today = LocalDate.now(zone);
        Instant since = today.minusDays(DAYS - 1).atStartOfDay(zone).toInstant();
        // one read of the 30 days' counts (kept by the journal's writer, no lead read) feeds both charts, the
        // offer filter and today's count
        List<DayActionOfferCount> days = store.leadsPerDayByActionAndOffer(since, MOST_OFFERS_LISTED, MOST_DAY_ROWS);
        Summary summary = summary(days.stream().filter(c -> c.day().equals(today)).mapToLong(DayActionOfferCount::leads).sum());
        boolean operator = operator(request);
        body.append("<section class=\"today\"><h2>Today</h2><div class=\"cards\">")
                .append(card("Leads received", "today", summary.today));
        summary.targets.forEach((name, counts) -> body.append("<div class=\"card target\"><h3>").append(text(name))
                .append("</h3><p><span class=\"n ok\" data-live=\"").append(text(name)).append(".delivered\">")
                .append(counts.getOrDefault("delivered", 0L)).append("</span> delivered today</p>")
                .append("<p><span class=\"n warn\" data-live=\"").append(text(name)).append(".retrying\">")
                .append(counts.getOrDefault("retrying", 0L)).append("</span> retried today</p>")
                .append("<p><span class=\"n bad\" data-live=\"").append(text(name)).append(".parked\">")
                .append(counts.getOrDefault("parked", 0L)).append("</span> parked now")
                .append(operator && counts.getOrDefault("parked", 0L) > 0
                        ? " <a class=\"replay\" href=\"/desk/replay?target=" + param(name) + "\">replay…</a>" : "")
                .append("</p>").append(operator && routing.targets().containsKey(name) && routing.targets().get(name).enabled()
                        ? "<p><a class=\"backfill\" href=\"/desk/backfill?target=" + param(name) + "\">backfill…</a></p>" : "")
                .append("</div>"));
        body.append("</div><p class=\"note\">Updates by itself every 30 seconds. Parked: letters in the dead-letter store.</p></section>");

        Map<LocalDate, Map<String, Long>> byAction = new TreeMap<>();
        for (DayActionOfferCount count : days) {
            byAction.computeIfAbsent(count.day(), d -> new TreeMap<>())
                    .merge(count.action() == null ? "(none)" : count.action(), count.leads(), Long::sum);
        }
        List<String> offers = offersByLeads(days);
        body.append("<section><h2>Leads per day, last ").append(DAYS).append(" days</h2><div class=\"charts\">")
                .append("<figure><figcaption>by action</figcaption>").append(chart("chart", "Leads per day by action", byAction, today))
                .append("</figure><figure><figcaption>by offer</figcaption>")
                .append(chart("chart-offer", "Leads per day by offer", byOffer(days, offers), today))
                .append("</figure></div></section>");

        body.append("<section><h2>Leads</h2><form class=\"search\" id=\"filters\" method=\"get\" action=\"/desk\">")
                .append("<input type=\"search\" name=\"q\" id=\"q\" placeholder=\"e-mail or lead id\" value=\"")
                .append(text(q)).append("\"> ")
                .append(select("offer", "every offer", offerOptions(offers, filter.offer()), filter.offer()))
                .append(select("target", "every target", new ArrayList<>(routing.targets().keySet()), filter.target()))
                .append(select("status", "any status", STATUSES, filter.status()))
                .append(" <button type=\"submit\">Show</button>");
        boolean filtered = (q != null && !q.isBlank()) || filter.offer() != null || filter.byJourney();
        if (filtered) {
            body.append(" <a href=\"/desk\">all leads</a>");
        }
        body.append("</form>");
        JournalStore.LeadPage rows = rows(q, filter, cursor);
        body.append("<table class=\"leads\" id=\"leads\"><thead><tr><th>When (UTC)</th><th>Who</th><th>Offer</th>")
                .append("<th>Action / stage</th><th>Targets</th></tr></thead><tbody>");
        int shown = 0;
        for (LeadRow row : rows.leads()) {
            Journey journey = leads.getJourney(row.leadId());
            if (journey != null && matches(journey, row, filter)) {
                body.append(leadRow(journey, operator));
                shown++;
            }
        }
        if (rows.stoppedLooking()) {
            // the filter's bounded look ended before a page matched: say so, not "no more"
            body.append("<tr class=\"stopped\" id=\"stopped\"><td colspan=\"5\">").append(shown == 0 ? "None of them match: " : "")
                    .append("looked at the ").append(cursor == null ? "newest " : "next ")
                    .append(String.format(java.util.Locale.ROOT, "%,d", JournalStore.MOST_EXAMINED))
                    .append(" leads; older ones: next page.</td></tr>");
        } else if (shown == 0) {
            body.append("<tr><td colspan=\"5\">No leads").append(filtered ? " match" : "")
                    .append(rows.older() == null ? "" : " here: look at older ones").append(".</td></tr>");
        }
        body.append("</tbody></table><p class=\"pages\">");
        String filters = filterParams(filter);
        if (cursor != null) {
            body.append("<a id=\"newest\" href=\"/desk").append(filters.isEmpty() ? "" : "?" + filters.substring(5))
                    .append("\">&larr; newest</a> ");
        }
        if (rows.older() != null) {
            body.append("<a id=\"older\" href=\"/desk?before=").append(param(rows.older().receivedAt() + "~" + rows.older().leadId()))
                    .append(filters).append("\">older &rarr;</a>");
        }
        body.append("</p>");
        if (filter.byJourney()) {
            body.append("<p class=\"note\">A target or status filter looks at ").append(JournalStore.MOST_EXAMINED)
                    .append(" leads a page (their journeys tell the state); <i>older</i> goes on from where it stopped.</p>");
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
                .append(fact("Offer", text(lead.path("offer").path("title").asText(""))
                        + (lead.path("offer").hasNonNull("id") ? " <small>" + text(lead.path("offer").path("id").asText()) + "</small>" : "")))
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

    /**
     * The confirmation of a backfill (a target connected later gets the archived and journaled leads it takes and
     * has not got: {@link TargetBackfill}): how many leads it will send, counted the way the backfill chooses them
     * (up to {@value #MOST_LETTERS_COUNTED}, among at most {@link JournalStore#MOST_EXAMINED} leads looked at:
     * {@link TargetBackfill#count}); only an operator gets the count and the button, a viewer the same page without
     * either (counting reads thousands of rows; a viewer could not use it).
     */
    @GetMapping("/desk/backfill")
    public ResponseEntity<String> confirmBackfill(HttpServletRequest request, @RequestParam(required = false) String target,
                                                  @RequestParam(required = false) String since,
                                                  @RequestParam(required = false) String offer) {
        if (knownTarget(target) == null) {
            return notFound(request, "Backfill which target? Name one of: " + String.join(", ", routing.targets().keySet()) + ".");
        }
        String name = blankToNull(target);
        if (!operator(request)) {
            // a viewer gets no button, so no count either: counting reads up to MOST_EXAMINED leads (issue 28)
            StringBuilder body = new StringBuilder("<section class=\"confirm\"><h2>Backfill ").append(text(name))
                    .append("</h2><p id=\"count\">A backfill sends <b>").append(text(name))
                    .append("</b> the archived and journaled leads it takes today that it has not got.</p>")
                    .append("<p>Only an operator may backfill, and see how many leads it would send.</p></section>");
            return page(request, "Backfill " + name, body.toString());
        }
        TargetBackfill.Count count;
        try {
            count = backfill.count(name, blankToNull(since), bounded(offer, JournalStore.OFFER_LENGTH), MOST_LETTERS_COUNTED,
                    JournalStore.MOST_EXAMINED);
        } catch (TargetBackfill.Refused refused) {
            return refused(request, refused);
        }
        String many = (count.stopped() ? "at least " : "") + count.leads() + (count.leads() == 1 ? " lead" : " leads");
        StringBuilder body = new StringBuilder("<section class=\"confirm\"><h2>Backfill ").append(text(name))
                .append("</h2><p id=\"count\">This will send <strong>").append(text(many)).append("</strong>")
                .append(count.stopped() && count.examined() >= JournalStore.MOST_EXAMINED
                        ? " (of the newest " + String.format(java.util.Locale.ROOT, "%,d", count.examined())
                        + " leads looked at: the count stops there, the backfill does not)" : "")
                .append(" to <b>")
                .append(text(name)).append("</b>: the archived and journaled leads it takes today")
                .append(blankToNull(since) == null ? "" : ", received since " + text(since.trim()))
                .append(blankToNull(offer) == null ? "" : ", of offer &ldquo;" + text(offer.trim()) + "&rdquo;")
                .append(", that it has not got. Each goes through its own route (its batching, retries and dead letters); ")
                .append("its journey then shows <i>backfilled</i>.</p>");
        if (count.leads() == 0 && !count.stopped()) {
            body.append("<p>Nothing to send.</p>");
        } else {
            body.append("<form method=\"post\" action=\"/desk/backfill\">").append(csrf(request))
                    .append(hidden("target", name)).append(hidden("since", since)).append(hidden("offer", offer))
                    .append("<button type=\"submit\" id=\"confirm\" class=\"danger\">Backfill ").append(text(many))
                    .append("</button> <a href=\"/desk\">cancel</a></form>");
        }
        body.append("</section>");
        return page(request, "Backfill " + name, body.toString());
    }

    /** The operator's backfill (the security chain lets only an operator, with the CSRF token, POST). */
    @PostMapping("/desk/backfill")
    public ResponseEntity<String> backfill(HttpServletRequest request, @RequestParam(required = false) String target,
                                           @RequestParam(required = false) String since,
                                           @RequestParam(required = false) String offer) {
        if (knownTarget(target) == null) {
            return notFound(request, "Backfill which target?");
        }
        Map<String, Object> answer;
        try {
            answer = backfill.start(blankToNull(target), blankToNull(since), bounded(offer, JournalStore.OFFER_LENGTH));
        } catch (TargetBackfill.Refused refused) {
            return refused(request, refused);
        }
        Object queued = answer.get("queued");
        String body = "<section><h2 id=\"backfilled\">Backfill of " + text(target.trim()) + ": " + text(queued)
                + ("1".equals(String.valueOf(queued)) ? " lead" : " leads") + " queued</h2><p>They are being sent now, "
                + "each through the target's own route; each one's journey shows <i>backfilled</i>, then what followed. "
                + "Left out: " + text(words(mapper.valueToTree(answer.get("skipped")))) + ".</p>"
                + "<p><a href=\"/desk?target=" + param(target.trim()) + "\">&larr; the desk</a></p></section>";
        return page(request, "Backfill " + target.trim(), body);
    }

    private ResponseEntity<String> refused(HttpServletRequest request, TargetBackfill.Refused refused) {
        ResponseEntity<String> page = page(request, refused.title(), "<section><h2>" + text(refused.title()) + "</h2><p>"
                + text(refused.getMessage()) + "</p><p><a href=\"/desk\">&larr; the desk</a></p></section>");
        return ResponseEntity.status(refused.status()).headers(page.getHeaders()).body(page.getBody());
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
        return summary(store.leadsPerDay(midnight, 1000).stream().mapToLong(DayCount::leads).sum());
    }

    /** The summary with today's count already known (the desk reads it with the charts' days). */
    Summary summary(long today) {
        Instant midnight = LocalDate.now(ZoneId.systemDefault()).atStartOfDay(ZoneId.systemDefault()).toInstant();
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

    /** Parked now per target, from the letters' names (none read); beyond the bound, a floor. */
    private Map<String, Long> parkedByTarget() {
        return deadLetters.parkedPerTarget(MOST_LETTERS_NAMED);
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

    private JournalStore.LeadPage rows(String q, LeadFilter filter, JournalStore.Cursor before) {
        if (q == null || q.isBlank()) {
            return store.leads(filter, before, PAGE, enabledTargets());
        }
        String query = q.trim();
        if (LEAD_ID.matcher(query).matches()) {
            LeadRow row = store.lead(query);
            return new JournalStore.LeadPage(row == null ? List.of() : List.of(row), null);
        }
        // a customer's leads are few: one page of them, the filters then applied to it here
        return new JournalStore.LeadPage(query.length() > 320 ? List.of() : store.leadsByEmailHash(journal.emailHash(query), PAGE), null);
    }

    /** Whether a lead is in the filter's offer and state (its journey tells the state, as the page shows it). */
    private static boolean matches(Journey journey, LeadRow row, LeadFilter filter) {
        if (filter.offer() != null && !filter.offer().equals(row.offer())) {
            return false;
        }
        if (!filter.byJourney()) {
            return true;
        }
        return journey.targets().stream().anyMatch(t -> (filter.target() == null || filter.target().equals(t.target()))
                && (filter.status() == null ? !Journey.NOT_SENT.equals(t.state()) : filter.status().equals(t.state())));
    }

    private List<String> enabledTargets() {
        List<String> enabled = new ArrayList<>();
        routing.targets().forEach((name, settings) -> {
            if (settings.enabled()) {
                enabled.add(name);
            }
        });
        return enabled;
    }

    /** {@code &offer=…&target=…&status=…} for the filters set (to carry them to the next page). */
    private static String filterParams(LeadFilter filter) {
        StringBuilder out = new StringBuilder();
        if (filter.offer() != null) {
            out.append("&amp;offer=").append(param(filter.offer()));
        }
        if (filter.target() != null) {
            out.append("&amp;target=").append(param(filter.target()));
        }
        if (filter.status() != null) {
            out.append("&amp;status=").append(param(filter.status()));
        }
        return out.toString();
    }

    /** The "older" link's cursor, {@code <received at>~<lead id>}; anything else: the newest page. */
    private static JournalStore.Cursor cursor(String before) {
        if (before == null || before.length() > 80 || before.indexOf('~') < 0) {
            return null;
        }
        String leadId = before.substring(before.indexOf('~') + 1);
        try {
            return LEAD_ID.matcher(leadId).matches()
                    ? new JournalStore.Cursor(Instant.parse(before.substring(0, before.indexOf('~'))), leadId) : null;
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    /** The target named, when there is one of that name; else null. */
    private String knownTarget(String target) {
        String name = blankToNull(target);
        return name != null && routing.targets().containsKey(name) ? name : null;
    }

    private static String bounded(String value, int most) {
        String trimmed = blankToNull(value);
        return trimmed == null || trimmed.length() > most ? null : trimmed;
    }

    /** The offers of the last 30 days, most leads first (none: the leads filed under no offer are left out). */
    private static List<String> offersByLeads(List<DayActionOfferCount> counts) {
        Map<String, Long> total = new LinkedHashMap<>();
        counts.forEach(c -> {
            if (c.offer() != null && !c.otherOffers()) {
                total.merge(c.offer(), c.leads(), Long::sum);
            }
        });
        return total.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()
                .thenComparing(Map.Entry.comparingByKey())).map(Map.Entry::getKey).toList();
    }

    private static List<String> offerOptions(List<String> offers, String chosen) {
        List<String> options = new ArrayList<>(offers.subList(0, Math.min(offers.size(), MOST_OFFERS_LISTED)));
        if (chosen != null && !options.contains(chosen)) {
            options.add(chosen);
        }
        return options;
    }

    /** Per day, the leads of the {@code COLOURS.length - 2} offers with most leads, the rest as "other offers" (and "no offer"): a colour each. */
    private static Map<LocalDate, Map<String, Long>> byOffer(List<DayActionOfferCount> counts, List<String> offers) {
        Set<String> own = new java.util.HashSet<>(offers.subList(0, Math.min(offers.size(), COLOURS.length - 2)));
        Map<LocalDate, Map<String, Long>> days = new TreeMap<>();
        for (DayActionOfferCount count : counts) {
            String series = count.otherOffers() ? "(other offers)" : count.offer() == null ? "(no offer)"
                    : own.contains(count.offer()) ? count.offer() : "(other offers)";
            days.computeIfAbsent(count.day(), d -> new TreeMap<>()).merge(series, count.leads(), Long::sum);
        }
        return days;
    }

    private static String select(String name, String all, List<String> options, String chosen) {
        StringBuilder out = new StringBuilder("<select name=\"").append(name).append("\" id=\"").append(name).append("\">")
                .append("<option value=\"\">").append(text(all)).append("</option>");
        for (String option : options) {
            out.append("<option value=\"").append(text(option)).append('"').append(option.equals(chosen) ? " selected" : "")
                    .append('>').append(text(option)).append("</option>");
        }
        return out.append("</select> ").toString();
    }

    private String leadRow(Journey journey, boolean operator) {
        JsonNode lead = journey.lead();
        StringBuilder row = new StringBuilder("<tr class=\"lead\" data-lead=\"").append(text(journey.leadId())).append("\"><td><a href=\"/desk/leads/")
                .append(text(journey.leadId())).append("\">").append(text(WHEN.format(journey.receivedAt()))).append("</a></td><td>")
                .append(text(who(lead))).append("<br><small>").append(text(lead.path("customer").path("company").asText("")))
                .append(" &middot; ").append(text(email(lead, operator))).append("</small></td><td>")
                .append(text(lead.path("offer").path("title").asText("")))
                .append(lead.path("offer").hasNonNull("id") ? "<br><small>" + text(lead.path("offer").path("id").asText()) + "</small>" : "")
                .append("</td><td>")
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

    /**
     * Leads per day for the last 30 days, stacked by series (action, or offer): an SVG drawn here, no chart
     * library. {@code id} names the chart; today's bar is {@code <id>-today}, each series' legend
     * {@code data-series}.
     */
    private static String chart(String id, String label, Map<LocalDate, Map<String, Long>> days, LocalDate today) {
        LocalDate first = today.minusDays(DAYS - 1);
        Set<String> series = new TreeSet<>();
        days.values().forEach(counts -> series.addAll(counts.keySet()));
        List<String> legend = new ArrayList<>(series);
        long most = Math.max(1, days.values().stream().mapToLong(m -> m.values().stream().mapToLong(Long::longValue).sum()).max().orElse(1));
        int width = 900;
        int height = 180;
        int top = 20;
        int slot = width / DAYS;
        StringBuilder svg = new StringBuilder("<svg class=\"chart\" id=\"").append(id).append("\" viewBox=\"0 0 ").append(width).append(' ')
                .append(height + 130).append("\" role=\"img\" aria-label=\"").append(text(label)).append("\">");
        for (int i = 0; i < DAYS; i++) {
            LocalDate day = first.plusDays(i);
            Map<String, Long> counts = days.getOrDefault(day, Map.of());
            long total = counts.values().stream().mapToLong(Long::longValue).sum();
            int x = i * slot + 4;
            svg.append("<g data-day=\"").append(day).append("\" data-count=\"").append(total).append("\"")
                    .append(day.equals(today) ? " class=\"today\" id=\"" + id + "-today\"" : "").append("><title>").append(day).append(": ")
                    .append(total).append(total == 1 ? " lead" : " leads");
            counts.forEach((name, n) -> svg.append(", ").append(text(name)).append(' ').append(n));
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
                // today's, the last, ends at its bar's right edge: centred it would run past the chart's
                svg.append("<text x=\"").append(day.equals(today) ? x + slot - 8 : x + (slot - 8) / 2).append("\" y=\"")
                        .append(top + height + 18).append("\" text-anchor=\"").append(day.equals(today) ? "end" : "middle")
                        .append("\" font-size=\"10\" fill=\"#555\">")
                        .append(day.equals(today) ? "today" : day.format(DateTimeFormatter.ofPattern("d MMM", java.util.Locale.ENGLISH))).append("</text>");
            }
            svg.append("</g>");
        }
        svg.append("<line x1=\"0\" x2=\"").append(width).append("\" y1=\"").append(top + height).append("\" y2=\"")
                .append(top + height).append("\" stroke=\"#999\"/>");
        for (int i = 0; i < legend.size(); i++) {
            int x = 4 + i % 3 * 300;
            int line = top + height + 34 + i / 3 * 28;
            svg.append("<g class=\"series\" data-series=\"").append(text(legend.get(i))).append("\"><rect x=\"").append(x).append("\" y=\"").append(line).append("\" width=\"16\" height=\"16\" fill=\"")
                    .append(COLOURS[i % COLOURS.length]).append("\"/><text x=\"").append(x + 22).append("\" y=\"")
                    .append(line + 14).append("\" font-size=\"12\">").append(text(shortened(legend.get(i)))).append("</text></g>");
        }
        if (legend.isEmpty()) {
            svg.append("<text x=\"4\" y=\"").append(top + height + 40).append("\" font-size=\"12\">No leads in the last ")
                    .append(DAYS).append(" days.</text>");
        }
        return svg.append("</svg>").toString();
    }

    /** A legend's name cut to fit its 300 units; the whole name is in the bar's title. */
    private static String shortened(String name) {
        return name.length() <= 34 ? name : name.substring(0, 32) + "…";
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
