package dev.leadconnector.bench.baseline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The benchmark's baseline: POST /leads parses the lead with Jackson, appends it as one line to a
 * file and forces it to disk before answering 202. The least a lead endpoint that keeps what it
 * acknowledges must do, on the same Spring Boot and Tomcat as the connector.
 */
@SpringBootApplication
@RestController
public class BaselineApplication {

    private final ObjectMapper mapper;
    private final FileChannel file;

    BaselineApplication(ObjectMapper mapper, @Value("${baseline.file:./leads.jsonl}") Path path) throws IOException {
        this.mapper = mapper;
        Files.createDirectories(path.toAbsolutePath().getParent());
        this.file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
    }

    public static void main(String[] args) {
        SpringApplication.run(BaselineApplication.class, args);
    }

    @PostMapping(path = "/leads", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, String>> accept(@RequestBody byte[] body) throws IOException {
        JsonNode lead = mapper.readTree(body);
        if (!lead.isObject()) {
            return ResponseEntity.badRequest().build();
        }
        byte[] line = (mapper.writeValueAsString(lead) + "\n").getBytes(StandardCharsets.UTF_8);
        // one writer at a time keeps lines whole; force outside the lock, so concurrent requests
        // share one fsync (every write before a force's start is on disk when it returns)
        synchronized (file) {
            ByteBuffer buffer = ByteBuffer.wrap(line);
            while (buffer.hasRemaining()) {
                file.write(buffer);
            }
        }
        file.force(false);
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("status", "accepted"));
    }
}
