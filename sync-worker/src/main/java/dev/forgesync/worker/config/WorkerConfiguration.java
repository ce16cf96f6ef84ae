package dev.forgesync.worker.config;

import java.time.Clock;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({GithubProperties.class, OneDevProperties.class, MirrorProperties.class,
        HistoryProperties.class,
        DestinationProperties.class, SyncProperties.class, RetryProperties.class, GitProperties.class})
class WorkerConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
