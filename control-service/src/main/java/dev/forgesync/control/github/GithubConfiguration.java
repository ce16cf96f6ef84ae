package dev.forgesync.control.github;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.forgesync.githubauth.GithubCredentials;

/**
 * The one GitHub REST client of control-service (one rate-limit view and one ETag store for every user) and the one
 * set of credentials (a token or a GitHub App) that it and the freshness check's git reads carry. A token and an App
 * configured together stop start-up with a message naming both.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(GithubProperties.class)
class GithubConfiguration {

    private static final Logger log = LoggerFactory.getLogger(GithubConfiguration.class);

    @Bean
    GithubCredentials githubCredentials(GithubProperties properties) {
        GithubCredentials credentials = properties.authSettings().credentials();
        log.info("github: {} at {}, credentials: {}", properties.apiUrl(), properties.baseUrl(),
                credentials.describe());
        return credentials;
    }

    @Bean
    GithubClient githubClient(GithubProperties properties, GithubCredentials credentials, DataSource dataSource) {
        return new GithubClient(properties, credentials, dataSource);
    }
}
