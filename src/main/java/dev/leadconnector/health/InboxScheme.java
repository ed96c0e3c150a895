package dev.leadconnector.health;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Which kind of inbox {@code leads.inbox.uri} names, so that exactly one {@link InboxProbe} is made for it. */
public abstract class InboxScheme implements Condition {

    private final String scheme;

    InboxScheme(String scheme) {
        this.scheme = scheme;
    }

    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
        // a condition decides before any bean exists, so it reads the environment, not InboxSettings
        return context.getEnvironment().getProperty("leads.inbox.uri", "").startsWith(scheme + ":");
    }

    /** A folder: the embedded default. */
    public static final class File extends InboxScheme {
        public File() {
            super("file");
        }
    }

    /** An Azure Storage Queue: the scale-out profile. */
    public static final class AzureQueue extends InboxScheme {
        public AzureQueue() {
            super("azure-storage-queue");
        }
    }
}
