package dev.forgesync.requests.publish;

import java.util.Map;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.forgesync.schema.Topics;

/** Declares {@code forgesync.sync-requests} so a fresh broker gets it with our partitions and retention. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PublishProperties.class)
class TopicConfiguration {

    @Bean
    NewTopic syncRequestsTopic(PublishProperties properties) {
        NewTopic topic = new NewTopic(Topics.SYNC_REQUESTS, properties.partitions(), properties.replicationFactor());
        return topic.configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(properties.retention().toMillis())));
    }
}
