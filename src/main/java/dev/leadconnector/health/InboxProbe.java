package dev.leadconnector.health;

import dev.leadconnector.dispatch.InboxSettings;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * What the health check and the metrics ask of the inbox: how many leads wait in it (which fails
 * when it cannot be reached). The default reads the {@code file:} inbox folder; another inbox (a
 * queue) provides its own bean of this type.
 */
public interface InboxProbe {

    /** Leads waiting to be dispatched; throws when the inbox cannot be reached. */
    long depth() throws Exception;

    /** Where the inbox is, for the health details (no credentials). */
    String location();

    @Configuration(proxyBeanMethods = false)
    class Defaults {
        @Bean
        @Conditional(InboxScheme.File.class)
        InboxProbe fileInbox(InboxSettings inbox) {
            String inboxUri = inbox.uri();
            String folder = inboxUri.substring("file:".length()).replaceFirst("\\?.*", "");
            return new FolderInbox(Path.of(folder));
        }
    }

    /** The file inbox: one file per lead; names starting with a dot are still being written. */
    record FolderInbox(Path folder) implements InboxProbe {
        @Override
        public long depth() throws IOException {
            if (!Files.isDirectory(folder) || !Files.isWritable(folder)) {
                throw new IOException("inbox folder " + folder + " is missing or not writable");
            }
            long count = 0;
            try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "[!.]*")) {
                for (Path ignored : files) {
                    count++;
                }
            }
            return count;
        }

        @Override
        public String location() {
            return folder.toString();
        }
    }
}
