package dev.forgesync.control.freshness;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(FreshnessProperties.class)
class FreshnessConfiguration {
}
