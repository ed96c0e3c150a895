package dev.leadconnector.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The sample marketplace payloads under src/test/resources/fixtures. */
public final class Fixtures {

    public static final List<String> GOOD = List.of(
            "appsource-contact-me-camelcase.json", "appsource-do-not-contact.json", "azure-marketplace-ins.json",
            "azure-portal-create.json", "combined-lead-source.json", "marketplace-test-lead.json", "no-email.json",
            "partial-details.json", "test-drive-start.json", "unknown-action.json");

    public static final List<String> BAD = List.of("array-not-object.json", "truncated.json", "wrong-types.json");

    private Fixtures() {
    }

    public static String lead(String name) {
        return read("fixtures/leads/" + name);
    }

    public static String bad(String name) {
        return read("fixtures/bad/" + name);
    }

    private static String read(String resource) {
        try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
