package dev.forgesync.ingest.github;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import dev.forgesync.testsupport.Webhooks;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The events table of DESIGN.md, one line per real payload. */
class GithubEventsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final GithubEvents events = new GithubEvents(StarDeletedPolicy.KEEP);

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
            "watch,      watch.started.json,           Sync",
            "star,       star.created.json,            Sync",
            "star,       star.deleted.json,            Ignore",
            "push,       push.payload.json,            Sync",
            "push,       push.with-new-branch.json,    Sync",
            "create,     push.with-new-branch.json,    Sync",
            "delete,     push.payload.json,            Sync",
            "repository, repository.renamed.json,      Sync",
            "repository, repository.transferred.json,  Sync",
            "repository, repository.privatized.json,   Sync",
            "ping,       ping.payload.json,            Ignore",
            "issues,     watch.started.json,           Ignore",
    })
    void followsTheEventsTable(String event, String file, String intent) {
        assertThat(events.interpret(event, payload(file)).getClass().getSimpleName()).isEqualTo(intent);
    }

    @Test
    void refreshesTheRowOnRepositoryEventsOnly() {
        var renamed = (EventIntent.Sync) events.interpret("repository", payload("repository.renamed.json"));
        var push = (EventIntent.Sync) events.interpret("push", payload("push.payload.json"));

        assertThat(renamed.refresh()).isTrue();
        assertThat(push.refresh()).isFalse();
    }

    @Test
    void readsEveryRepositoryFieldThePayloadGives() {
        var sync = (EventIntent.Sync) events.interpret("watch", payload("watch.started.json"));

        assertThat(sync.repository()).satisfies(repo -> {
            assertThat(repo.githubRepoId()).isEqualTo(186853002L);
            assertThat(repo.owner()).isEqualTo("Codertocat");
            assertThat(repo.name()).isEqualTo("Hello-World");
            assertThat(repo.fullName()).isEqualTo("Codertocat/Hello-World");
            assertThat(repo.htmlUrl()).isEqualTo("https://github.com/Codertocat/Hello-World");
            assertThat(repo.defaultBranch()).isEqualTo("master");
            assertThat(repo.isPrivate()).isFalse();
            assertThat(repo.sizeKb()).isZero();
            assertThat(JSON.readTree(repo.metadataJson()).path("archived").asBoolean(true)).isFalse();
        });
    }

    @Test
    void anOverlongDefaultBranchIsLeftUnknownInsteadOfRefusingTheRepository() {
        var payload = (tools.jackson.databind.node.ObjectNode) payload("push.payload.json");
        ((tools.jackson.databind.node.ObjectNode) payload.get("repository")).put("default_branch", "b".repeat(101));

        var sync = (EventIntent.Sync) events.interpret("push", payload);

        assertThat(sync.repository().defaultBranch()).isNull();
        assertThat(sync.repository().fullName()).isEqualTo("Codertocat/Hello-World");
    }

    @Test
    void stopsSyncingADeletedRepository() {
        JsonNode deleted = ((tools.jackson.databind.node.ObjectNode) payload("repository.privatized.json")).put("action", "deleted");

        assertThat(events.interpret("repository", deleted)).isInstanceOf(EventIntent.StopSyncing.class);
    }

    @Test
    void stopsSyncingOnStarDeletedWhenConfigured() {
        assertThat(new GithubEvents(StarDeletedPolicy.STOP).interpret("star", payload("star.deleted.json")))
                .isInstanceOf(EventIntent.StopSyncing.class);
    }

    @Test
    void callsAPayloadWithoutFullNameInvalidWithTheReason() {
        var payload = (tools.jackson.databind.node.ObjectNode) payload("push.payload.json");
        ((tools.jackson.databind.node.ObjectNode) payload.get("repository")).remove("full_name");

        assertThat(events.interpret("push", payload))
                .isEqualTo(new EventIntent.Invalid("push", "payload lacks repository.full_name"));
    }

    @Test
    void ignoresUnknownActionsWithTheirName() {
        var payload = ((tools.jackson.databind.node.ObjectNode) payload("repository.renamed.json")).put("action", "anonymous_access_enabled");

        assertThat(events.interpret("repository", payload))
                .isEqualTo(new EventIntent.Ignore("repository", "repository anonymous_access_enabled"));
    }

    private static JsonNode payload(String file) {
        return JSON.readTree(Webhooks.payload(file));
    }
}
