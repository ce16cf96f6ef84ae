package dev.forgesync.worker.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.URIish;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.forgesync.testsupport.GitHttpServer;

/** The relay's own limits, against servers that misbehave in ways the stand-ins do not. */
class FirstMirrorRelayTest {

    @TempDir
    Path dir;

    /**
     * A destination that accepts the push's request and then reads nothing: the relay stops writing to it once it has
     * taken nothing for the I/O timeout, so the sync is not held by a write that has no timeout of its own, and the
     * cache still fills (the push step then decides, with its own timeouts).
     */
    @Test
    void aDestinationThatStopsReadingIsGivenUpAfterTheTimeoutAndTheCacheStillFills() throws Exception {
        ObjectId commit = sourceWithABigBlob(dir.resolve("github/octo/big.git"), 8 * 1024 * 1024);
        try (GitHttpServer github = GitHttpServer.builder(dir.resolve("github")).start();
             StalledReceivePack destination = new StalledReceivePack();
             Repository cache = bare(dir.resolve("cache.git"))) {
            FirstMirrorRelay relay = new FirstMirrorRelay(cache, new URIish(github.cloneUri("octo/big").toString()),
                    null, new TransferMeter(), 1000, 2);

            FirstMirrorRelay.Outcome outcome = assertTimeoutPreemptively(Duration.ofSeconds(60),
                    () -> relay.run(Map.of("refs/heads/main", commit), "refs/heads/main", destination.uri(), null,
                            PushGuard.NONE));

            assertThat(destination.posted).as("the push's request reached the destination").isTrue();
            assertThat(outcome.cacheFilled()).isTrue();
            assertThat(outcome.accepted()).isEmpty();
            assertThat(cache.exactRef("refs/heads/main").getObjectId()).isEqualTo(commit);
        }
    }

    /** A bare repository whose {@code main} is one commit of a {@code size}-byte random file (a pack of about that size). */
    private static ObjectId sourceWithABigBlob(Path gitDir, int size) throws IOException {
        try (Repository repo = bare(gitDir); ObjectInserter inserter = repo.newObjectInserter()) {
            byte[] content = new byte[size];
            new Random(42).nextBytes(content);
            TreeFormatter tree = new TreeFormatter();
            tree.append("big.bin", FileMode.REGULAR_FILE, inserter.insert(Constants.OBJ_BLOB, content));
            CommitBuilder commit = new CommitBuilder();
            commit.setTreeId(inserter.insert(tree));
            PersonIdent who = new PersonIdent("t", "t@example.com");
            commit.setAuthor(who);
            commit.setCommitter(who);
            commit.setMessage("big");
            ObjectId id = inserter.insert(commit);
            inserter.flush();
            RefUpdate update = repo.updateRef("refs/heads/main");
            update.setNewObjectId(id);
            update.forceUpdate();
            return id;
        }
    }

    private static Repository bare(Path gitDir) throws IOException {
        Repository repo = FileRepositoryBuilder.create(gitDir.toFile());
        repo.create(true);
        return repo;
    }

    /**
     * Smart HTTP's receive-pack with an empty repository's advertisement, which then takes the push's request line and
     * headers and never reads its body (a small receive buffer, so the sender's writes block early).
     */
    private static final class StalledReceivePack implements AutoCloseable {
        private final ServerSocket server = new ServerSocket();
        private final List<Socket> held = new CopyOnWriteArrayList<>();
        private volatile boolean posted;

        StalledReceivePack() throws IOException {
            server.setReceiveBufferSize(4096);
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            Thread acceptor = new Thread(this::serve, "stalled-receive-pack");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/octo/big.git");
        }

        private void serve() {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    held.add(socket);
                    String head = head(socket.getInputStream());
                    if (head.startsWith("GET ")) {
                        byte[] body = (pkt("# service=git-receive-pack\n") + "0000"
                                + pkt(ObjectId.zeroId().name() + " capabilities^{}\0report-status ofs-delta\n")
                                + "0000").getBytes(StandardCharsets.UTF_8);
                        OutputStream out = socket.getOutputStream();
                        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/x-git-receive-pack-advertisement\r\n"
                                + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                        out.write(body);
                        out.flush();
                        socket.close();
                    } else {
                        posted = true; // and the body is never read
                    }
                } catch (IOException e) {
                    return;
                }
            }
        }

        private static String head(InputStream in) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            int matched = 0;
            byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            while (matched < end.length) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                bytes.write(b);
                matched = b == end[matched] ? matched + 1 : (b == end[0] ? 1 : 0);
            }
            return bytes.toString(StandardCharsets.US_ASCII);
        }

        private static String pkt(String payload) {
            return String.format("%04x", payload.getBytes(StandardCharsets.UTF_8).length + 4) + payload;
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket socket : held) {
                socket.close();
            }
        }
    }
}
