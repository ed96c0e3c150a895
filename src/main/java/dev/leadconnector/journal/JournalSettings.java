package dev.leadconnector.journal;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code leads.journal.*}. Written once, in {@code application.yaml}.
 *
 * @param emailHashSecret the key of the e-mail's keyed hash; empty: one generated once and kept in
 *                        the database
 */
@ConfigurationProperties("leads.journal")
public record JournalSettings(String emailHashSecret) {

    public JournalSettings {
        emailHashSecret = emailHashSecret == null ? "" : emailHashSecret;
    }

    /** Never the key itself. */
    @Override
    public String toString() {
        return "JournalSettings[emailHashSecret=" + (emailHashSecret.isEmpty() ? "(generated)" : "(set)") + "]";
    }
}
