package dev.forgesync.worker.mirror;

/**
 * Asked by {@link MirrorSession#push(PushTarget, String, PushGuard)} right before it sends ref updates, after the
 * plan was made from the destination's advertisement, and polled while the pack is sent. A sync passes its claim
 * here, so a sync that lost its repository never moves a ref.
 */
public interface PushGuard {

    /** Lets every push through. */
    PushGuard NONE = new PushGuard() {
        @Override
        public void check(String before) {
        }

        @Override
        public boolean cancelled() {
            return false;
        }
    };

    /** Throws an unchecked exception, which the push lets through unchanged, when the push must not happen. */
    void check(String before);

    /** True stops a transfer under way. */
    boolean cancelled();
}
