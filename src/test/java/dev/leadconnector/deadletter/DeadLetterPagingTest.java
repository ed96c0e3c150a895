package dev.leadconnector.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.leadconnector.deadletter.DeadLetterStore.Filter;
import dev.leadconnector.deadletter.DeadLetterStore.Page;
import dev.leadconnector.deadletter.DeadLetterStore.Summary;
import dev.leadconnector.journal.LeadJournal;
import dev.leadconnector.security.SecretValues;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.env.StandardEnvironment;

/**
 * The dead-letter list answers pages with a cursor and reads only the files a page needs (issue 25,
 * item 5); replay still goes over every matching letter.
 */
class DeadLetterPagingTest {

    static final List<String> TARGETS = List.of("salesforce", "azure-table", "table", "router");

    @TempDir
    Path directory;
    final AtomicInteger reads = new AtomicInteger();
    final ObjectMapper mapper = new CountingMapper(reads);
    final List<String> names = new ArrayList<>();

    /** 250 letters: lead ids at random, four targets (one named like the end of another), two reasons. */
    @BeforeEach
    void park250() throws IOException {
        Random random = new Random(25);
        for (int i = 0; i < 250; i++) {
            byte[] id = new byte[16];
            random.nextBytes(id);
            String leadId = HexFormat.of().formatHex(id);
            String target = TARGETS.get(i % TARGETS.size());
            String reason = i % 10 == 0 ? "salesforce answered 400 REQUIRED_FIELD_MISSING" : "retries used up";
            DeadLetters.Envelope envelope = new DeadLetters.Envelope(leadId, target.equals("router") ? null : target,
                    reason, "java.io.IOException: down", 6, Instant.EPOCH, Instant.EPOCH,
                    mapper.createObjectNode().put("id", leadId).put("action", "INS"));
            String name = leadId + "-" + target + ".json";
            Files.writeString(directory.resolve(name), mapper.writeValueAsString(envelope));
            names.add(name);
        }
        Files.createDirectories(directory.resolve("replayed"));
        Files.writeString(directory.resolve(".inflight-x.json"), "{half");
        names.sort(null);
        reads.set(0);
    }

    DeadLetterStore store(int pageSize, int maxPageSize, ProducerTemplate producer) {
        return new DeadLetterStore(directory, mapper, producer, new SecretValues(new StandardEnvironment()),
                new LeadJournal(null, mapper, "", new SecretValues(new StandardEnvironment()), Clock.systemUTC()),
                new DeadLetterListSettings(pageSize, maxPageSize));
    }

    @Test
    void theDefaultPageIsBoundedAndReadsOnlyItsOwnFiles() {
        Page page = store(100, 1000, null).list(new Filter(null, null, null), null, null);
        assertThat(page.letters()).hasSize(100);
        assertThat(reads).as("files parsed for a page of 100 out of 250").hasValue(100);
        assertThat(page.next()).isEqualTo(names.get(99));
        assertThat(page.letters()).extracting(Summary::leadId)
                .containsExactlyElementsOf(names.subList(0, 100).stream().map(n -> n.substring(0, 32)).toList());
    }

