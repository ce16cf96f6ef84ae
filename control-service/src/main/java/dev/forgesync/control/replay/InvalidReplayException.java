package dev.forgesync.control.replay;

/** A replay that cannot run as asked: no or both selections, a reversed range, too many events. */
public class InvalidReplayException extends RuntimeException {

    public InvalidReplayException(String message) {
        super(message, null, false, false);
    }
}
