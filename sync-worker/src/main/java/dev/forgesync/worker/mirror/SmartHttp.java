package dev.forgesync.worker.mirror;

import java.io.IOException;
import java.net.URI;

import org.eclipse.jgit.transport.UserAgent;
import org.eclipse.jgit.transport.http.HttpConnection;
import org.eclipse.jgit.util.HttpSupport;

/**
 * The requests forgesync makes to git's smart HTTP itself ({@link SourceProbe}, {@link FirstMirrorRelay}), set up as
 * JGit's transport sets up its own: through the sync's {@link TransferMeter} (so they count in its bytes), never
 * following a redirect, uncached, with the I/O timeout, JGit's user agent and the {@code Authorization} header (Basic,
 * sent preemptively; null for anonymous).
 */
final class SmartHttp {

    private SmartHttp() {
    }

    /** The URL of a smart-HTTP {@code service} ({@code git-upload-pack}, {@code info/refs?...}) of {@code repository}. */
    static String url(Object repository, String service) {
        return repository.toString().replaceAll("/+$", "") + "/" + service;
    }

    static HttpConnection open(TransferMeter meter, String url, int timeoutMillis, String authorization)
            throws IOException {
        HttpConnection c = meter.create(URI.create(url).toURL());
        c.setInstanceFollowRedirects(false);
        c.setUseCaches(false);
        c.setConnectTimeout(timeoutMillis);
        c.setReadTimeout(timeoutMillis);
        c.setRequestProperty(HttpSupport.HDR_USER_AGENT, UserAgent.get());
        if (authorization != null) {
            c.setRequestProperty(HttpSupport.HDR_AUTHORIZATION, authorization);
        }
        return c;
    }

    /** A {@code POST} of {@code type} that accepts {@code accept}; the caller sets the body's length or chunking. */
    static HttpConnection post(TransferMeter meter, String url, int timeoutMillis, String authorization, String type,
                               String accept) throws IOException {
        HttpConnection c = open(meter, url, timeoutMillis, authorization);
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setRequestProperty(HttpSupport.HDR_CONTENT_TYPE, type);
        c.setRequestProperty(HttpSupport.HDR_ACCEPT, accept);
        return c;
    }

    /** Whether the answer's {@code Content-Type} is {@code type} (parameters after it allowed). */
    static boolean hasType(HttpConnection c, String type) {
        String actual = c.getContentType();
        return actual != null && actual.startsWith(type);
    }
}
