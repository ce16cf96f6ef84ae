package dev.forgesync.control.web;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({WebProperties.class, ProxySignInProperties.class})
class WebConfiguration {

    /** One Kafka admin client for the overview's consumer lag, with timeouts no longer than the page waits. */
    @Bean(destroyMethod = "close")
    Admin statusPageKafkaAdmin(KafkaAdmin kafkaAdmin, WebProperties properties) {
        Map<String, Object> config = new HashMap<>(kafkaAdmin.getConfigurationProperties());
        int timeoutMs = (int) properties.lagTimeout().toMillis();
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "forgesync-control-status-page");
        return Admin.create(config);
    }

    @Bean
    ConsumerLag consumerLag(Admin statusPageKafkaAdmin, WebProperties properties) {
        return new ConsumerLag(statusPageKafkaAdmin, properties.lagTimeout());
    }
}
