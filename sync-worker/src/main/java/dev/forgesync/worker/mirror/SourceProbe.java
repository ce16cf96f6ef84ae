package dev.forgesync.worker.mirror;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.transport.PacketLineIn;
import org.eclipse.jgit.transport.PacketLineOut;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.http.HttpConnection;
import org.eclipse.jgit.util.HttpSupport;

/**
 * Whether anything changed upstream, asked in one request before a fetch: protocol v2 is stateless over HTTP, so a
 * {@code POST git-upload-pack} with {@code command=ls-refs} (branches, tags and HEAD's symref) needs no capability
 * {@code GET info/refs} first. When the answer names exactly the cache's branches and tags at the same ids, the
 * fetch has nothing to do and is skipped: a no-op sync is one request to the source whatever its advertisement
 * weighs ({@code refs/pull/*}, {@code refs/changes/*} are never listed).
 *
 * <p>The probe only ever answers "unchanged": anything else (a difference, an error status, a redirect, a timeout,
 * an answer that is not v2's) sends the sync down the normal JGit fetch, which classifies errors (source_gone,
 * credentials, redirects) as before. A source that does not speak the request (an answer that is not v2's, or
 * 400/405/415/501) is not asked again on every sync: the cache's config remembers it ({@code forgesync.noopProbe =
 * false}, beside {@code protocol.version}; an operator may set it too), until the cache is evicted and rebuilt.
 *
 * <p>It goes through JGit's HTTP connection factory (the {@link TransferMeter} of the fetch): the same JDK stack as
 * the transport, so the probe counts in the fetch's bytes, and a fetch that follows a read answer can reuse its
 * kept-alive connection (the JDK's keep-alive cache).
 */
final class SourceProbe {

    static final String SECTION = "forgesync";
    static final String KEY = "noopProbe";
    private static final String RESULT_TYPE = "application/x-git-upload-pack-result";
    private static final String REQUEST_TYPE = "application/x-git-upload-pack-request";
    /** Statuses that say "not this request", not "not now" or "not you": the source will not speak it. */
    private static final Set<Integer> REFUSALS = Set.of(400, 405, 415, 501);
    /** One ls-refs line: id, name, then attributes ({@code symref-target:<ref>}). */
    private static final Pattern LINE = Pattern.compile("([0-9a-f]{40}) (\\S+)((?: \\S+)*)");

    /** What the source has, when it answered ls-refs: its branches and tags, and HEAD's target (or null). */
    record Listing(Map<String, ObjectId> refs, String head) {
    }

    private final URIish source;
    private final TransferMeter meter;
    private final int timeoutMillis;

    SourceProbe(URIish source, TransferMeter meter, int timeoutMillis) {
        this.source = source;
        this.meter = meter;
        this.timeoutMillis = timeoutMillis;
    }

    /** Whether this cache still probes its source (not after a refusal, nor when an operator switched it off). */
    static boolean enabled(StoredConfig config) {
        return config.getBoolean(SECTION, null, KEY, true);
    }

    /**
     * The source's branches and tags as ls-refs lists them, or empty when it did not answer that (then the caller
     * fetches as usual); {@code authorization} is the {@code Authorization} header value, or null for anonymous.
     * A refusal is written into {@code config}.
     */
    Optional<Listing> list(String authorization, StoredConfig config) {
        byte[] body;
        try {
            body = post(authorization, config);
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // not reached, too slow, reset: the normal fetch tells what it is
        }
        if (body == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(parse(body));
        } catch (IOException | RuntimeException e) {
            refused(config);
            return Optional.empty();
        }
    }

    /** The answer's body, or null (and the refusal remembered when it is one) when it is not a v2 result. */
    private byte[] post(String authorization, StoredConfig config) throws IOException {
        HttpConnection c = SmartHttp.post(meter, SmartHttp.url(source, "git-upload-pack"), timeoutMillis, authorization, REQUEST_TYPE, RESULT_TYPE);
        c.setRequestProperty("Git-Protocol", "version=2");
        c.setRequestProperty(HttpSupport.HDR_ACCEPT_ENCODING, HttpSupport.ENCODING_GZIP);
        byte[] request = request();
        c.setFixedLengthStreamingMode(request.length);
        try (OutputStream out = c.getOutputStream()) {
            out.write(request);
        }
        int status = c.getResponseCode();
        if (status != 200 || !SmartHttp.hasType(c, RESULT_TYPE)) {
            if (REFUSALS.contains(status) || status == 200) {
                refused(config);
            }
            return null;
        }
        try (InputStream in = decoded(c)) {
            return in.readAllBytes();
        }
    }

    /**
     * {@code command=ls-refs}, delim, the arguments, flush (gitprotocol-v2, "ls-refs"). No capabilities
     * ({@code agent}, {@code object-format}): git's client sends only those the server advertised, and an older
     * server refuses one it does not know; without them it is SHA-1, which is all JGit reads.
     */
    static byte[] request() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PacketLineOut out = new PacketLineOut(bytes);
        out.writeString("command=ls-refs\n");
        out.writeDelim();
        out.writeString("symrefs\n");
        out.writeString("ref-prefix " + Constants.R_HEADS + "\n");
        out.writeString("ref-prefix " + Constants.R_TAGS + "\n");
        out.writeString("ref-prefix " + Constants.HEAD + "\n");
        out.end();
        return bytes.toByteArray();
    }

    /** Lines up to the flush-pkt, nothing after it; anything else is not an ls-refs answer and throws. */
    static Listing parse(byte[] body) throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(body);
        PacketLineIn lines = new PacketLineIn(in);
        Map<String, ObjectId> refs = new HashMap<>();
        String head = null;
        for (String line = lines.readString(); !PacketLineIn.isEnd(line); line = lines.readString()) {
            Matcher m = LINE.matcher(line);
            if (PacketLineIn.isDelimiter(line) || !m.matches()) {
                throw new IOException("not an ls-refs line");
            }
            String name = m.group(2);
            if (name.equals(Constants.HEAD)) {
                head = symrefTarget(m.group(3));
            } else if (name.startsWith(Constants.R_HEADS) || name.startsWith(Constants.R_TAGS)) {
                refs.put(name, ObjectId.fromString(m.group(1)));
            }
        }
        if (in.available() > 0) {
            throw new IOException("data after the flush-pkt");
        }
        return new Listing(refs, head);
    }

    /** The {@code Authorization} header for Basic credentials, as the transport sends them preemptively. */
    static String basic(String user, char[] password) {
        byte[] pair = (user + ":" + new String(password)).getBytes(StandardCharsets.UTF_8);
        return "Basic " + Base64.getEncoder().encodeToString(pair);
    }

    private static String symrefTarget(String attributes) {
        for (String attribute : attributes.trim().split(" ")) {
            if (attribute.startsWith("symref-target:")) {
                return attribute.substring("symref-target:".length());
            }
        }
        return null;
    }

    private static InputStream decoded(HttpConnection c) throws IOException {
        String encoding = c.getHeaderField(HttpSupport.HDR_CONTENT_ENCODING);
        InputStream in = c.getInputStream();
        if (HttpSupport.ENCODING_GZIP.equals(encoding) || HttpSupport.ENCODING_X_GZIP.equals(encoding)) {
            return new GZIPInputStream(in);
        }
        return in;
    }

    private static void refused(StoredConfig config) {
        config.setBoolean(SECTION, null, KEY, false);
        try {
            config.save();
        } catch (IOException e) {
            // not written down: the next sync probes once more and finds out again
        }
    }
}
