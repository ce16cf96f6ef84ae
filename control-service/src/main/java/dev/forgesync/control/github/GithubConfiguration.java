package dev.forgesync.control.github;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The one GitHub REST client of control-service (one rate-limit view and one ETag store for every user). */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(GithubProperties.class)
class GithubConfiguration {

    @Bean
    GithubClient githubClient(GithubProperties properties) {
        return new GithubClient(properties);
    }
}
