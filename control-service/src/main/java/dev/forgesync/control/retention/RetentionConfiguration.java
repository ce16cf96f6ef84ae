package dev.forgesync.control.retention;

import java.time.Clock;

import javax.sql.DataSource;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.transaction.support.TransactionTemplate;

import io.micrometer.core.instrument.MeterRegistry;

/** Schedules {@link RetentionJob} on {@code forgesync.retention.cron} unless {@code forgesync.retention.enabled=false}. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RetentionProperties.class)
@ConditionalOnProperty(prefix = "forgesync.retention", name = "enabled", matchIfMissing = true)
class RetentionConfiguration {

    @Bean
    RetentionJob retentionJob(DataSource dataSource, JdbcClient jdbc, TransactionTemplate transaction,
            RetentionProperties properties, MeterRegistry meters) {
        return new RetentionJob(dataSource, jdbc, transaction, properties, meters, Clock.systemUTC());
    }

    @Bean
    RetentionSchedule retentionSchedule(RetentionJob job) {
        return new RetentionSchedule(job);
    }

    static final class RetentionSchedule {

        private final RetentionJob job;

        RetentionSchedule(RetentionJob job) {
            this.job = job;
        }

        @Scheduled(cron = "${forgesync.retention.cron:0 17 3 * * *}")
        void run() {
            try {
                job.run();
            } catch (RuntimeException e) {
                // logged and counted by the job; the next schedule tries again
            }
        }
    }
}
