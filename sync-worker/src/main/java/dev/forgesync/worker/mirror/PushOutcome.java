package dev.forgesync.worker.mirror;

/** A push: bytes sent (0 when nothing needed sending), refs created/updated and deleted. */
public record PushOutcome(long bytesPushed, int refsUpdated, int refsDeleted) {
}
