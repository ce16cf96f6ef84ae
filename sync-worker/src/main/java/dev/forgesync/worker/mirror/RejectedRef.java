package dev.forgesync.worker.mirror;

/** A ref the destination refused (a pre-receive rule, for OneDev), with the destination's own words. */
public record RejectedRef(String ref, String reason) {
}
