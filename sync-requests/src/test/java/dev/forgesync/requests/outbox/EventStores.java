package dev.forgesync.requests.outbox;

import javax.sql.DataSource;

import org.springframework.jdbc.core.simple.JdbcClient;

import dev.forgesync.requests.publish.PublishBudget;

/** Outbox writers for tests of other packages (the store's constructor is package-private). */
public final class EventStores {

    private EventStores() {
    }

    /** The store of a process whose after-commit publisher has this budget. */
    public static WebhookEventStore on(DataSource database, PublishBudget budget) {
        return new WebhookEventStore(JdbcClient.create(database), budget);
    }
}
