package dev.leadconnector.targets.dynamics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The $batch body as the Dataverse Web API documents it ("Execute batch operations using the Web API"). */
class HttpPartsTest {

    @Test
    void writesOneApplicationHttpPartPerRequestAndTheCloseDelimiter() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json; type=entry");
        String body = HttpParts.write("batch_AAA123", List.of(
                HttpParts.request("POST", "https://org/api/data/v9.2/leads", headers, "{\"lastname\":\"Quinn\"}"),
                HttpParts.request("PATCH", "https://org/api/data/v9.2/leads(1)", Map.of("If-Match", "*"), "{}")));
        assertThat(body).isEqualTo("""
                --batch_AAA123\r
                Content-Type: application/http\r
                Content-Transfer-Encoding: binary\r
                \r
                POST https://org/api/data/v9.2/leads HTTP/1.1\r
                Content-Type: application/json; type=entry\r
                \r
                {"lastname":"Quinn"}\r
                --batch_AAA123\r
                Content-Type: application/http\r
                Content-Transfer-Encoding: binary\r
                \r
                PATCH https://org/api/data/v9.2/leads(1) HTTP/1.1\r
                If-Match: *\r
                \r
                {}\r
                --batch_AAA123--\r
                """);
    }

    @Test
    void readsTheResponsesInOrderWithStatusHeadersAndBody() {
        String answer = """
                --batchresponse_c1bd45c1-dd81-470d-b897-e965846aad2f\r
                Content-Type: application/http\r
                Content-Transfer-Encoding: binary\r
                \r
                HTTP/1.1 204 No Content\r
                OData-Version: 4.0\r
                Location: https://org/api/data/v9.2/leads(a59c24d6-4d9a-4a2c-b1d4-6a0f8f0bb4c1)\r
                OData-EntityId: https://org/api/data/v9.2/leads(a59c24d6-4d9a-4a2c-b1d4-6a0f8f0bb4c1)\r
                \r
                \r
                --batchresponse_c1bd45c1-dd81-470d-b897-e965846aad2f\r
                Content-Type: application/http\r
                Content-Transfer-Encoding: binary\r
                \r
                HTTP/1.1 400 Bad Request\r
                REQ_ID: 5fe339e5-c75e-4370-b0ee-5e5f5a0b9b10\r
                Content-Type: application/json; odata.metadata=minimal\r
                OData-Version: 4.0\r
                \r
                {"error":{"code":"0x80044331","message":"A validation error occurred."}}\r
                --batchresponse_c1bd45c1-dd81-470d-b897-e965846aad2f--\r
                """;
        List<HttpParts.Part> parts = HttpParts.read(
                "multipart/mixed; boundary=batchresponse_c1bd45c1-dd81-470d-b897-e965846aad2f", answer);

        assertThat(parts).hasSize(2);
        assertThat(parts.get(0).status()).isEqualTo(204);
        assertThat(parts.get(0).header("odata-entityid"))
                .isEqualTo("https://org/api/data/v9.2/leads(a59c24d6-4d9a-4a2c-b1d4-6a0f8f0bb4c1)");
        assertThat(parts.get(0).body()).isEmpty();
        assertThat(parts.get(1).status()).isEqualTo(400);
        assertThat(parts.get(1).header("Content-Type")).isEqualTo("application/json; odata.metadata=minimal");
        assertThat(parts.get(1).body()).isEqualTo("{\"error\":{\"code\":\"0x80044331\",\"message\":\"A validation error occurred.\"}}");
        // the same answer with LF line ends, a quoted boundary, or none named in the Content-Type
        assertThat(HttpParts.read("multipart/mixed; boundary=\"batchresponse_c1bd45c1-dd81-470d-b897-e965846aad2f\"",
                answer.replace("\r\n", "\n"))).isEqualTo(parts);
        assertThat(HttpParts.read("multipart/mixed", answer)).isEqualTo(parts);
    }

    @Test
    void readsItsOwnRequestsBack() {
        String body = HttpParts.write("batch_1", List.of(
                HttpParts.request("POST", "https://org/api/data/v9.2/leads", Map.of("Content-Type", "application/json"), "{\"a\":1}")));
        HttpParts.Part part = HttpParts.read("multipart/mixed; boundary=batch_1", body).get(0);
        assertThat(part.startLine()).isEqualTo("POST https://org/api/data/v9.2/leads HTTP/1.1");
        assertThat(part.status()).isZero();
        assertThat(part.body()).isEqualTo("{\"a\":1}");
    }

    @Test
    void aBodyThatIsNoMultipartIsRefused() {
        assertThatThrownBy(() -> HttpParts.read("application/json", "{\"error\":{}}")).isInstanceOf(IllegalArgumentException.class);
        assertThat(HttpParts.boundary("multipart/mixed;boundary=batch_x")).isEqualTo("batch_x");
    }
}
