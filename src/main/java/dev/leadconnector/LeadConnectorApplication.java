package dev.leadconnector;

import java.nio.file.Path;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Marketplace leads in, CRM records out: the routes themselves live in {@code routes/*.camel.yaml}. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class LeadConnectorApplication {

    public static void main(String[] args) {
        String missing = StartFolder.missing(Path.of(""), args, System.getenv());
        if (missing != null) {
            System.err.println(missing);
            System.exit(2);
        }
        SpringApplication.run(LeadConnectorApplication.class, args);
    }
}
