package dev.leadconnector.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.leadconnector.targets.dynamics.HttpParts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Dataverse's answer to {@code POST /api/data/v9.2/$batch} for WireMock ({@code withTransformers("dataverse-batch")}),
 * as the Web API documents it: multipart/mixed with one application/http response per request part, in order.
 * A POST part is answered 204 with the new record's OData-EntityId, a PATCH part 204; a part whose body holds
 * a refused email is answered 400 with Dataverse's {"error":{"code","message"}}.
 */
public final class DataverseBatch implements ResponseDefinitionTransformerV2 {

    public static final String NAME = "dataverse-batch";

    private final Map<String, String> refusals = new ConcurrentHashMap<>();

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    /** Parts carrying this email are refused with this Dataverse error (e.g. {"error":{...}}). */
    public void refuse(String email, String error) {
        refusals.put(email, error);
    }

    /** The request parts of a logged $batch call. */
    public static List<HttpParts.Part> parts(LoggedRequest batch) {
        return HttpParts.read(batch.getHeader("Content-Type"), batch.getBodyAsString());
    }

    @Override
    public ResponseDefinition transform(ServeEvent serveEvent) {
        LoggedRequest request = serveEvent.getRequest();
        String boundary = "batchresponse_" + UUID.randomUUID();
        StringBuilder body = new StringBuilder();
        for (HttpParts.Part part : parts(request)) {
            body.append("--").append(boundary).append("\r\n")
                    .append("Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n")
                    .append(answer(part)).append("\r\n");
        }
        body.append("--").append(boundary).append("--\r\n");
        return ResponseDefinitionBuilder.responseDefinition().withStatus(200)
                .withHeader("Content-Type", "multipart/mixed; boundary=" + boundary)
                .withHeader("OData-Version", "4.0")
                .withBody(body.toString()).build();
    }

    private String answer(HttpParts.Part part) {
        for (Map.Entry<String, String> refusal : refusals.entrySet()) {
            if (part.body().contains("\"" + refusal.getKey() + "\"")) {
                return "HTTP/1.1 400 Bad Request\r\nREQ_ID: 5fe339e5-c75e-4370-b0ee-5e5f5a0b9b10\r\n"
                        + "Content-Type: application/json; odata.metadata=minimal\r\nOData-Version: 4.0\r\n\r\n"
                        + refusal.getValue() + "\r\n";
            }
        }
        String url = part.startLine().split(" ")[1];
        if (part.startLine().startsWith("POST ")) {
            String entity = url + "(" + UUID.nameUUIDFromBytes(part.body().getBytes()) + ")";
            return "HTTP/1.1 204 No Content\r\nOData-Version: 4.0\r\nLocation: " + entity + "\r\nOData-EntityId: "
                    + entity + "\r\n\r\n";
        }
        return "HTTP/1.1 204 No Content\r\nOData-Version: 4.0\r\nOData-EntityId: " + url + "\r\n\r\n";
    }

    /** One lead's request part, the $batch call that carried it, and the part's JSON body. */
    public record Sent(LoggedRequest batch, HttpParts.Part part, JsonNode record) {}

    /** Every part of every $batch call Dataverse got (the calls matching {@code batches}), in order. */
    public static List<Sent> sent(WireMockServer dataverse, RequestPatternBuilder batches) {
        List<Sent> all = new ArrayList<>();
        for (LoggedRequest batch : dataverse.findAll(batches)) {
            for (HttpParts.Part part : parts(batch)) {
                all.add(new Sent(batch, part, RunningConnector.json(part.body())));
            }
        }
        return all;
    }
}
