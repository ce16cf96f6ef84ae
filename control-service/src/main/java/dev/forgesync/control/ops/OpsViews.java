package dev.forgesync.control.ops;

import java.time.OffsetDateTime;
import java.util.List;

import tools.jackson.databind.JsonNode;

/** The JSON shapes of the ops API's answers, one record per row kind (field names are the JSON names). */
final class OpsViews {

    private OpsViews() {
    }

    record PendingSync(long id, String githubFullName, String githubOwner, String syncStatus, Integer retryCount,
            OffsetDateTime createdAt, OffsetDateTime updatedAt, String errorMessage) {
    }

    record FailedSync(long id, String githubFullName, Integer retryCount, Integer maxRetries,
            OffsetDateTime nextRetryAt, Boolean dueNow, String errorMessage) {
    }

    record StatusCount(String syncStatus, long count, Double avgRetries) {
    }

    record Statistics(List<StatusCount> statuses, long total) {
    }

    record Activity(long id, long repositoryId, String githubFullName, String eventType, String status,
            Double durationSeconds, Long bytesTransferred, String errorCode, String errorMessage,
            OffsetDateTime createdAt) {
    }

    record UnprocessedWebhook(long id, String eventType, String deliveryId, OffsetDateTime receivedAt,
            String repoName, Long repositoryId) {
    }

    record RepositorySummary(long id, String githubFullName, String githubOwner, String syncStatus,
            Integer retryCount, Integer maxRetries, OffsetDateTime lastSyncedAt, OffsetDateTime nextRetryAt,
            OffsetDateTime updatedAt, String errorMessage, String onedevRepoName, int rejectedRefs, int archivedRefs,
            String freshness, OffsetDateTime freshnessCheckedAt) {

        /** Completed with refs the destination refused (README "Vault and exact mode"). */
        @com.fasterxml.jackson.annotation.JsonProperty("partial")
        public boolean partial() {
            return rejectedRefs > 0;
        }
    }

    record Repository(long id, String githubUrl, String githubFullName, String githubOwner, String githubRepoName,
            Long githubRepoId, String githubDefaultBranch, Boolean githubIsPrivate, Integer githubSizeKb,
            String onedevUrl, String onedevRepoName, Integer onedevProjectId, String syncStatus, String errorMessage,
            Integer retryCount, Integer maxRetries, OffsetDateTime createdAt, OffsetDateTime updatedAt,
            OffsetDateTime lastSyncedAt, OffsetDateTime nextRetryAt, JsonNode metadata, int rejectedRefs,
            int archivedRefs) {

        @com.fasterxml.jackson.annotation.JsonProperty("partial")
        public boolean partial() {
            return rejectedRefs > 0;
        }
    }

    record HistoryEntry(long id, String eventType, String status, String errorCode, String errorMessage,
            Double durationSeconds, Long bytesTransferred, JsonNode payload, OffsetDateTime createdAt) {
    }

    record WebhookEntry(long id, String eventType, String deliveryId, Boolean processed, String processingError,
            OffsetDateTime receivedAt, OffsetDateTime processedAt) {
    }

    record RepositoryDetail(Repository repository, Page<HistoryEntry> history, List<WebhookEntry> recentWebhooks,
            List<RefHistory.RejectedRef> rejectedRefs, List<RefHistory.ArchivedRef> archivedRefs) {
    }
}
