package dev.leadconnector.lead;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersionDetector;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Set;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.component.jsonvalidator.JsonValidationException;
import org.springframework.stereotype.Component;

/**
 * Checks a parsed marketplace payload against {@code schema/marketplace-lead.schema.json}.
 *
 * <p>camel-json-validator does the same check, but it turns a parsed body back into a stream and
 * parses it again (a tenth of intake's request-thread CPU in the profile, bench/README.md): this
 * validates the tree the reader already built, with the same validator, and fails with the same
 * {@link JsonValidationException}, so the intake error answers are unchanged.
 */
@Component("leadSchema")
public class LeadSchema {

    static final String LOCATION = "schema/marketplace-lead.schema.json";

    private final JsonSchema schema;

    public LeadSchema() {
        try (InputStream in = LeadSchema.class.getClassLoader().getResourceAsStream(LOCATION)) {
            if (in == null) {
                throw new IllegalStateException("No " + LOCATION + " on the classpath");
            }
            JsonNode definition = new ObjectMapper().readTree(in);
            this.schema = JsonSchemaFactory.getInstance(SpecVersionDetector.detect(definition)).getSchema(definition);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + LOCATION, e);
        }
    }

    /** Passes a payload the schema accepts; otherwise throws with every violation found. */
    public void check(@Body JsonNode payload, Exchange exchange) throws JsonValidationException {
        Set<ValidationMessage> errors = schema.validate(payload);
        if (!errors.isEmpty()) {
            throw new JsonValidationException(exchange, schema, errors);
        }
    }
}
