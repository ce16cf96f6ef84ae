package dev.forgesync.control.healing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.SqlArrayValue;
import org.springframework.stereotype.Component;

import dev.forgesync.requests.relay.DedicatedLoop;

import dev.forgesync.control.github.GithubClient;
import dev.forgesync.control.github.GithubException;
import dev.forgesync.control.github.GithubResponse;
import dev.forgesync.control.sources.Source;
import dev.forgesync.control.sources.SourceKind;
import dev.forgesync.control.sources.SourceStore;

import tools.jackson.databind.JsonNode;

/**
 * GitHub never retries a failed delivery by itself. For each webhook the operator registered (a source's
 * {@code hookId}, or every hook of an org source found with {@code GET /orgs/{org}/hooks}), the recent deliveries are
 * listed ({@code GET .../hooks/{id}/deliveries}, docs.github.com/rest/orgs/webhooks: newest first, 100 a page, the
 * next page's cursor in the {@code Link} header; pages are read until one reaches past the window) and each one that failed within
 * the window, whose {@code X-GitHub-Delivery} (guid) is not in {@code webhook_events} and that was never redelivered,
 * is redelivered once ({@code POST .../deliveries/{delivery_id}/attempts}). Where GitHub refuses (a GitHub App
 * without the permission "Webhooks" read and write of the organisation or repository, a token that is not an
 * owner's), one warning per source says so, until the source's webhooks can be read again; so for a 404 (the
 * organisation or repository does not exist, or the credentials may not see it: GitHub does not tell which).
 */
@Component
class Redelivery extends DedicatedLoop {

    private static final Logger log = LoggerFactory.getLogger(Redelivery.class);
    private static final String STORED = "SELECT event_id FROM webhook_events WHERE event_id = ANY(:guids)";

    private final GithubClient github;
    private final SourceStore sources;
    private final JdbcClient jdbc;
    private final HealingProperties properties;
    private final Set<Long> refused = ConcurrentHashMap.newKeySet();

    Redelivery(GithubClient github, SourceStore sources, JdbcClient jdbc, HealingProperties properties) {
        super("redelivery", properties.interval());
        this.github = github;
        this.sources = sources;
        this.jdbc = jdbc;
        this.properties = properties;
    }

    /** One pass; the guids redelivered. */
    List<String> runOnce() {
        List<String> redelivered = new ArrayList<>();
        for (Source source : sources.all()) {
            try {
                for (String hookPath : hooks(source)) {
                    redelivered.addAll(heal(hookPath));
                }
                refused.remove(source.id());
            } catch (GithubException e) {
                warnOnce(source, e);
            }
        }
        return redelivered;
    }

    /** One warning per source until it can be read again; GitHub's message names the request, never a token. */
    private void warnOnce(Source source, GithubException e) {
        if (e.isGone() && refused.add(source.id())) {
            log.warn("redelivery: source {}:{} skipped until GitHub shows it again ({}): the {} does not exist, or "
                    + "these credentials may not see it", source.kind().name().toLowerCase(java.util.Locale.ROOT),
                    source.name(), e.getMessage(), source.kind() == SourceKind.ORG ? "organisation" : "repository");
        } else if (refused.add(source.id())) {
            log.warn("redelivery: source {}:{} skipped until GitHub lets its webhooks be read and redelivered ({}); "
                    + "a GitHub App needs the {} permission Webhooks: read and write, a token must be an {}'s",
                    source.kind().name().toLowerCase(java.util.Locale.ROOT), source.name(), e.getMessage(),
                    source.kind() == SourceKind.ORG ? "organisation" : "repository",
                    source.kind() == SourceKind.ORG ? "organisation owner" : "repository admin");
        }
    }

    private List<String> hooks(Source source) {
        String owner = source.kind() == SourceKind.ORG ? "/orgs/" + source.name()
                : source.kind() == SourceKind.REPOSITORY ? "/repos/" + source.name() : null;
        if (owner == null) {
            return List.of();
        }
        if (source.hookId() != null) {
            return List.of(owner + "/hooks/" + source.hookId());
        }
        if (source.kind() != SourceKind.ORG || !github.authenticates()) {
            return List.of();
        }
        GithubResponse hooks = GithubClient.require(github.get(owner + "/hooks"), "GET", owner + "/hooks");
        List<String> paths = new ArrayList<>();
        hooks.body().forEach(h -> paths.add(owner + "/hooks/" + h.get("id").asLong()));
        return paths;
    }

    private List<String> heal(String hookPath) {
        Instant since = Instant.now().minus(properties.window());
        Map<String, JsonNode> failed = new LinkedHashMap<>();
        Set<String> settled = new HashSet<>();
        // Newest first: a redelivery (or a success) of a guid comes before its failed original, on this page or an
        // earlier one; once a page reaches past the window, no later page holds anything to redeliver.
        String page = hookPath + "/deliveries?per_page=100";
        while (page != null) {
            GithubResponse response = GithubClient.require(github.get(page), "GET", hookPath + "/deliveries");
            boolean pastWindow = false;
            for (JsonNode d : response.body()) {
                String guid = d.path("guid").asString();
                int status = d.path("status_code").asInt(0);
                boolean recent = Instant.parse(d.path("delivered_at").asString()).isAfter(since);
                pastWindow |= !recent;
                if (d.path("redelivery").asBoolean(false) || (status >= 200 && status < 300)) {
                    settled.add(guid);
                } else if (recent) {
                    failed.putIfAbsent(guid, d);
                }
            }
            page = pastWindow ? null : response.next();
        }
        failed.keySet().removeAll(settled);
        failed.keySet().removeAll(stored(failed.keySet()));
        List<String> redelivered = new ArrayList<>();
        failed.forEach((guid, d) -> {
            String attemptPath = hookPath + "/deliveries/" + d.get("id").asLong() + "/attempts";
            GithubResponse attempt = github.post(attemptPath);
            if (attempt.status() == 401 || attempt.status() == 403) {
                GithubClient.require(attempt, "POST", attemptPath);
            }
            if (attempt.ok()) {
                log.info("delivery {} ({}) redelivered: it failed with {} and was never stored", guid,
                        d.path("event").asString(), d.path("status_code").asInt());
                redelivered.add(guid);
            } else {
                log.warn("delivery {} redelivery refused with {}", guid, attempt.status());
            }
        });
        return redelivered;
    }

    private Set<String> stored(Set<String> guids) {
        if (guids.isEmpty()) {
            return Set.of();
        }
        return jdbc.sql(STORED).param("guids", new SqlArrayValue("varchar", guids.toArray())).query(String.class)
                .set();
    }

    @Override
    protected void run() {
        runOnce();
    }

    /** Runs only when healing is enabled. */
    @Override
    public void start() {
        if (properties.enabled()) {
            super.start();
        }
    }
}
