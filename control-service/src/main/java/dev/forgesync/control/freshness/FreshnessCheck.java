package dev.forgesync.control.freshness;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import dev.forgesync.control.github.GithubProperties;
import dev.forgesync.githubauth.GithubCredentials;
import dev.forgesync.requests.outbox.Rearm;
import dev.forgesync.requests.outbox.SyncRequestOutbox;
import dev.forgesync.requests.publish.PendingPublication;
import dev.forgesync.requests.publish.SyncRequestPublisher;
import dev.forgesync.schema.RefsDigest;

/**
 * One repository's check: read the source's ref advertisement, compare its digest with what the last sync pushed,
 * record the state, and on a difference request a sync (trigger {@code drift}) through the shared outbox when the
 * repository is {@code completed} (a pending or running sync will pick the change up itself).
 */
@Component
class FreshnessCheck {

    /** The trigger of a request a freshness check makes. */
    static final String TRIGGER = "drift";
    private static final Logger log = LoggerFactory.getLogger(FreshnessCheck.class);

    private final RefAdvertisement advertisement;
    private final FreshnessStore store;
    private final SyncRequestOutbox outbox;
    private final SyncRequestPublisher publisher;
    private final TransactionTemplate transaction;

    FreshnessCheck(GithubProperties github, GithubCredentials credentials, FreshnessProperties properties, FreshnessStore store,
                   SyncRequestOutbox outbox, SyncRequestPublisher publisher, TransactionTemplate transaction) {
        this.advertisement = new RefAdvertisement(github.baseUrl(), credentials, properties.timeout());
        this.store = store;
        this.outbox = outbox;
        this.publisher = publisher;
        this.transaction = transaction;
    }

    /** The state recorded (empty when the check could not decide: the source did not answer, or a sync won). */
    Optional<FreshnessState> check(FreshnessStore.Due due) {
        RefAdvertisement.Result result;
        try {
            result = advertisement.read(due.fullName());
        } catch (IOException e) {
            log.warn("freshness {} ({}): source unreachable: {}", due.repositoryId(), due.fullName(),
                    e.getClass().getSimpleName());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        return judge(due, result);
    }

    private Optional<FreshnessState> judge(FreshnessStore.Due due, RefAdvertisement.Result result) {
        int status = result.status();
        if (status == 404 || status == 410) {
            return record(due, FreshnessState.SOURCE_GONE, null, "the source answered " + status);
        }
        if (status == 401 || status == 403) {
            return record(due, FreshnessState.AUTH_BROKEN, null, "the source answered " + status);
        }
        if (!result.ok()) {
            log.warn("freshness {} ({}): source answered {}", due.repositoryId(), due.fullName(), status);
            return Optional.empty();
        }
        String digest = RefsDigest.of(result.refs());
        if ("failed".equals(due.syncStatus()) || "permanent_failure".equals(due.syncStatus())) {
            return record(due, FreshnessState.FAILING, digest, "sync status " + due.syncStatus());
        }
        if (digest.equals(due.pushedDigest())) {
            return record(due, FreshnessState.FRESH, digest, null);
        }
        return stale(due, digest);
    }

    private Optional<FreshnessState> stale(FreshnessStore.Due due, String digest) {
        long started = System.nanoTime();
        boolean completed = "completed".equals(due.syncStatus());
        Optional<PendingPublication> publication = transaction.execute(tx -> {
            if (!store.record(due, FreshnessState.STALE, digest, "the source's refs differ from the last push")) {
                return Optional.<PendingPublication>empty();
            }
            return completed ? outbox.request(new SyncRequestOutbox.Request(due.repositoryId(), TRIGGER,
                    "freshness", null, Rearm.FROM_FINAL)).map(SyncRequestOutbox.Requested::publication)
                    : Optional.<PendingPublication>empty();
        });
        publication.ifPresent(p -> {
            log.info("freshness {} ({}): drift, sync requested", due.repositoryId(), due.fullName());
            publisher.publishAllAfterCommit(List.of(p), started);
        });
        return Optional.of(FreshnessState.STALE);
    }

    private Optional<FreshnessState> record(FreshnessStore.Due due, FreshnessState state, String digest,
                                            String detail) {
        if (state != due.state() && state != FreshnessState.FRESH) {
            log.warn("freshness {} ({}): {} ({})", due.repositoryId(), due.fullName(), state.dbValue(), detail);
        }
        return store.record(due, state, digest, detail) ? Optional.of(state) : Optional.empty();
    }

}
