package dev.forgesync.control.ops;

import java.time.Clock;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({OpsProperties.class, SignInProperties.class})
class OpsConfiguration {

    @Bean
    SignInThrottle signInThrottle(SignInProperties properties) {
        return new SignInThrottle(properties, Clock.systemUTC());
    }

    @Bean
    FilterRegistrationBean<OpsAuthFilter> opsAuthFilter(OpsProperties properties, SignInThrottle throttle) {
        FilterRegistrationBean<OpsAuthFilter> registration =
                new FilterRegistrationBean<>(new OpsAuthFilter(new OpsTokens(properties), throttle));
        registration.addUrlPatterns("/api/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }
}
