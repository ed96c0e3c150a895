package dev.leadconnector.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.leadconnector.targets.salesforce.FakeSalesforce;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * What the targets received, checked against what was posted, lead by lead: every archive file
 * whole and holding its lead's original payload, every request at the HTTPS endpoint carrying the
 * payload of the lead its X-Lead-Id names, every Salesforce record carrying its lead's fields. Counts
 * alone would not see a target that got an empty or doubled body.
 */
public final class DeliveredContent {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LEAD_FILE = Pattern.compile("[0-9a-f]{32}\\.json");

    /** What was posted, by the id the intake answered. */
    private final Map<String, JsonNode> posted = new ConcurrentHashMap<>();

    /** Remembers a lead the intake accepted under this id. */
    public void accepted(String leadId, String payload) {
        posted.put(leadId, parse(payload));
    }

    public Set<String> acceptedIds() {
        return posted.keySet();
    }

    /** Problems with the archive folder's lead files (empty, doubled, unparsable, another lead's payload). */
    public List<String> archiveProblems(Path archive) {
        List<String> problems = new ArrayList<>();
        for (Path file : RunningConnector.files(archive)) {
            String name = file.getFileName().toString();
            if (!LEAD_FILE.matcher(name).matches()) {
                continue; // a temporary file of a write under way (or of a process that was killed)
            }
            String id = name.substring(0, 32);
            JsonNode lead;
            try {
                lead = JSON.readTree(Files.readString(file));
            } catch (IOException broken) {
                problems.add(name + " is not one JSON lead (" + size(file) + " bytes): " + broken.getMessage());
                continue;
            }
            if (lead == null || !id.equals(lead.path("id").asText())) {
                problems.add(name + " does not hold lead " + id);
            } else if (!lead.path("original").equals(posted.get(id))) {
                problems.add(name + " does not hold the payload posted as lead " + id);
            }
        }
        return problems;
    }

    /** Problems with the requests an HTTPS endpoint received (no lead id, a body that is not that lead's payload). */
    public List<String> httpsProblems(Webhook webhook) {
        List<String> problems = new ArrayList<>();
        for (ServeEvent request : webhook.server().getAllServeEvents()) {
            String id = request.getRequest().getHeader("X-Lead-Id");
            JsonNode body;
            try {
                body = JSON.readTree(request.getRequest().getBodyAsString());
            } catch (IOException notJson) {
                body = null;
            }
            if (id == null || !posted.containsKey(id)) {
                problems.add("a request names lead " + id + ", which was not posted");
            } else if (!posted.get(id).equals(body)) {
                problems.add("the request for lead " + id + " carries " + abbreviate(request.getRequest().getBodyAsString())
                        + " instead of its payload");
            }
        }
        return problems;
    }

    /** Problems with the Lead records Salesforce was sent (a record no posted customer has, or with another's fields). */
    public List<String> salesforceProblems(FakeSalesforce salesforce) {
        Map<String, JsonNode> customers = new HashMap<>();
        posted.values().forEach(lead -> customers.put(lead.path("UserDetails").path("Email").asText().toLowerCase(Locale.ROOT),
                lead.path("UserDetails")));
        List<String> problems = new ArrayList<>();
        for (JsonNode record : salesforceRecords(salesforce)) {
            JsonNode customer = customers.get(record.path("Email").asText());
            if (customer == null) {
                problems.add("a Lead record for " + record.path("Email").asText() + ", which was not posted");
            } else if (!customer.path("FirstName").asText().equals(record.path("FirstName").asText())
                    || !customer.path("LastName").asText().equals(record.path("LastName").asText())
                    || !customer.path("Company").asText().equals(record.path("Company").asText())) {
                problems.add("the Lead record for " + record.path("Email").asText() + " carries another customer's fields");
            }
        }
        return problems;
    }

    /** Every Lead record of every sObject Collections create or update, in the order sent. */
    public static List<JsonNode> salesforceRecords(FakeSalesforce salesforce) {
        List<JsonNode> records = new ArrayList<>();
        salesforce.received().stream()
                .filter(call -> call.url().startsWith(FakeSalesforce.COLLECTIONS) && !"GET".equals(call.method()))
                .forEach(call -> parse(call.body()).path("records").forEach(records::add));
        return records;
    }

    /** An HTTPS receiver (a flow, a function) on loopback that takes every POST to /hook with 202. */
    public static final class Webhook implements AutoCloseable {
        private final WireMockServer server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort()
                .containerThreads(16));

        public Webhook() {
            server.start();
            server.stubFor(post(urlPathEqualTo("/hook")).willReturn(aResponse().withStatus(202)));
        }

        public String url() {
            return "http://127.0.0.1:" + server.port() + "/hook";
        }

        /** The connector settings that turn the https target on against this receiver. */
        public String[] settings() {
            return new String[] {"leads.targets.https.enabled=true", "leads.targets.https.url=" + url()};
        }

        public WireMockServer server() {
            return server;
        }

        /** The distinct lead ids the receiver got requests for. */
        public Set<String> leadIds() {
            Set<String> ids = ConcurrentHashMap.newKeySet();
            server.getAllServeEvents().forEach(event -> {
                String id = event.getRequest().getHeader("X-Lead-Id");
                if (id != null) {
                    ids.add(id);
                }
            });
            return ids;
        }

        @Override
        public void close() {
            server.stop();
        }
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException gone) {
            return -1;
        }
    }

    private static String abbreviate(String text) {
        return text == null ? "no body" : text.length() > 60 ? "'" + text.substring(0, 60) + "...'" : "'" + text + "'";
    }
}
