package dev.forgesync.worker.mirror;

/**
 * A destination tip the vault kept: {@code ref} was at {@code oldTip}, which is now reachable from {@code archive};
 * {@code newTip} is where the source moved {@code ref} (null when the source deleted it).
 */
public record ArchivedRef(String ref, String archive, String oldTip, String newTip) {

    public String reason() {
        return newTip == null ? "deleted" : "force-pushed";
    }
}
