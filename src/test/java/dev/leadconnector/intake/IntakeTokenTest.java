package dev.leadconnector.intake;

import static dev.leadconnector.support.RunningConnector.files;
import static org.assertj.core.api.Assertions.assertThat;

import dev.leadconnector.support.Fixtures;
import dev.leadconnector.support.RunningConnector;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With leads.intake.token set, only a sender showing it (query parameter or Bearer header) gets in. */
class IntakeTokenTest {

    private static final String TOKEN = "7c1e9f0a-intake-secret";

    @Test
    void theTokenIsRequiredAsCodeParameterOrBearerHeader(@TempDir Path dataDir) {
        try (RunningConnector connector = RunningConnector.start(dataDir, "leads.intake.token=" + TOKEN)) {
            String lead = Fixtures.lead("azure-marketplace-ins.json");

            HttpResponse<String> none = post(connector, "/leads", null, lead);
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"leads\"");
            assertThat(none.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(none.body()).doesNotContain(TOKEN);
            assertThat(post(connector, "/leads?code=wrong", null, lead).statusCode()).isEqualTo(401);
            assertThat(post(connector, "/leads?code=" + TOKEN.substring(1), null, lead).statusCode()).isEqualTo(401);
            assertThat(post(connector, "/leads", "Bearer " + TOKEN + "x", lead).statusCode()).isEqualTo(401);
            assertThat(post(connector, "/leads", "Basic " + TOKEN, lead).statusCode()).isEqualTo(401);
            connector.awaitInboxDrained();
            assertThat(files(connector.archive())).isEmpty();

            assertThat(post(connector, "/leads?code=" + TOKEN, null, lead).statusCode()).isEqualTo(202);
            assertThat(post(connector, "/leads", "Bearer " + TOKEN,
                    Fixtures.lead("azure-portal-create.json")).statusCode()).isEqualTo(202);
            connector.awaitInboxDrained();
            assertThat(files(connector.archive())).hasSize(2);
        }
    }

    private static HttpResponse<String> post(RunningConnector connector, String path, String authorization, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(connector.uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return connector.send(request);
    }
}
