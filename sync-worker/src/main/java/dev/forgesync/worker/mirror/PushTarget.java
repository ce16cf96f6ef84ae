package dev.forgesync.worker.mirror;

import java.net.URI;
import java.nio.file.Path;

/**
 * Where a mirror is pushed: a remote over HTTP(S) with Basic credentials, or a local bare repository (created on
 * first use). The secret stays out of {@link #toString()}.
 */
public record PushTarget(URI url, Path localDirectory, String user, String secret) {

    public static PushTarget http(URI url, String user, String secret) {
        return new PushTarget(url, null, user, secret);
    }

    public static PushTarget local(Path directory) {
        return new PushTarget(null, directory, null, null);
    }

    boolean isLocal() {
        return localDirectory != null;
    }

    /** What may be shown: the URL or folder, never credentials. */
    public String display() {
        return isLocal() ? localDirectory.toString() : url.toString();
    }

    @Override
    public String toString() {
        return "PushTarget[" + display() + "]";
    }
}
