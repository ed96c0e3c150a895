package dev.leadconnector.security;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * The secret values the settings hold (passwords, tokens, client secrets, connection strings and
 * their keys, the https target's headers, a URL's {@code sig=} and token-like path segments), so that every text that leaves the
 * connector can have them taken out: a log line, a dead letter's error, a validate answer. A CRM or
 * receiver that echoes the request it got puts them into its error text. Values shorter than
 * {@value #MIN_LENGTH} characters are not taken out (they would blank ordinary words).
 */
@Component
public class SecretValues {

    public static final String REDACTED = "[redacted]";
    static final int MIN_LENGTH = 6;

    /** Setting names (any source: yaml, environment, arguments) whose value is a secret. */
    private static final Pattern SECRET_SETTING = Pattern.compile(
            ".*(password|secret|token|credential|connection.?string|api.?key|access.?key|account.?key|private.?key"
                    + "|\\.headers\\.).*");
    /** Settings holding a URL, whose query may carry a secret (a flow's sig=...). */
    private static final Pattern URL_SETTING = Pattern.compile(".*(url|uri|endpoint)");
    /** A URL's path segment that looks like a token (20 or more letters and digits, both): a webhook's secret. */
    private static final Pattern SECRET_PATH_SEGMENT = Pattern.compile("(?=.*\\d)(?=.*[A-Za-z])[A-Za-z0-9_-]{20,}");
    /** Settings that name a secret's place or kind, not the secret. */
    private static final Pattern NOT_SECRET = Pattern.compile(".*(file|path|dir|directory|enabled|username|type)");
    /** Query parameters and connection-string parts that carry secrets. */
    private static final Pattern SECRET_PART = Pattern.compile(
            "(?i)sig|signature|sharedaccesssignature|code|.*key|.*token.*|.*secret.*|.*password.*");

    private final List<String> values;

    public SecretValues(Environment environment) {
        Set<String> found = new TreeSet<>();
        if (environment instanceof ConfigurableEnvironment configurable) {
            configurable.getPropertySources().forEach(source -> {
                if (source instanceof EnumerablePropertySource<?> enumerable) {
                    for (String name : enumerable.getPropertyNames()) {
                        collect(name.toLowerCase(Locale.ROOT).replace('_', '.'), value(environment, name), found);
                    }
                }
            });
        }
        this.values = found.stream().filter(v -> v.length() >= MIN_LENGTH)
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    /** The text with every configured secret (as it is, or URL-encoded) replaced by {@value #REDACTED}. */
    public String redact(String text) {
        if (text == null || values.isEmpty()) {
            return text;
        }
        String redacted = text;
        for (String secret : values) {
            if (redacted.contains(secret)) {
                redacted = redacted.replace(secret, REDACTED);
            }
        }
        return redacted;
    }

    private static void collect(String name, String value, Set<String> found) {
        if (value == null || value.isBlank()) {
            return;
        }
        if (NOT_SECRET.matcher(name).matches()) {
            return;
        }
        if (URL_SETTING.matcher(name).matches()) {
            try {
                URI uri = URI.create(value.strip());
                if (uri.getRawUserInfo() != null && uri.getRawUserInfo().contains(":")) {
                    add(uri.getRawUserInfo().substring(uri.getRawUserInfo().indexOf(':') + 1), found);
                }
                if (uri.getRawQuery() != null) {
                    parts(uri.getRawQuery(), "&", found);
                }
                // a webhook whose path is its secret (Slack's /services/T…/B…/<token>)
                if (uri.getRawPath() != null && uri.getScheme() != null && uri.getScheme().toLowerCase(Locale.ROOT).startsWith("http")) {
                    for (String segment : uri.getRawPath().split("/")) {
                        if (SECRET_PATH_SEGMENT.matcher(segment).matches()) {
                            add(segment, found);
                        }
                    }
                }
            } catch (IllegalArgumentException notAUri) {
                // not a URL after all: nothing to find in it
            }
        } else if (SECRET_SETTING.matcher(name).matches()) {
            add(value, found);
            parts(value, ";", found); // a connection string's AccountKey=..., SharedAccessSignature=...
        }
    }

    private static void parts(String value, String separator, Set<String> found) {
        for (String part : value.split(separator)) {
            int equals = part.indexOf('=');
            if (equals > 0 && SECRET_PART.matcher(part.substring(0, equals).strip()).matches()) {
                add(part.substring(equals + 1), found);
            }
        }
    }

    private static void add(String secret, Set<String> found) {
        found.add(secret);
        found.add(URLEncoder.encode(secret, StandardCharsets.UTF_8));
        try {
            found.add(URLDecoder.decode(secret, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException notEncoded) {
            // taken as it is
        }
    }

    private static String value(Environment environment, String name) {
        try {
            return environment.getProperty(name);
        } catch (RuntimeException unresolvable) {
            return null;
        }
    }
}
