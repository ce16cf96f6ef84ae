package dev.forgesync.worker.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.core.io.ClassPathResource;

/**
 * The worker's shipped datasource cannot hang on a half-open connection: every wait on PostgreSQL is bounded, and the
 * server gives up on a statement before the driver gives up on the socket (so a slow statement is an error, not a
 * broken connection). {@code DatabaseOutageIT} shows the same mechanism with short values.
 */
class DatasourceTimeoutsTest {

    private final Properties yml = applicationYml();

    @Test
    void everyWaitOnTheDatabaseIsBounded() {
        assertThat(seconds("connectTimeout")).isPositive();
        assertThat(seconds("socketTimeout")).isPositive();
        assertThat(yml.getProperty("spring.datasource.hikari.data-source-properties.tcpKeepAlive")).isEqualTo("true");
        assertThat(Long.parseLong(yml.getProperty("spring.datasource.hikari.connection-timeout"))).isPositive();
    }

    @Test
    void theServerCancelsAStatementBeforeTheDriverGivesUpOnTheSocket() {
        String options = yml.getProperty("spring.datasource.hikari.data-source-properties.options");
        assertThat(options).matches("-c statement_timeout=\\d+");
        long statementTimeoutMillis = Long.parseLong(options.substring(options.indexOf('=') + 1));
        assertThat(statementTimeoutMillis).isPositive().isLessThan(seconds("socketTimeout") * 1000);
    }

    private long seconds(String driverProperty) {
        return Long.parseLong(yml.getProperty("spring.datasource.hikari.data-source-properties." + driverProperty));
    }

    private static Properties applicationYml() {
        YamlPropertiesFactoryBean factory = new YamlPropertiesFactoryBean();
        factory.setResources(new ClassPathResource("application.yml"));
        return factory.getObject();
    }
}
