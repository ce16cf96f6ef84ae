package dev.forgesync.requests.relay;

import java.time.Duration;

import javax.sql.DataSource;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.forgesync.requests.publish.Publishers;
import dev.forgesync.requests.publish.SyncRequestPublisher;

/** Relays for tests, run by hand ({@code run()}): their own loop waits an hour between runs. */
final class Relays {

    private Relays() {
    }

    static OutboxRelay on(DataSource database, SyncRequestPublisher publisher, Duration grace, int batchSize) {
        return new OutboxRelay(JdbcClient.create(database),
                new TransactionTemplate(new DataSourceTransactionManager(database)), publisher,
                Publishers.published(database), new RelayProperties(true, Duration.ofHours(1), grace, batchSize),
                Publishers.PROPERTIES);
    }
}
