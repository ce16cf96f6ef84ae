package dev.forgesync.requests.topics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.kafka.core.KafkaAdmin;

import dev.forgesync.testsupport.TestKafka;

/**
 * An upgrade that declares more partitions than an existing topic has (12 then, 24 now) leaves the topic as it is and
 * says so; a missing topic is still created with the declared count.
 */
@ExtendWith(OutputCaptureExtension.class)
class CreateOnlyTopicsIT {

    private final Map<String, Object> config = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers());

    @Test
    void kafkaAdminCreatesAMissingTopicAndNeverAddsPartitionsToAnExistingOne(CapturedOutput output) throws Exception {
        String existing = "create-only-existing-" + UUID.randomUUID();
        String missing = "create-only-missing-" + UUID.randomUUID();
        try (Admin admin = Admin.create(config)) {
            admin.createTopics(List.of(new NewTopic(existing, 2, (short) 1))).all().get();
        }

        try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext()) {
            context.registerBean(KafkaAdmin.class, () -> new KafkaAdmin(config));
            context.registerBean("existing", NewTopic.class, () -> new NewTopic(existing, 3, (short) 1));
            context.registerBean("missing", NewTopic.class, () -> new NewTopic(missing, 3, (short) 1));
            context.register(TopicsConfiguration.class);
            context.refresh(); // KafkaAdmin declares the topics once the singletons exist
        }

        try (Admin admin = Admin.create(config)) {
            var topics = admin.describeTopics(Set.of(existing, missing)).allTopicNames().get();
            assertThat(topics.get(existing).partitions()).as("the existing topic keeps its count").hasSize(2);
            assertThat(topics.get(missing).partitions()).as("the missing topic gets the declared count").hasSize(3);
        }
        assertThat(output).contains("topic " + existing + " has 2 partitions, fewer than the 3 declared: left as it is");
    }
}
