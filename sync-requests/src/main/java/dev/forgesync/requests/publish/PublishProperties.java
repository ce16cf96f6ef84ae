package dev.forgesync.requests.publish;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.forgesync.schema.Topics;

/**
 * Publishing sync requests.
 *
 * @param partitions        partitions of {@code forgesync.sync-requests} when this service creates it (an existing
 *                          topic keeps its count)
 * @param replicationFactor its replication factor (1 for a single local broker)
 * @param retention         its retention; longer than GitHub's 3-day redelivery window
 * @param brokerDownBackoff after a failed publish, how long request threads leave publishing to the relay
 * @param queueCapacity     after-commit publishes waiting for the publisher thread; beyond it the relay takes over
 * @param handOver          an after-commit publish not sent within this time of its transaction's start is left to
 *                          the relay, checked when the publisher thread gets to it; part of the budget each row
 *                          stores as {@code relay_after} (hand-over + max.block.ms + delivery.timeout.ms + 1 s), before
 *                          which no relay claims it; shorter than {@code forgesync.relay.grace}
 */
@ConfigurationProperties("forgesync.publish")
public record PublishProperties(
        @DefaultValue("" + Topics.SYNC_REQUESTS_PARTITIONS) int partitions,
        @DefaultValue("1") short replicationFactor,
        @DefaultValue("14d") Duration retention,
        @DefaultValue("5s") Duration brokerDownBackoff,
        @DefaultValue("10000") int queueCapacity,
        @DefaultValue("3s") Duration handOver) {

    public PublishProperties {
        if (partitions < 1 || replicationFactor < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("forgesync.publish partitions, replication-factor and queue-capacity must be positive");
        }
        if (handOver.isNegative() || handOver.isZero()) {
            throw new IllegalArgumentException("forgesync.publish.hand-over must be positive");
        }
    }
}
