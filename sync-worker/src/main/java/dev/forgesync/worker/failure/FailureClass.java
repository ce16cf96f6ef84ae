package dev.forgesync.worker.failure;

/** What a failure means for the repository: try again later, or stop until something changes. */
public sealed interface FailureClass permits FailureClass.Retryable, FailureClass.Permanent {

    String code();

    String message();

    record Retryable(String code, String message) implements FailureClass {
    }

    record Permanent(String code, String message) implements FailureClass {
    }
}
