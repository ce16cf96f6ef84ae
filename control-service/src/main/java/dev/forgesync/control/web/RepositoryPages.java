package dev.forgesync.control.web;

import java.time.OffsetDateTime;
import java.util.List;

/** The rows the repositories, repository and failures pages show. */
final class RepositoryPages {

    private RepositoryPages() {
    }

    /** One page of a keyset-paginated list; {@code next} is the cursor of the following page, null on the last. */
    record Slice<T>(List<T> rows, Long next) {
        static <T> Slice<T> of(List<T> fetched, int size, java.util.function.ToLongFunction<T> id) {
            if (fetched.size() <= size) {
                return new Slice<>(fetched, null);
            }
            List<T> rows = fetched.subList(0, size);
            return new Slice<>(rows, id.applyAsLong(rows.get(size - 1)));
        }
    }

    record Listed(long id, String githubFullName, String githubUrl, String onedevUrl, String syncStatus,
            int retryCount, OffsetDateTime lastSyncedAt, OffsetDateTime updatedAt, int rejectedRefs) {
    }

    record Repository(long id, String githubFullName, String githubUrl, String githubDefaultBranch,
            Boolean githubIsPrivate, String onedevUrl, String onedevRepoName, String syncStatus, String errorMessage,
            int retryCount, int maxRetries, OffsetDateTime createdAt, OffsetDateTime updatedAt,
            OffsetDateTime lastSyncedAt, OffsetDateTime nextRetryAt, int rejectedRefs, int archivedRefs) {

        public boolean retryable() {
            return "permanent_failure".equals(syncStatus);
        }
    }

    record Step(long id, String eventType, String status, Double durationSeconds, Long bytesTransferred,
            String errorCode, String errorMessage, OffsetDateTime createdAt) {
    }

    record Webhook(long id, String eventType, String deliveryId, Boolean processed, String processingError,
            OffsetDateTime receivedAt) {
    }

    record Failure(long id, String githubFullName, String githubUrl, String errorCode, String errorMessage,
            int retryCount, int maxRetries, OffsetDateTime updatedAt) {
    }
}