    @Test
    void pagesFollowedByTheirCursorListEachLetterExactlyOnceInNameOrder() {
        DeadLetterStore store = store(100, 1000, null);
        List<String> listed = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            reads.set(0);
            Page page = store.list(new Filter(null, null, null), 40, after);
            assertThat(page.letters()).hasSizeLessThanOrEqualTo(40);
            assertThat(reads.get()).isLessThanOrEqualTo(40);
            page.letters().forEach(letter -> listed.add(letter.leadId() + "-"
                    + (letter.target() == null ? "router" : letter.target()) + ".json"));
            after = page.next();
            pages++;
        } while (after != null);
        assertThat(pages).isEqualTo(7); // 6 x 40 + 10
        assertThat(listed).containsExactlyElementsOf(names);
    }

    @Test
    void aLimitAboveTheMaximumGetsTheMaximum() {
        Page page = store(100, 120, null).list(new Filter(null, null, null), 5000, null);
        assertThat(page.letters()).hasSize(120);
        assertThat(reads).hasValue(120);
    }

    @Test
    void filtersKeepPagingExactAndTheTargetIsMatchedWholeNotAsTheEndOfAName() {
        DeadLetterStore store = store(100, 1000, null);
        List<String> listed = new ArrayList<>();
        String after = null;
        do {
            reads.set(0);
            Page page = store.list(new Filter("table", null, null), 25, after);
            assertThat(reads.get()).as("azure-table letters are ruled out by name, before any read").isLessThanOrEqualTo(2 * 25);
            page.letters().forEach(letter -> listed.add(letter.leadId() + "-" + letter.target() + ".json"));
            after = page.next();
        } while (after != null);
        assertThat(listed).containsExactlyElementsOf(names.stream().filter(n -> n.endsWith("-table.json")
                && !n.endsWith("-azure-table.json")).toList());

        Page one = store.list(new Filter(null, names.get(7).substring(0, 32), null), null, null);
        assertThat(one.letters()).singleElement().extracting(Summary::leadId).isEqualTo(names.get(7).substring(0, 32));
        assertThat(one.next()).isNull();
    }

    @Test
    void aReasonFilterReadsAtMostTheMaximumPerRequestAndItsCursorGoesOn() {
        DeadLetterStore store = store(10, 100, null);
        List<Summary> found = new ArrayList<>();
        String after = null;
        do {
            reads.set(0);
            Page page = store.list(new Filter(null, null, "required_field"), 50, after);
            assertThat(reads.get()).isLessThanOrEqualTo(100);
            found.addAll(page.letters());
            after = page.next();
        } while (after != null);
        assertThat(found).hasSize(25).allSatisfy(s -> assertThat(s.reason()).contains("REQUIRED_FIELD"));
    }

    @Test
    void aLetterReplayedBetweenPagesLeavesTheCursorWorking() throws IOException {
        DeadLetterStore store = store(100, 1000, null);
        Page first = store.list(new Filter(null, null, null), 50, null);
        Files.delete(directory.resolve(names.get(50)));
        Files.delete(directory.resolve(names.get(49)));
        Page second = store.list(new Filter(null, null, null), 50, first.next());
        assertThat(second.letters().get(0).leadId()).isEqualTo(names.get(51).substring(0, 32));
    }

    @Test
    void theParkedCountsPerTargetComeFromTheNamesWithoutReadingALetter() throws IOException {
        Files.writeString(directory.resolve("not-a-lead-id-router.json"), "{\"a poison message's letter\": 1}");
        Map<String, Long> parked = store(100, 1000, null).parkedPerTarget(100_000);
        assertThat(reads).as("letters parsed").hasValue(0);
        // the 250 letters a quarter each, the poison message's with the router's; not the one being written
        assertThat(parked).containsExactly(entry("azure-table", 63L), entry("router", 63L), entry("salesforce", 63L),
                entry("table", 62L));

        Map<String, Long> bounded = store(100, 1000, null).parkedPerTarget(100);
        assertThat(bounded.values().stream().mapToLong(n -> n).sum()).as("names looked at").isEqualTo(100);
    }

    @Test
    void replayGoesOverEveryMatchingLetterNotOnePage() {
        ProducerTemplate producer = mock(ProducerTemplate.class);
        DefaultCamelContext camel = new DefaultCamelContext();
        when(producer.send(anyString(), any(Processor.class))).thenAnswer(call -> new DefaultExchange(camel));
        List<DeadLetterStore.Outcome> outcomes = store(10, 20, producer).replay(new Filter(null, null, null));
        assertThat(outcomes).hasSize(250).allSatisfy(o -> assertThat(o.result()).isEqualTo("replayed"));
        assertThat(directory.resolve("replayed").toFile().list()).hasSize(250);
    }

    /** Counts the letter files parsed. */
    static final class CountingMapper extends JsonMapper {
        private final AtomicInteger reads;

        CountingMapper(AtomicInteger reads) {
            this.reads = reads;
            findAndRegisterModules();
        }

        @Override
        public JsonNode readTree(File file) throws IOException {
            reads.incrementAndGet();
            return super.readTree(file);
        }
    }
}
