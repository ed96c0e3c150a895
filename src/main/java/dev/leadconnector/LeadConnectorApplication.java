package dev.leadconnector;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Marketplace leads in, CRM records out: the routes themselves live in {@code routes/*.camel.yaml}. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class LeadConnectorApplication {

    public static void main(String[] args) {
        SpringApplication.run(LeadConnectorApplication.class, args);
    }
}
