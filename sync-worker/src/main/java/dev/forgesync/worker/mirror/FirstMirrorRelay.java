package dev.forgesync.worker.mirror;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.eclipse.jgit.lib.BatchRefUpdate;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.PacketLineIn;
import org.eclipse.jgit.transport.PacketLineOut;
import org.eclipse.jgit.transport.PackParser;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UserAgent;
import org.eclipse.jgit.transport.http.HttpConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A first mirror in one pass. With an empty cache and an empty destination, the pack the source sends for every
 * branch and tag (no {@code have}, so nothing in it is thin) is a pack the destination can take whole: it is read
 * once, written into the cache as it arrives (JGit's {@link PackParser}, as a fetch would) and, at the same time, sent
 * on to the destination's {@code git-receive-pack} behind the commands that create every ref, the default branch last
 * ({@link PushPlan}: OneDev makes a push's last branch HEAD). git's {@code clone --mirror} then {@code push --mirror}
 * index the pack twice, the second only once the first is done; here the two indexings run side by side.
 *
 * <p>It is an optimisation and never the only way: when the destination is not empty, lacks {@code report-status} or
 * {@code ofs-delta}, answers anything unexpected, or refuses the unpack or a ref, the relay ends there, and the push
 * that follows ({@link MirrorSession#push}) plans against what the destination then has and sends what did not land,
 * with the usual per-ref isolation. When the source's pack does not arrive whole, the destination is sent no end of
 * its request (the connection is cut mid-body, so its receive-pack fails and creates no ref), and the normal fetch
 * runs. Source protocol v2 only: the refs come from {@link SourceProbe}'s {@code ls-refs}, then one {@code POST} with
 * {@code command=fetch}.
 */
final class FirstMirrorRelay {

    private static final Logger log = LoggerFactory.getLogger(FirstMirrorRelay.class);
    private static final String UPLOAD_RESULT = "application/x-git-upload-pack-result";
    private static final String UPLOAD_REQUEST = "application/x-git-upload-pack-request";
    private static final String RECEIVE_ADVERTISEMENT = "application/x-git-receive-pack-advertisement";
    private static final String RECEIVE_REQUEST = "application/x-git-receive-pack-request";
    private static final String RECEIVE_RESULT = "application/x-git-receive-pack-result";
    private static final String NO_REFS = "capabilities^{}";
    /** Bytes handed to the destination's writer at a time, and how many such chunks may wait: 16 MiB at most. */
    private static final int CHUNK = 64 * 1024;
    static final int QUEUED_CHUNKS = 256;

    /**
     * What the relay did: whether the cache now holds the source's refs (else nothing was kept and the normal fetch
     * runs), the refs the destination accepted and the bytes sent to it.
     */
    record Outcome(boolean cacheFilled, List<String> accepted, long bytesPushed) {
        static final Outcome NOT_STARTED = new Outcome(false, List.of(), 0);
    }

    private final Repository repo;
    private final URIish source;
    private final String sourceAuthorization;
    private final TransferMeter sourceMeter;
    private final TransferMeter destinationMeter = new TransferMeter();
    private final int timeoutMillis;
    private final int queuedChunks;

    FirstMirrorRelay(Repository repo, URIish source, String sourceAuthorization, TransferMeter sourceMeter,
                     int timeoutMillis) {
        this(repo, source, sourceAuthorization, sourceMeter, timeoutMillis, QUEUED_CHUNKS);
    }

    /** {@code queuedChunks}: how many chunks of {@link #CHUNK} bytes may wait for the destination. */
    FirstMirrorRelay(Repository repo, URIish source, String sourceAuthorization, TransferMeter sourceMeter,
                     int timeoutMillis, int queuedChunks) {
        this.queuedChunks = queuedChunks;
        this.repo = repo;
        this.source = source;
        this.sourceAuthorization = sourceAuthorization;
        this.sourceMeter = sourceMeter;
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * Relays the source's {@code refs} (branches and tags, as ls-refs listed them) to {@code destination};
     * {@code lastRef} (the default branch, or null) is created last. {@code guard} is asked before the destination
     * is sent anything and polled while the pack goes; its exception goes through unchanged.
     */
    Outcome run(Map<String, ObjectId> refs, String lastRef, URI destination, String destinationAuthorization,
                PushGuard guard) throws IOException {
        if (!acceptsWholePack(destination, destinationAuthorization)) {
            return Outcome.NOT_STARTED;
        }
        HttpConnection fetch = SmartHttp.post(sourceMeter, SmartHttp.url(source, "git-upload-pack"), timeoutMillis,
                sourceAuthorization, UPLOAD_REQUEST, UPLOAD_RESULT);
        fetch.setRequestProperty("Git-Protocol", "version=2");
        byte[] request = fetchRequest(refs.values());
        fetch.setFixedLengthStreamingMode(request.length);
        try (OutputStream out = fetch.getOutputStream()) {
            out.write(request);
        }
        if (fetch.getResponseCode() != 200 || !SmartHttp.hasType(fetch, UPLOAD_RESULT)) {
            log.info("first mirror of {} not relayed: the source answered {} to the fetch", source,
                    fetch.getResponseCode());
            return Outcome.NOT_STARTED;
        }
        try (InputStream body = fetch.getInputStream()) {
            String section = new PacketLineIn(body).readString();
            if (!"packfile".equals(section)) {
                log.info("first mirror of {} not relayed: the source's fetch answer starts with {}", source, section);
                return Outcome.NOT_STARTED;
            }
            guard.check("pushing refs");
            HttpConnection push = SmartHttp.post(destinationMeter, SmartHttp.url(destination, "git-receive-pack"),
                    timeoutMillis, destinationAuthorization, RECEIVE_REQUEST, RECEIVE_RESULT);
            push.setChunkedStreamingMode(CHUNK);
            OutputStream pushBody = push.getOutputStream();
            pushBody.write(pushCommands(refs, lastRef));
            Forwarder forwarder = new Forwarder(push, pushBody);
            try {
                parseIntoCache(new Tee(new SideBand(body), forwarder, guard));
                updateCacheRefs(refs);
            } catch (IOException | RuntimeException e) {
                forwarder.abort();
                throw e;
            }
            List<String> accepted = forwarder.finish(refs.size());
            return new Outcome(true, accepted, destinationMeter.bytesWritten());
        }
    }

    /** The destination has no ref yet and takes a pack with offset deltas and reports each ref's result. */
    private boolean acceptsWholePack(URI destination, String authorization) throws IOException {
        HttpConnection c = SmartHttp.open(destinationMeter,
                SmartHttp.url(destination, "info/refs?service=git-receive-pack"), timeoutMillis, authorization);
        c.setRequestMethod("GET");
        if (c.getResponseCode() != 200 || !SmartHttp.hasType(c, RECEIVE_ADVERTISEMENT)) {
            log.info("first mirror not relayed: the destination answered {} to its advertisement", c.getResponseCode());
            return false;
        }
        try (InputStream in = c.getInputStream()) {
            PacketLineIn lines = new PacketLineIn(in);
            if (!lines.readString().startsWith("# service=git-receive-pack")
                    || !PacketLineIn.isEnd(lines.readString())) {
                return false;
            }
            String first = lines.readString();
            int nul = first.indexOf('\0');
            if (PacketLineIn.isEnd(first) || nul < 0 || !first.substring(0, nul).endsWith(" " + NO_REFS)
                    || !PacketLineIn.isEnd(lines.readString())) {
                return false; // the destination has refs: the push plans against them
            }
            List<String> capabilities = List.of(first.substring(nul + 1).trim().split(" "));
            return capabilities.contains("report-status") && capabilities.contains("ofs-delta");
        }
    }

    /**
     * {@code command=fetch}, delim, {@code ofs-delta}, {@code no-progress}, a {@code want} per object, {@code done}
     * (gitprotocol-v2, "fetch"): with {@code done} and no {@code have} the answer is the {@code packfile} section
     * alone. Capabilities the server may not have advertised are left out, as in {@link SourceProbe#request()}.
     */
    static byte[] fetchRequest(java.util.Collection<ObjectId> wants) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PacketLineOut out = new PacketLineOut(bytes);
        out.writeString("command=fetch\n");
        out.writeDelim();
        out.writeString("ofs-delta\n");
        out.writeString("no-progress\n");
        for (ObjectId want : new java.util.LinkedHashSet<>(wants)) {
            out.writeString("want " + want.name() + "\n");
        }
        out.writeString("done\n");
        out.end();
        return bytes.toByteArray();
    }

    /**
     * The ref commands, each a creation, in name order with {@code lastRef} last ({@link PushPlan#defaultBranchLast});
     * the first carries the capabilities asked for.
     */
    static byte[] pushCommands(Map<String, ObjectId> refs, String lastRef) throws IOException {
        List<String> names = new ArrayList<>(new java.util.TreeSet<>(refs.keySet()));
        if (lastRef != null) {
            PushPlan.defaultBranchLast(names, name -> name, lastRef);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PacketLineOut out = new PacketLineOut(bytes);
        boolean first = true;
        for (String name : names) {
            String line = ObjectId.zeroId().name() + " " + refs.get(name).name() + " " + name;
            out.writeString(first ? line + "\0report-status agent=" + UserAgent.get() + "\n" : line + "\n");
            first = false;
        }
        out.end();
        return bytes.toByteArray();
    }

    private void parseIntoCache(InputStream pack) throws IOException {
        try (ObjectInserter inserter = repo.newObjectInserter()) {
            PackParser parser = inserter.newPackParser(pack);
            parser.setAllowThin(false);
            parser.setCheckEofAfterPackFooter(true);
            parser.parse(NullProgressMonitor.INSTANCE);
            inserter.flush();
        }
    }

    /** Every ref as ls-refs named it, once its object is in the cache (a pack that lacks one is not a mirror). */
    private void updateCacheRefs(Map<String, ObjectId> refs) throws IOException {
        for (ObjectId id : refs.values()) {
            if (!repo.getObjectDatabase().has(id)) {
                throw new IOException("the source's pack lacks " + id.name());
            }
        }
        BatchRefUpdate batch = repo.getRefDatabase().newBatchUpdate();
        batch.setAllowNonFastForwards(true);
        batch.setRefLogMessage("forgesync: first mirror", false);
        refs.forEach((name, id) -> batch.addCommand(new ReceiveCommand(ObjectId.zeroId(), id, name)));
        try (RevWalk walk = new RevWalk(repo)) {
            batch.execute(walk, NullProgressMonitor.INSTANCE);
        }
        for (ReceiveCommand command : batch.getCommands()) {
            if (command.getResult() != ReceiveCommand.Result.OK) {
                throw new IOException("could not create " + command.getRefName() + " in the cache: "
                        + command.getResult());
            }
        }
    }

    /** A stream read in blocks (PackParser's way); a single byte is a block of one. */
    private abstract static class BulkInput extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }
    }

    /**
     * The pack data of a side-band-64k stream (band 1) up to the flush-pkt; progress (band 2) is dropped, an error
     * (band 3) is the source's message as an exception.
     */
    static final class SideBand extends BulkInput {
        private final InputStream in;
        private final byte[] header = new byte[4];
        private int remaining;
        private boolean ended;

        SideBand(InputStream in) {
            this.in = in;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (remaining == 0) {
                if (ended || !nextDataPacket()) {
                    return -1;
                }
            }
            int n = in.read(b, off, Math.min(len, remaining));
            if (n < 0) {
                throw new IOException("the source's pack stream ended inside a packet");
            }
            remaining -= n;
            return n;
        }

        /** Reads packet headers until one of band 1 (true) or the flush-pkt (false). */
        private boolean nextDataPacket() throws IOException {
            while (true) {
                readFully(header, 4);
                int length = Integer.parseInt(new String(header, java.nio.charset.StandardCharsets.US_ASCII), 16);
                if (length == 0) {
                    ended = true;
                    return false;
                }
                if (length < 5) {
                    throw new IOException("not a side-band packet of length " + length);
                }
                int band = in.read();
                int payload = length - 5;
                if (band == 1) {
                    remaining = payload;
                    if (payload > 0) {
                        return true;
                    }
                } else if (band == 2) {
                    in.skipNBytes(payload);
                } else if (band == 3) {
                    byte[] message = new byte[payload];
                    readFully(message, payload);
                    throw new IOException("the source reported: "
                            + new String(message, java.nio.charset.StandardCharsets.UTF_8).strip());
                } else {
                    throw new IOException("not a side-band packet: band " + band);
                }
            }
        }

        private void readFully(byte[] into, int n) throws IOException {
            int read = in.readNBytes(into, 0, n);
            if (read < n) {
                throw new IOException("the source's pack stream ended early");
            }
        }
    }

    /** What the parser reads goes on to the destination as well (unless the guard cancelled the transfer). */
    private static final class Tee extends BulkInput {
        private final InputStream in;
        private final Forwarder forwarder;
        private final PushGuard guard;

        Tee(InputStream in, Forwarder forwarder, PushGuard guard) {
            this.in = in;
            this.forwarder = forwarder;
            this.guard = guard;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                if (guard.cancelled()) {
                    forwarder.abort();
                } else {
                    forwarder.write(b, off, n);
                }
            }
            return n;
        }
    }

    /**
     * Writes to the destination on a thread of its own, so the cache's parsing and the destination's reading
     * overlap; at most {@code queuedChunks} chunks wait. A destination that fails, or takes nothing for the I/O
     * timeout while the chunks wait (a write has no timeout of its own), stops being written to and the
     * rest is dropped: the relay then ends with what it accepted (nothing), and the cache still fills.
     */
    private final class Forwarder {
        private static final byte[] END = new byte[0];
        private static final byte[] ABORT = new byte[0];

        private final HttpConnection connection;
        private final OutputStream out;
        private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(queuedChunks);
        private final CompletableFuture<List<String>> result = new CompletableFuture<>();
        private volatile boolean stopped;
        private byte[] buffer = new byte[CHUNK];
        private int filled;

        Forwarder(HttpConnection connection, OutputStream out) {
            this.connection = connection;
            this.out = out;
            Thread writer = new Thread(this::drain, "relay-" + repo.getIdentifier());
            writer.setDaemon(true);
            writer.start();
        }

        void write(byte[] b, int off, int len) {
            while (len > 0 && !stopped) {
                int n = Math.min(len, CHUNK - filled);
                System.arraycopy(b, off, buffer, filled, n);
                filled += n;
                off += n;
                len -= n;
                if (filled == CHUNK) {
                    enqueue(buffer);
                    buffer = new byte[CHUNK];
                    filled = 0;
                }
            }
        }

        /** The pack went whole: the destination's request ends and its report is read; the refs it accepted. */
        List<String> finish(int refs) throws IOException {
            if (!stopped && filled > 0) {
                enqueue(java.util.Arrays.copyOf(buffer, filled));
            }
            enqueue(END);
            try {
                return result.get(Math.max(timeoutMillis, 1000L) * 2 + (long) refs, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                return List.of();
            } catch (TimeoutException e) {
                abort();
                return List.of();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                abort();
                throw new IOException("interrupted while the destination took the pack", e);
            }
        }

        /**
         * Ends the destination's request where the pack stops: a pack cut short (its object count and trailing
         * checksum unmet) fails the destination's unpack, and receive-pack then creates no ref.
         */
        void abort() {
            if (!stopped) {
                stopped = true;
                queue.clear();
                queue.offer(ABORT);
            }
        }

        private void enqueue(byte[] chunk) {
            long since = System.nanoTime();
            try {
                while (!stopped && !queue.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
                    // The writer is behind: wait for room, unless it stopped, or the destination has taken nothing
                    // for the I/O timeout (its writer may stay blocked in a write until the connection dies; the
                    // cache still fills, and the push step decides with its own timeouts).
                    if (System.nanoTime() - since > TimeUnit.MILLISECONDS.toNanos(timeoutMillis)) {
                        log.info("first mirror of {} not relayed: the destination took nothing for {} ms", source,
                                timeoutMillis);
                        abort();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                abort();
            }
        }

        private void drain() {
            try {
                for (byte[] chunk = queue.take(); chunk != END; chunk = queue.take()) {
                    if (chunk == ABORT) {
                        out.close();
                        log.info("first mirror of {} cut short at the destination: status {}", source,
                                connection.getResponseCode());
                        result.complete(List.of());
                        return;
                    }
                    out.write(chunk);
                }
                out.close();
                result.complete(report());
            } catch (IOException | RuntimeException e) {
                log.info("first mirror of {} not relayed to the destination: {}", source, e.toString());
                stopped = true;
                queue.clear();
                result.complete(List.of());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                result.complete(List.of());
            }
        }

        /** {@code unpack ok}, then {@code ok <ref>} or {@code ng <ref> <reason>} per command (report-status). */
        private List<String> report() throws IOException {
            if (connection.getResponseCode() != 200 || !SmartHttp.hasType(connection, RECEIVE_RESULT)) {
                log.info("first mirror of {} not taken by the destination: status {}", source,
                        connection.getResponseCode());
                return List.of();
            }
            try (InputStream in = connection.getInputStream()) {
                PacketLineIn lines = new PacketLineIn(in);
                String unpack = lines.readString();
                if (!"unpack ok".equals(unpack)) {
                    log.info("first mirror of {} not taken by the destination: {}", source, unpack);
                    return List.of();
                }
                List<String> accepted = new ArrayList<>();
                for (String line = lines.readString(); !PacketLineIn.isEnd(line); line = lines.readString()) {
                    if (line.startsWith("ok ")) {
                        accepted.add(line.substring(3));
                    }
                }
                return accepted;
            }
        }
    }
}
