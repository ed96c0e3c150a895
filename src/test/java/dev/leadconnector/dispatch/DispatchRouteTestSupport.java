package dev.leadconnector.dispatch;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.leadconnector.LeadConnectorApplication;
import dev.leadconnector.lead.LeadNormalizer;
import dev.leadconnector.lead.MarketplacePayloadReader;
import dev.leadconnector.support.Fixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.camel.CamelContext;
import org.apache.camel.EndpointInject;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.MockEndpointsAndSkip;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The real lead-dispatch route with its inbox replaced by {@code direct:dispatch} and every target
 * and the dead-letter store replaced by mocks, plus one sales target "crm" beside the archive.
 */
@CamelSpringBootTest
@SpringBootTest(classes = {LeadConnectorApplication.class, DispatchRouteTestSupport.SalesTarget.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"leads.targets.crm.enabled=true", "camel.main.name=dispatch-route-test"})
@UseAdviceWith
@MockEndpointsAndSkip("direct:deliver-.*|direct:dead-letter")
abstract class DispatchRouteTestSupport {

    /** Called once per application context: each test class gets a data folder (and dedup store) of its own. */
    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        Path dataDir = tempDir();
        registry.add("leads.data-dir", dataDir::toString);
        // the intake servlet's name comes from it, and Camel registers servlets JVM-wide: the test
        // classes' contexts stay cached side by side, so each needs a name of its own
        registry.add("spring.application.name", () -> "lead-connector-" + dataDir.getFileName());
    }

    @Autowired
    CamelContext camel;
    @Autowired
    ProducerTemplate producer;
    @Autowired
    MarketplacePayloadReader reader;
    @Autowired
    LeadNormalizer normalizer;

    @EndpointInject("mock:direct:deliver-archive")
    MockEndpoint archive;
    @EndpointInject("mock:direct:deliver-crm")
    MockEndpoint crm;
    @EndpointInject("mock:direct:dead-letter")
    MockEndpoint deadLetter;

    @BeforeEach
    void adviseOnce() throws Exception {
        if (!camel.isStarted()) {
            AdviceWith.adviceWith(camel, "lead-dispatch", route -> route.replaceFromWith("direct:dispatch"));
            camel.start();
        }
        MockEndpoint.resetMocks(camel);
        // direct: is synchronous, so everything has arrived when dispatch() returns: no need to wait long
        for (MockEndpoint mock : new MockEndpoint[] {archive, crm, deadLetter}) {
            mock.setResultWaitTime(500);
        }
    }

    /** Dispatches a fixture as the intake would have put it in the inbox. */
    void dispatch(String fixture) {
        producer.sendBody("direct:dispatch", canonical(Fixtures.lead(fixture)));
    }

    String canonical(String payload) {
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        try {
            return normalizer.toJson(reader.read(bytes), reader.read(bytes));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A sales target: only its route has to exist, the mock stands in for the delivery. */
    @TestConfiguration
    static class SalesTarget {
        @Bean
        RouteBuilder deliverCrm() {
            return new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:deliver-crm").routeId("deliver-crm").to("log:crm");
                }
            };
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("dispatch-route-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
