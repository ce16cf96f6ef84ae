package dev.forgesync.worker.mirror;

import java.util.Optional;

/**
 * Where a first mirror may be relayed while it is fetched ({@link MirrorSession#fetch(RelayDestination)},
 * {@link FirstMirrorRelay}).
 */
public interface RelayDestination {

    /**
     * Called once the source has listed its refs, so a source that is missing or refuses the credentials never
     * creates a project: the prepared destination's push target, or empty to fetch and push one after the other.
     */
    Optional<PushTarget> prepare();

    /** Guards the relayed push as the guard of {@link MirrorSession#push(PushTarget, String, PushGuard)} does. */
    PushGuard guard();
}
