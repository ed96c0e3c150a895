package dev.leadconnector.journal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.leadconnector.security.SecretValues;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The lead journal, in the de-duplication database. */
@Configuration(proxyBeanMethods = false)
public class JournalConfiguration {

    @Bean
    JournalStore journalStore(DataSource dataSource) {
        return new JournalStore(dataSource);
    }

    @Bean
    LeadJournal leadJournal(JournalStore store, ObjectMapper mapper, SecretValues secrets,
                            JournalSettings settings) {
        return new LeadJournal(store, mapper, settings.emailHashSecret(), secrets, Clock.systemUTC());
    }
}
