package dev.forgesync.worker.config;

import java.time.Clock;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.forgesync.githubauth.GithubCredentials;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({GithubProperties.class, OneDevProperties.class, MirrorProperties.class,
        HistoryProperties.class,
        DestinationProperties.class, SyncProperties.class, RetryProperties.class, GitProperties.class})
class WorkerConfiguration {

    /** The one set of GitHub credentials of the worker (a token or a GitHub App's installation tokens). */
    @Bean
    GithubCredentials githubCredentials(GithubProperties github) {
        return github.credentials();
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
