package dev.leadconnector.lead;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Reads the marketplace's lead JSON strictly (no duplicate keys, bounded nesting) and renames the
 * documented keys to their PascalCase spelling, because real posts use any casing. Unknown keys are kept.
 */
@Component("marketplacePayloadReader")
public class MarketplacePayloadReader {

    public static final String USER_DETAILS = "UserDetails";
    static final List<String> TOP_LEVEL = List.of(USER_DETAILS, "LeadSource", "ActionCode", "OfferTitle", "Description");
    static final List<String> CUSTOMER = List.of("FirstName", "LastName", "Email", "Phone", "Country", "Company", "Title");

    private static final Map<String, String> TOP_LEVEL_BY_LOWER = byLowerCase(TOP_LEVEL);
    private static final Map<String, String> CUSTOMER_BY_LOWER = byLowerCase(CUSTOMER);
    private static final int MAX_NESTING_DEPTH = 32;

    private final ObjectMapper strictMapper;

    public MarketplacePayloadReader() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        this.strictMapper = new ObjectMapper(factory);
    }

    /** The exchange property that keeps the payload exactly as received, for the canonical lead's {@code original}. */
    public static final String ORIGINAL = "marketplacePayload";

    /**
     * The payload as an object with canonical key names; the untouched payload is kept in the
     * {@link #ORIGINAL} exchange property. Malformed input becomes an {@link InvalidLeadException}.
     */
    public ObjectNode read(@Body InputStream body, Exchange exchange) throws IOException {
        // the body as IntakeGate read it (the servlet endpoint hands over its stream uncached; none when empty)
        ObjectNode original = parseObject(body == null ? null : body.readAllBytes());
        exchange.setProperty(ORIGINAL, original);
        return canonical(original);
    }

    /** The payload as an object with canonical key names; malformed input becomes an {@link InvalidLeadException}. */
    public ObjectNode read(byte[] body) {
        return canonical(parseObject(body));
    }

    private ObjectNode parseObject(byte[] body) {
        JsonNode tree = parse(body);
        if (!(tree instanceof ObjectNode object)) {
            String found = tree == null || tree.isMissingNode() ? "nothing" : tree.getNodeType().name().toLowerCase(Locale.ROOT);
            throw new InvalidLeadException("Lead is not a JSON object",
                    List.of(new InvalidLeadException.FieldProblem("", "expected a JSON object, found " + found)));
        }
        return object;
    }

    /** A copy with the documented keys renamed; the original is left as it is. */
    private static ObjectNode canonical(ObjectNode original) {
        List<InvalidLeadException.FieldProblem> problems = new ArrayList<>();
        ObjectNode canonical = canonicalKeys(original, TOP_LEVEL_BY_LOWER, "", problems);
        if (canonical.get(USER_DETAILS) instanceof ObjectNode details) {
            canonical.set(USER_DETAILS, canonicalKeys(details, CUSTOMER_BY_LOWER, "/" + USER_DETAILS, problems));
        }
        if (!problems.isEmpty()) {
            throw new InvalidLeadException("Ambiguous lead fields", problems);
        }
        return canonical;
    }

    private JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw new InvalidLeadException("Empty body", List.of(new InvalidLeadException.FieldProblem("", "the body is empty")));
        }
        String text;
        try {
            // Jackson lets some invalid UTF-8 (overlong forms) through; the JDK's decoder does not.
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidLeadException("Malformed JSON",
                    List.of(new InvalidLeadException.FieldProblem("", "the body is not valid UTF-8")));
        }
        try (JsonParser parser = strictMapper.createParser(text)) {
            JsonNode tree = strictMapper.readTree(parser);
            if (parser.nextToken() != null) {
                throw new InvalidLeadException("Malformed JSON",
                        List.of(new InvalidLeadException.FieldProblem("", "unexpected content after the JSON object")));
            }
            return tree;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new InvalidLeadException("Malformed JSON",
                    List.of(new InvalidLeadException.FieldProblem("", e.getOriginalMessage() + where)));
        } catch (IOException e) {
            throw new InvalidLeadException("Unreadable body", List.of(new InvalidLeadException.FieldProblem("", e.getMessage())));
        }
    }

    private static ObjectNode canonicalKeys(ObjectNode source, Map<String, String> known, String at,
                                            List<InvalidLeadException.FieldProblem> problems) {
        ObjectNode target = source.objectNode();
        source.fields().forEachRemaining(field -> {
            String name = known.getOrDefault(field.getKey().toLowerCase(Locale.ROOT), field.getKey());
            if (target.has(name)) {
                problems.add(new InvalidLeadException.FieldProblem(at + "/" + name,
                        "given more than once with different casing"));
            }
            target.set(name, field.getValue());
        });
        return target;
    }

    private static Map<String, String> byLowerCase(List<String> names) {
        return names.stream().collect(Collectors.toMap(n -> n.toLowerCase(Locale.ROOT), Function.identity()));
    }
}
