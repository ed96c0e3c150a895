package dev.leadconnector.management;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The passwords generated for management logins that have none configured, kept owner-only in one
 * file ({@code username=password} lines) from one start to the next, so that a bookmark, a
 * Prometheus scrape or a second terminal still logs in after a restart. A login's generated
 * password lasts until the operator configures one; the file then forgets it. No password is ever
 * logged.
 */
final class GeneratedPasswords {

    private static final Logger LOG = LoggerFactory.getLogger(GeneratedPasswords.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Any permission for the group or others. */
    private static final Set<PosixFilePermission> NOT_OWNER = EnumSet.complementOf(EnumSet.of(
            PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));

    private final Path file;
    private final Map<String, String> kept;
    private final Map<String, String> now = new LinkedHashMap<>();
    private final List<String> generated = new ArrayList<>();

    private GeneratedPasswords(Path file, Map<String, String> kept) {
        this.file = file;
        this.kept = kept;
    }

    /** The passwords kept in the file, when it may be trusted; none otherwise. */
    static GeneratedPasswords readFrom(Path file) throws IOException {
        return new GeneratedPasswords(file, trusted(file) ? parse(Files.readAllLines(file)) : Map.of());
    }

    /**
     * The password of a login: the configured one when there is one (it always wins and never goes to
     * the file), else the one generated for this username at an earlier start, else a new one.
     */
    String passwordOf(String username, String configured) {
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        String password = kept.get(username);
        if (password == null) {
            byte[] random = new byte[18];
            RANDOM.nextBytes(random);
            password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            generated.add(username);
        }
        now.put(username, password);
        return password;
    }

    /**
     * Writes the file again when what it should hold changed (a password generated, a login that now
     * has its own dropped, a file not trusted); removes it once every login has its own password.
     */
    void store(boolean reachableFromElsewhere) throws IOException {
        if (now.isEmpty()) {
            if (Files.deleteIfExists(file)) {
                LOG.info("Every management login has a password of its own: removed the generated ones in {}", file);
            }
            return;
        }
        if (!now.equals(kept)) {
            StringBuilder content = new StringBuilder();
            now.forEach((username, password) -> content.append(username).append('=').append(password).append('\n'));
            writeOwnerOnly(file, content.toString());
        }
        // the passwords themselves never go to the log; a warning only where other machines reach the port
        (reachableFromElsewhere ? LOG.atWarn() : LOG.atInfo()).log("No password set for the management logins {}: their generated passwords are in {} (owner-only), "
                + "kept across restarts until you set leads.management.viewer.password and "
                + "leads.management.operator.password, as production should{}", now.keySet(), file,
                generated.isEmpty() ? "." : " (generated now: " + generated + ").");
    }

    /**
     * Whether the file's passwords may be used. One the group or others could read may have been
     * read (and logging in with its passwords would be anyone's), one they could write may have been
     * planted: either way its passwords are not reused but replaced, and the new file is owner-only.
     * A symbolic link is not followed (it could point at a file someone else controls).
     */
    private static boolean trusted(Path file) throws IOException {
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            LOG.warn("{} is not a regular file: its management passwords are not reused, new ones are generated", file);
            return false;
        }
        Set<PosixFilePermission> permissions;
        try {
            permissions = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException notPosix) {
            return true; // no POSIX permissions to check (nor to set when it was written)
        }
        if (permissions.stream().anyMatch(NOT_OWNER::contains)) {
            LOG.warn("{} is open to the group or others ({}): its management passwords are not reused, new ones are "
                    + "generated and the file is written owner-only again", file, PosixFilePermissions.toString(permissions));
            return false;
        }
        return true;
    }

    /** {@code username=password} lines; a generated password has no '=', a username might. */
    private static Map<String, String> parse(List<String> lines) {
        Map<String, String> passwords = new LinkedHashMap<>();
        for (String line : lines) {
            int equals = line.lastIndexOf('=');
            if (equals > 0 && equals < line.length() - 1) {
                passwords.put(line.substring(0, equals), line.substring(equals + 1));
            }
        }
        return passwords;
    }

    /** Written whole or not at all (a new owner-only file renamed over the old one). */
    private static void writeOwnerOnly(Path file, String content) throws IOException {
        Path folder = file.toAbsolutePath().getParent();
        Files.createDirectories(folder);
        Path temporary;
        try {
            temporary = Files.createTempFile(folder, ".management-passwords-", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            temporary = Files.createTempFile(folder, ".management-passwords-", ".tmp");
        }
        try {
            Files.writeString(temporary, content);
            try {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException notAtomic) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
