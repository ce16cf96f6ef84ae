package dev.forgesync.worker.listener;

import java.util.List;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.retrytopic.RetryTopicConfiguration;
import org.springframework.kafka.retrytopic.RetryTopicConfigurationBuilder;
import org.springframework.kafka.retrytopic.RetryTopicConfigurationSupport;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.util.backoff.ExponentialBackOff;

import dev.forgesync.requests.InvalidSyncRequestException;
import dev.forgesync.requests.topics.TopicsConfiguration;
import dev.forgesync.schema.Topics;
import dev.forgesync.worker.config.RetryProperties;
import dev.forgesync.worker.failure.FailureClassifier;
import dev.forgesync.worker.failure.PermanentSyncFailure;

/**
 * spring-kafka's non-blocking retries for {@code forgesync.sync-requests}: {@code -retry-0..n} topics with growing
 * delays, then {@code -dlt}. Poison records and permanent failures skip the retries.
 *
 * <p>A database that cannot be reached is not the request's fault, and walking the record through the retry topics
 * would dead-letter it during any outage longer than the chain: such failures are retried in place (blocking, with
 * back-off up to {@code forgesync.retry.database-max-delay}, without limit) until the database answers again.
 *
 * <p>The retry and dead-letter topics are created with {@code forgesync.retry.topic-partitions} when missing; existing
 * ones keep their count ({@link TopicsConfiguration}).
 */
@Configuration(proxyBeanMethods = false)
@Import(TopicsConfiguration.class)
class RetryTopology extends RetryTopicConfigurationSupport {

    private final RetryProperties retry;

    RetryTopology(RetryProperties retry) {
        this.retry = retry;
    }

    @Bean
    RetryTopicConfiguration syncRequestRetryTopics(KafkaTemplate<?, ?> template) {
        return RetryTopicConfigurationBuilder.newInstance()
                .includeTopic(Topics.SYNC_REQUESTS)
                .maxAttempts(retry.attempts())
                .exponentialBackoff(retry.initialDelay().toMillis(), retry.multiplier(), retry.maxDelay().toMillis())
                .suffixTopicsWithIndexValues()
                .retryTopicSuffix(Topics.RETRY_SUFFIX)
                .dltSuffix(Topics.DLT_SUFFIX)
                .notRetryOn(List.of(InvalidSyncRequestException.class, PermanentSyncFailure.class))
                .traversingCauses()
                .dltHandlerMethod("deadLetterHandler", "onDeadLetter")
                .autoCreateTopicsWith(retry.topicPartitions(), retry.replicationFactor())
                .create(template);
    }

    @Override
    protected void configureBlockingRetries(BlockingRetriesConfigurer blockingRetries) {
        ExponentialBackOff backOff = new ExponentialBackOff(retry.databaseInitialDelay().toMillis(), 2.0);
        backOff.setMaxInterval(retry.databaseMaxDelay().toMillis());
        blockingRetries.retryOn(FailureClassifier.DATABASE_UNAVAILABLE.toArray(Class[]::new)).backOff(backOff);
    }

    @Bean
    ThreadPoolTaskScheduler retryTopicScheduler() {
        ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
        scheduler.setThreadNamePrefix("retry-topic-");
        return scheduler;
    }
}
