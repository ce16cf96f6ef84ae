package dev.forgesync.control.freshness;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.forgesync.control.ControlContexts;
import dev.forgesync.schema.RefsDigest;
import dev.forgesync.testsupport.GitHttpServer;
import dev.forgesync.testsupport.TestDatabase;
import dev.forgesync.testsupport.github.GithubApiStandIn;

/**
 * A backlog of due checks larger than one batch (thousands adopted at once, or all due after an outage) is checked in
 * one sweep, batch after batch, not one batch per tick: with the 5 s tick and 500 per batch, 10,000 due repositories
 * took 20 ticks. The loop's own tick is an hour here, so only the sweep the test runs checks anything.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class FreshnessBacklogIT {

    static final TestDatabase DB = migrated();
    static final GithubApiStandIn GITHUB = GithubApiStandIn.start(SourceTips.tempDir(), null);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ControlContexts.register(registry, DB, GITHUB);
        registry.add("forgesync.discovery.enabled", () -> "false");
        registry.add("forgesync.freshness.tick", () -> "1h");
        registry.add("forgesync.freshness.batch-size", () -> "4");
    }

    @Autowired
    FreshnessSweep sweep;

    private final JdbcClient jdbc = JdbcClient.create(DB.dataSource());

    @AfterAll
    static void stopGithub() {
        GITHUB.close();
    }

    @Test
    void aBacklogOfSeveralBatchesIsCheckedInOneSweepWithOneRefAdvertisementPerRepository() {
        for (int i = 0; i < 10; i++) {
            mirroredAndDue("backlog/r" + i);
        }
        int before = GITHUB.requests().size();

        List<FreshnessState> states = sweep.sweepOnce();

        assertThat(states).hasSize(10).containsOnly(FreshnessState.FRESH);
        List<GitHttpServer.Request> requests = GITHUB.requests().subList(before, GITHUB.requests().size());
        assertThat(requests).allMatch(r -> "GET".equals(r.method()) && r.path().endsWith(".git/info/refs")
                && "service=git-upload-pack".equals(r.query()));
        assertThat(requests.stream().collect(Collectors.groupingBy(GitHttpServer.Request::path, Collectors.counting())))
                .hasSize(10).allSatisfy((path, n) -> assertThat(n).isEqualTo(1));
        assertThat(jdbc.sql("SELECT COUNT(*) FROM repository_freshness WHERE next_check_at <= NOW()")
                .query(Long.class).single()).isZero();
    }

    /** A completed repository whose recorded digest is the source's tips now, its check due. */
    private void mirroredAndDue(String fullName) {
        GITHUB.createRepository(fullName);
        Map<String, String> tips = SourceTips.of(GITHUB, fullName);
        jdbc.sql("""
                WITH r AS (
                    INSERT INTO repositories (github_url, github_repo_name, github_owner, github_full_name,
                                              github_repo_id, sync_status)
                    VALUES (:url, :name, :owner, :fullName, :githubId, 'completed') RETURNING id)
                INSERT INTO repository_freshness (repository_id, pushed_refs_digest, pushed_ref_count, pushed_at)
                SELECT id, :digest, :count, NOW() FROM r""")
                .param("url", "https://github.com/" + fullName).param("name", fullName.split("/")[1])
                .param("owner", fullName.split("/")[0]).param("fullName", fullName)
                .param("githubId", GITHUB.repository(fullName).orElseThrow().id())
                .param("digest", RefsDigest.of(tips)).param("count", tips.size()).update();
    }

    private static TestDatabase migrated() {
        TestDatabase db = TestDatabase.create("freshness_backlog");
        db.migrate();
        return db;
    }
}
