package dev.leadconnector.lead;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.ValidationMessage;
import dev.leadconnector.support.Fixtures;
import java.nio.charset.StandardCharsets;
import org.apache.camel.Exchange;
import org.apache.camel.component.jsonvalidator.JsonValidationException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** The schema check on the tree the reader built, failing as camel-json-validator fails. */
class LeadSchemaTest {

    private final MarketplacePayloadReader reader = new MarketplacePayloadReader();
    private final LeadSchema schema = new LeadSchema();
    private final Exchange exchange = new DefaultExchange(new DefaultCamelContext());

    @ParameterizedTest
    @FieldSource("dev.leadconnector.support.Fixtures#GOOD")
    void everySampleLeadPasses(String fixture) {
        assertThatCode(() -> schema.check(read(Fixtures.lead(fixture)), exchange)).doesNotThrowAnyException();
    }

    @Test
    void everyViolationIsReportedAtOnce() {
        JsonValidationException invalid = catchThrowableOfType(JsonValidationException.class,
                () -> schema.check(read(Fixtures.bad("wrong-types.json")), exchange));
        assertThat(invalid.getErrors()).extracting(ValidationMessage::getInstanceLocation).map(Object::toString)
                .containsExactlyInAnyOrder("$.ActionCode", "$.LeadSource", "$.UserDetails");
        assertThat(invalid.getExchange()).isSameAs(exchange);
    }

    @Test
    void aLeadWithoutItsSourceIsRefused() {
        JsonValidationException invalid = catchThrowableOfType(JsonValidationException.class,
                () -> schema.check(read("{\"UserDetails\": {}}"), exchange));
        assertThat(invalid.getErrors()).extracting(ValidationMessage::getProperty).containsExactly("LeadSource");
    }

    private ObjectNode read(String json) {
        return reader.read(json.getBytes(StandardCharsets.UTF_8));
    }
}
