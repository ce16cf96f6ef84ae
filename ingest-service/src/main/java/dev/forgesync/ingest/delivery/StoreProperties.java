package dev.forgesync.ingest.delivery;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Storing deliveries (group commit): request threads queue their verified deliveries, writer threads store what has
 * arrived meanwhile in one transaction per batch, and each request is answered after its batch commits.
 *
 * @param writers       writer threads, each with one database connection while it stores a batch
 * @param maxBatch      deliveries stored in one transaction at most
 * @param queueCapacity deliveries waiting for a writer; beyond it a delivery is refused with 503 and Retry-After
 * @param timeout       how long a request waits for its batch to commit before it is answered 503 (a delivery
 *                      committed after that is a duplicate when GitHub redelivers it: nothing is lost)
 */
@ConfigurationProperties("forgesync.store")
public record StoreProperties(
        @DefaultValue("2") int writers,
        @DefaultValue("64") int maxBatch,
        @DefaultValue("4096") int queueCapacity,
        @DefaultValue("5s") Duration timeout) {

    public StoreProperties {
        if (writers < 1 || maxBatch < 1 || maxBatch > 1000 || queueCapacity < 1) {
            throw new IllegalArgumentException(
                    "forgesync.store writers and queue-capacity must be positive, max-batch between 1 and 1000");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("forgesync.store.timeout must be positive");
        }
    }
}
