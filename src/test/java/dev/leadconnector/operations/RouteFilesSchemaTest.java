package dev.leadconnector.operations;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every shipped route file against the JSON Schema of Camel's YAML DSL (the one camel-yaml-dsl
 * ships), so a misspelt step or option fails the build instead of the connector's start.
 */
class RouteFilesSchemaTest {

    static final YAMLMapper YAML = new YAMLMapper();
    static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{[^{}]+}}");
    static JsonSchema camelYamlDsl;

    @BeforeAll
    static void loadSchema() throws IOException {
        try (InputStream schema = RouteFilesSchemaTest.class.getClassLoader().getResourceAsStream("schema/camelYamlDsl.json")) {
            assertThat(schema).as("camel-yaml-dsl's schema on the classpath").isNotNull();
            camelYamlDsl = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(schema);
        }
    }

    static List<Path> routeFiles() throws IOException {
        try (Stream<Path> files = Stream.concat(Files.list(Path.of("routes")), Files.list(Path.of("src/test/resources/test-routes")))) {
            return files.filter(f -> f.toString().endsWith(".camel.yaml")).sorted().toList();
        }
    }

    @ParameterizedTest
    @MethodSource("routeFiles")
    void followsCamelsYamlDslSchema(Path routeFile) throws IOException {
        List<String> problems = problems(YAML.readTree(routeFile.toFile()));
        assertThat(problems).as(routeFile.toString()).isEmpty();
    }

    /**
     * What the schema finds wrong, except a whole {@code {{placeholder}}} where it expects a number or
     * a boolean: Camel resolves placeholders before it reads the option, the schema cannot know that.
     */
    static List<String> problems(JsonNode routes) {
        return camelYamlDsl.validate(routes).stream()
                .filter(problem -> !("type".equals(problem.getType()) && problem.getInstanceNode() != null
                        && PLACEHOLDER.matcher(problem.getInstanceNode().asText()).matches()))
                .map(ValidationMessage::getMessage)
                .toList();
    }

    @Test
    void everyShippedRouteIsChecked() throws IOException {
        assertThat(routeFiles()).extracting(path -> path.getFileName().toString())
                .contains("lead-intake.camel.yaml", "lead-dispatch.camel.yaml", "deliver-archive.camel.yaml",
                        "error-handling.camel.yaml");
    }

    @Test
    void aMisspeltStepOrOptionIsCaught() throws IOException {
        String archive = Files.readString(Path.of("routes/deliver-archive.camel.yaml"));
        JsonNode misspeltStep = YAML.readTree(changed(archive, "- log:", "- logg:"));
        JsonNode misspeltOption = YAML.readTree(changed(archive, "idempotentRepository:", "idempotentRepo:"));
        // a step option of the wrong type; the schema leaves an endpoint's parameters untyped, so a wrong
        // file: option is found only when the route starts
        JsonNode wrongStepOptionType = YAML.readTree(changed(archive, "idempotentRepository: deliveryRepository",
                "idempotentRepository: deliveryRepository\n            eager: 12"));
        assertThat(problems(misspeltStep)).isNotEmpty();
        assertThat(problems(misspeltOption)).isNotEmpty();
        assertThat(problems(wrongStepOptionType)).isNotEmpty();
    }

    /** The route with one change made: a text the route no longer holds fails here, not silently. */
    private static String changed(String route, String text, String replacement) {
        assertThat(route).contains(text);
        return route.replace(text, replacement);
    }
}
