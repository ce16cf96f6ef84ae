package dev.forgesync.control.discovery;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import dev.forgesync.control.github.GithubClient;
import dev.forgesync.control.github.GithubException;
import dev.forgesync.control.github.GithubResponse;
import dev.forgesync.control.sources.Source;
import dev.forgesync.control.sources.SourceStore;
import dev.forgesync.requests.outbox.SyncRequestOutbox;
import dev.forgesync.requests.publish.PendingPublication;
import dev.forgesync.requests.publish.SyncRequestPublisher;

import tools.jackson.databind.JsonNode;

/**
 * One discovery pass: each source is listed on GitHub (conditional requests: an unchanged page costs a free 304),
 * filtered by its globs and flags, and each repository not yet known is registered and requested with trigger
 * {@code discovered}, through the shared outbox (the row and its request commit together; the request is published
 * after the commit, or by the relay). A repository that left a source is left alone.
 */
@Component
class DiscoveryPass {

    /** The trigger of a request discovery makes (the row's {@code event_type}). */
    static final String TRIGGER = "discovered";
    private static final Logger log = LoggerFactory.getLogger(DiscoveryPass.class);

    /** What a pass did over one source. */
    record Outcome(long sourceId, int found, int registered, int pages, int notModifiedPages, String error) {
    }

    private final GithubClient github;
    private final SourceStore sources;
    private final Registration registration;
    private final SyncRequestOutbox outbox;
    private final SyncRequestPublisher publisher;
    private final TransactionTemplate transaction;

    DiscoveryPass(GithubClient github, SourceStore sources, Registration registration, SyncRequestOutbox outbox,
                  SyncRequestPublisher publisher, TransactionTemplate transaction) {
        this.github = github;
        this.sources = sources;
        this.registration = registration;
        this.outbox = outbox;
        this.publisher = publisher;
        this.transaction = transaction;
    }

    List<Outcome> run() {
        List<Outcome> outcomes = new ArrayList<>();
        for (Source source : sources.all()) {
            outcomes.add(discover(source));
        }
        return outcomes;
    }

    Outcome discover(Source source) {
        try {
            Listed listed = list(source);
            int registered = 0;
            for (JsonNode node : listed.items()) {
                DiscoveredRepository repo = DiscoveredRepository.of(node);
                if (source.admits(repo.fullName(), repo.fork(), repo.archived()) && register(repo, source)) {
                    registered++;
                }
            }
            sources.recordPass(source.id(), null, listed.items().size(), registered);
            log.info("discovery {}:{}: {} repositories listed, {} registered, {} of {} pages unchanged",
                    source.kind().dbValue(), source.name(), listed.items().size(), registered,
                    listed.notModifiedPages(), listed.pages());
            return new Outcome(source.id(), listed.items().size(), registered, listed.pages(),
                    listed.notModifiedPages(), null);
        } catch (GithubException e) {
            log.warn("discovery {}:{} failed: {}", source.kind().dbValue(), source.name(), e.getMessage());
            sources.recordPass(source.id(), e.getMessage(), 0, 0);
            return new Outcome(source.id(), 0, 0, 0, 0, e.getMessage());
        }
    }

    private record Listed(List<JsonNode> items, int pages, int notModifiedPages) {
    }

    private Listed list(Source source) {
        String name = source.name();
        switch (source.kind()) {
            case ORG -> {
                return listed(github.list("/orgs/" + name + "/repos?type=all"));
            }
            case USER -> {
                return listed(github.list("/users/" + name + "/repos?type=owner"));
            }
            case STARRED -> {
                return listed(github.list("/users/" + name + "/starred"));
            }
            default -> {
                GithubResponse repo = GithubClient.require(github.get("/repos/" + name), "GET", "/repos/" + name);
                return new Listed(List.of(repo.body()), 1, repo.notModified() ? 1 : 0);
            }
        }
    }

    private static Listed listed(GithubClient.Listing listing) {
        return new Listed(listing.items(), listing.pages(), listing.notModifiedPages());
    }

    /** Registers the repository; a new one is requested. True when it was new. */
    private boolean register(DiscoveredRepository repo, Source source) {
        long started = System.nanoTime();
        String by = source.kind().dbValue() + ":" + source.name();
        Optional<PendingPublication> publication = transaction.execute(status -> registration.register(repo, source.id(), by)
                .filter(Registration.Registered::isNew)
                .flatMap(r -> outbox.request(new SyncRequestOutbox.Request(r.repositoryId(), TRIGGER, "discovery",
                        null, List.of())))
                .map(SyncRequestOutbox.Requested::publication));
        publication.ifPresent(p -> publisher.publishAllAfterCommit(List.of(p), started));
        return publication.isPresent();
    }
}
