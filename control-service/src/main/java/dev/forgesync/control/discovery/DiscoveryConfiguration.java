package dev.forgesync.control.discovery;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({DiscoveryProperties.class, DiscoveryProperties.Seeds.class})
class DiscoveryConfiguration {
}
