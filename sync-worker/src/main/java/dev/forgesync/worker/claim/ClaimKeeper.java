package dev.forgesync.worker.claim;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import dev.forgesync.worker.config.SyncProperties;

/** Starts the heartbeat of each won claim on a few shared daemon threads. */
@Component
public class ClaimKeeper implements DisposableBean {

    private static final int THREADS = 2;

    private final RepositoryClaims claims;
    private final SyncProperties properties;
    private final ScheduledExecutorService scheduler;

    public ClaimKeeper(RepositoryClaims claims, SyncProperties properties) {
        this.claims = claims;
        this.properties = properties;
        AtomicInteger n = new AtomicInteger();
        this.scheduler = Executors.newScheduledThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "claim-heartbeat-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Holds {@code claim} with a heartbeat every {@code forgesync.sync.heartbeat-interval} until closed. */
    public HeldClaim hold(Claim claim) {
        HeldClaim held = new HeldClaim(claim, claims, properties.claimTtl());
        held.startBeating(scheduler, properties.heartbeatInterval());
        return held;
    }

    @Override
    public void destroy() {
        scheduler.shutdownNow();
    }
}
