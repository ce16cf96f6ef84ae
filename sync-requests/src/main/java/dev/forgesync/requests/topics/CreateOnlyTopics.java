package dev.forgesync.requests.topics;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rule for every topic forgesync declares ({@code forgesync.sync-requests} in ingest-service and control-service,
 * spring-kafka's retry and dead-letter topics in sync-worker): a missing topic is created with the declared
 * partitions; a topic that exists is left as it is. spring-kafka's {@code KafkaAdmin} would otherwise add partitions
 * to an existing topic whose count is below the declared one, at a service's start: that moves keys to other
 * partitions while requests are in flight and can never be undone, so it is an operator's decision, taken by hand
 * (infra/README.md "Kafka topics"), as {@code kafka-topics.sh} and Compose's {@code kafka-init}
 * ({@code --if-not-exists}) already leave it. A topic with fewer partitions than declared is named in a warning.
 * When the broker cannot be asked, the topic is handed to {@code KafkaAdmin}, which creates it only if it is missing
 * and otherwise fails as it would have.
 */
final class CreateOnlyTopics implements Predicate<NewTopic> {

    private static final Logger log = LoggerFactory.getLogger(CreateOnlyTopics.class);
    private static final int TIMEOUT_MS = 5_000;

    private final Map<String, Object> adminConfig;

    CreateOnlyTopics(Map<String, Object> adminConfig) {
        this.adminConfig = adminConfig;
    }

    /** True when {@code KafkaAdmin} should go on with the topic: only when it does not exist yet. */
    @Override
    public boolean test(NewTopic topic) {
        Optional<Integer> existing;
        try {
            existing = partitionsOf(topic.name());
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.debug("could not describe topic {} ({}); KafkaAdmin decides", topic.name(), e.toString());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
        if (existing.isEmpty()) {
            return true;
        }
        int declared = topic.numPartitions(); // -1 when the broker's default is meant
        if (existing.get() < declared) {
            log.warn("topic {} has {} partitions, fewer than the {} declared: left as it is (at most {} consumers work "
                    + "at once); adding partitions moves keys and cannot be undone, so it is done by hand "
                    + "(infra/README.md \"Kafka topics\")", topic.name(), existing.get(), declared, existing.get());
        }
        return false;
    }

    private Optional<Integer> partitionsOf(String name)
            throws ExecutionException, InterruptedException, TimeoutException {
        try (Admin admin = Admin.create(adminConfig)) {
            return Optional.of(admin.describeTopics(Set.of(name), new DescribeTopicsOptions().timeoutMs(TIMEOUT_MS))
                    .allTopicNames().get(TIMEOUT_MS, TimeUnit.MILLISECONDS).get(name).partitions().size());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
