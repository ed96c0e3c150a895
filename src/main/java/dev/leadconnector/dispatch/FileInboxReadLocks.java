package dev.leadconnector.dispatch;

import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The file inbox's read locks ({@code readLock=idempotent&idempotentRepository=#inboxReadLocks} in
 * {@code leads.inbox.uri}). A poll lists the folder while earlier leads are still being handled;
 * one that finishes right then deletes its file, and without a lock the poll would hand that file
 * over gone. With it, Camel skips a listed file that no longer exists, and a handled file stays
 * locked for {@code readLockIdempotentReleaseDelay} after it was deleted.
 */
@Configuration(proxyBeanMethods = false)
public class FileInboxReadLocks {

    /** More than leads.inbox.max-in-flight plus what a few polls list meanwhile. */
    static final int CAPACITY = 10_000;

    @Bean
    IdempotentRepository inboxReadLocks() {
        return MemoryIdempotentRepository.memoryIdempotentRepository(CAPACITY);
    }
}
