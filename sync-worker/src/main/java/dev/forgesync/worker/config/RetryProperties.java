package dev.forgesync.worker.config;

import java.time.Duration;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import dev.forgesync.schema.Topics;

/**
 * The retry topics: delays grow from {@code initialDelay} by {@code multiplier} up to {@code maxDelay}. The row's
 * {@code max_retries} decides when a repository is a permanent failure; {@code attempts} (first try included) only
 * bounds the topic chain and should be at least {@code max_retries + 1}.
 *
 * @param attempts tries per request through the retry topic chain, the first included (at least the rows' {@code max_retries} + 1)
 * @param initialDelay delay before the first retry
 * @param multiplier growth of the delay from one retry to the next
 * @param maxDelay the longest delay between two tries
 * @param topicPartitions partitions of the retry topics when this worker creates them (existing ones keep their
 *                        count); at least the main topic's count
 * @param replicationFactor replication factor of the retry and dead-letter topics
 * @param databaseInitialDelay first pause before a record whose sync could not reach the database is tried again in
 *                             place (the database's outage does not use up the request's retries)
 * @param databaseMaxDelay the longest pause between two in-place tries while the database is unavailable; well
 *                         below the consumer's {@code max.poll.interval.ms}
 */
@Validated
@ConfigurationProperties("forgesync.retry")
public record RetryProperties(
        @Min(1) @DefaultValue("4") int attempts,
        @NotNull @DefaultValue("30s") Duration initialDelay,
        @DefaultValue("4.0") double multiplier,
        @NotNull @DefaultValue("30m") Duration maxDelay,
        @Min(1) @DefaultValue("" + Topics.SYNC_REQUESTS_PARTITIONS) int topicPartitions,
        @Min(1) @DefaultValue("1") short replicationFactor,
        @NotNull @DefaultValue("1s") Duration databaseInitialDelay,
        @NotNull @DefaultValue("30s") Duration databaseMaxDelay) {

    /** The delay before retry number {@code retry} (1-based). */
    public Duration delayBefore(int retry) {
        double millis = initialDelay.toMillis() * Math.pow(multiplier, Math.max(0, retry - 1));
        return Duration.ofMillis((long) Math.min(millis, maxDelay.toMillis()));
    }
}
