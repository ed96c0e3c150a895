package dev.leadconnector.intake;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.springframework.stereotype.Component;

/**
 * Makes a lead written to the file inbox survive a power cut before its 202 is sent: Camel's file
 * producer leaves the bytes in the page cache (its forceWrites option is not used by the writer),
 * which outlives a killed process but not a lost machine. Syncs the file, then its folder (the
 * rename that made it visible). Other inboxes (a queue) are durable once they answered: no-op.
 */
@Component("inboxSync")
public class InboxSync {

    public void sync(@Header(Exchange.FILE_NAME_PRODUCED) String written) throws IOException {
        if (written == null) {
            return;
        }
        Path file = Path.of(written);
        try {
            force(file);
        } catch (NoSuchFileException taken) {
            // dispatch has already taken it (and deleted it once every target had it)
        }
        force(file.toAbsolutePath().getParent());
    }

    private static void force(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
