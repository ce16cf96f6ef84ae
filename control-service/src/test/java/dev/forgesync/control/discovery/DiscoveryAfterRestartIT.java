package dev.forgesync.control.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import dev.forgesync.control.ControlContexts;
import dev.forgesync.testsupport.TestDatabase;
import dev.forgesync.testsupport.github.GithubApiServlet;
import dev.forgesync.testsupport.github.GithubApiStandIn;

/**
 * The ETags of GitHub's answers outlive control-service: an organisation of several pages discovered by one context
 * is discovered again by the next one (a restart) with conditional requests only, every page a 304, free against
 * the rate limit.
 */
class DiscoveryAfterRestartIT {

    static final String TOKEN = "ghp_restart_standin_token";
    private GithubApiStandIn github;
    private TestDatabase db;

    @BeforeEach
    void start(@TempDir Path root) {
        github = GithubApiStandIn.start(root, TOKEN);
        db = ControlContexts.migrated("restart");
    }

    @AfterEach
    void stop() {
        github.close();
    }

    @Test
    void theSecondPassAfterARestartCostsOnly304s() {
        github.createOrg("restart-org");
        for (int i = 0; i < 250; i++) {
            github.createRepository("restart-org/repo-" + i);
        }

        List<DiscoveryPass.Outcome> first = discoverInAFreshContext();
        assertThat(first).singleElement().satisfies(o -> {
            assertThat(o.registered()).isEqualTo(250);
            assertThat(o.pages()).isEqualTo(3);
        });

        github.clearApiRequests();
        List<DiscoveryPass.Outcome> second = discoverInAFreshContext();
        assertThat(second).singleElement().satisfies(o -> {
            assertThat(o.registered()).isZero();
            assertThat(o.notModifiedPages()).isEqualTo(3);
        });
        assertThat(github.apiRequests()).extracting(GithubApiServlet.Exchange::status).containsExactly(304, 304, 304);
    }

    /** Starts control-service, runs one discovery pass, and stops it again. */
    private List<DiscoveryPass.Outcome> discoverInAFreshContext() {
        try (ConfigurableApplicationContext context = ControlContexts.start(overrides())) {
            return context.getBean(DiscoveryLoop.class).runOnce();
        }
    }

    private Map<String, Object> overrides() {
        Map<String, Object> overrides = new HashMap<>(db.springProperties());
        overrides.put("forgesync.github.api-url", github.apiUri().toString());
        overrides.put("forgesync.github.base-url", github.baseUri().toString());
        overrides.put("forgesync.github.token", TOKEN);
        overrides.put("forgesync.sources", "org:restart-org");
        overrides.put("forgesync.discovery.enabled", "false");
        overrides.put("forgesync.freshness.enabled", "false");
        overrides.put("forgesync.healing.enabled", "false");
        return overrides;
    }
}
