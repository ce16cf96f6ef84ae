package dev.forgesync.control.ops;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(OpsProperties.class)
class OpsConfiguration {

    @Bean
    FilterRegistrationBean<OpsAuthFilter> opsAuthFilter(OpsProperties properties) {
        FilterRegistrationBean<OpsAuthFilter> registration =
                new FilterRegistrationBean<>(new OpsAuthFilter(new OpsTokens(properties)));
        registration.addUrlPatterns("/api/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }
}
