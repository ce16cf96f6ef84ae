package dev.forgesync.requests.topics;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * Makes the context's {@link KafkaAdmin} create missing topics only and never change an existing one
 * ({@link CreateOnlyTopics}). Imported by every service that declares topics.
 */
@Configuration(proxyBeanMethods = false)
public class TopicsConfiguration {

    @Bean
    static BeanPostProcessor createOnlyTopics() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (bean instanceof KafkaAdmin admin) {
                    admin.setCreateOrModifyTopic(new CreateOnlyTopics(admin.getConfigurationProperties()));
                }
                return bean;
            }
        };
    }
}
