package dev.leadconnector.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Whether a stored text is about one customer: a canonical lead (an archive file, an inbox file, an
 * inbox log line, a queue message) or a dead letter's envelope (its {@code lead}) whose
 * {@code customer.email} is the address, compared as the journal's hash compares it (trimmed, without
 * case). A text that is no lead with an e-mail (a poison message, a lead without one) matches when it
 * contains the address anywhere.
 */
final class CustomerMatch implements Predicate<String> {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String email;

    CustomerMatch(String email) {
        this.email = normalized(email);
    }

    static String normalized(String email) {
        return email.trim().toLowerCase(Locale.ROOT);
    }

    @Override
    public boolean test(String text) {
        if (text == null) {
            return false;
        }
        try {
            JsonNode node = JSON.readTree(text);
            if (node != null && node.isObject()) {
                JsonNode lead = node.has("customer") ? node : node.path("lead");
                if (lead.isTextual()) { // a dead letter of a poison message keeps it as text
                    return test(lead.textValue());
                }
                String address = lead.path("customer").path("email").textValue();
                if (address != null) {
                    return normalized(address).equals(email);
                }
            }
        } catch (IOException notJson) {
            // compared as text below
        }
        return text.toLowerCase(Locale.ROOT).contains(email);
    }
}
