package dev.forgesync.worker.listener;

import java.util.List;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.EnableKafkaRetryTopic;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.retrytopic.RetryTopicConfiguration;
import org.springframework.kafka.retrytopic.RetryTopicConfigurationBuilder;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import dev.forgesync.schema.InvalidSyncRequestException;
import dev.forgesync.schema.Topics;
import dev.forgesync.worker.config.RetryProperties;
import dev.forgesync.worker.failure.PermanentSyncFailure;

/**
 * spring-kafka's non-blocking retries for {@code forgesync.sync-requests}: {@code -retry-0..n} topics with growing
 * delays, then {@code -dlt}. Poison records and permanent failures skip the retries.
 */
@Configuration(proxyBeanMethods = false)
@EnableKafkaRetryTopic
class RetryTopology {

    @Bean
    RetryTopicConfiguration syncRequestRetryTopics(KafkaTemplate<?, ?> template, RetryProperties retry) {
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

    @Bean
    ThreadPoolTaskScheduler retryTopicScheduler() {
        ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
        scheduler.setThreadNamePrefix("retry-topic-");
        return scheduler;
    }
}
