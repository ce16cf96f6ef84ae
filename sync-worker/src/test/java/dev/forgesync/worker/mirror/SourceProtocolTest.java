package dev.forgesync.worker.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectIdRef;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.storage.file.FileBasedConfig;
import org.eclipse.jgit.util.FS;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When a cache moves its source to protocol v2: only above {@link SourceProtocol#LARGE_ADVERTISEMENT} of v0
 * advertisement, so the shapes measured in docs/benchmarks.md (gson, petclinic) keep v0's single listing request
 * (for a fetch that brings something, or a source that refused the no-op probe) and jgit's 47,000 refs go v2.
 */
class SourceProtocolTest {

    @TempDir
    Path dir;

    @Test
    void aFreshCacheFetchesWithV0WithoutWritingItDown() throws Exception {
        FileBasedConfig config = config();

        SourceProtocol.choose(config);

        assertThat(config.getString("protocol", null, "version")).isEqualTo("0");
        assertThat(reloaded().getString("protocol", null, "version")).isNull();
    }

    @Test
    void gsonAndPetclinicSizedAdvertisementsKeepV0() throws Exception {
        for (int pulls : new int[] {1_535, 2_126}) { // their refs/pull/* counts, plus 100 branches and tags
            FileBasedConfig config = config();
            List<Ref> refs = refs(100, pulls);
            assertThat(bytes(refs)).isGreaterThan(64 * 1024).isLessThan(SourceProtocol.LARGE_ADVERTISEMENT);

            SourceProtocol.choose(config).learn(refs);

            assertThat(reloaded().getString("protocol", null, "version")).as(pulls + " pull refs").isNull();
        }
    }

    @Test
    void anAdvertisementAboveTheLimitMovesTheCacheToV2ForGood() throws Exception {
        List<Ref> jgit = refs(386, 46_988); // branches and tags, refs/changes/* (as refs/pull/* here)
        assertThat(bytes(jgit)).isGreaterThan(SourceProtocol.LARGE_ADVERTISEMENT);

        SourceProtocol.choose(config()).learn(jgit);

        assertThat(reloaded().getString("protocol", null, "version")).isEqualTo("2");
        FileBasedConfig next = reloaded();
        SourceProtocol.choose(next).learn(refs(1, 0));
        assertThat(next.getString("protocol", null, "version")).isEqualTo("2");
        assertThat(reloaded().getString("protocol", null, "version")).isEqualTo("2");
    }

    @Test
    void theLimitItselfStillKeepsV0() throws Exception {
        List<Ref> refs = refs(1, 0);
        String name = "refs/heads/" + "x".repeat((int) (SourceProtocol.LARGE_ADVERTISEMENT - bytes(refs) - 46 - 11));
        refs.add(ref(name));
        assertThat(bytes(refs)).isEqualTo(SourceProtocol.LARGE_ADVERTISEMENT);
        SourceProtocol.choose(config()).learn(refs);
        assertThat(reloaded().getString("protocol", null, "version")).isNull();

        refs.add(ref("refs/heads/y"));
        SourceProtocol.choose(config()).learn(refs);
        assertThat(reloaded().getString("protocol", null, "version")).isEqualTo("2");
    }

    @Test
    void aVersionTheOperatorSetIsKept() throws Exception {
        FileBasedConfig config = config();
        config.setString("protocol", null, "version", "0");
        config.save();

        SourceProtocol.choose(reloaded()).learn(refs(386, 46_988));

        assertThat(reloaded().getString("protocol", null, "version")).isEqualTo("0");
    }

    private FileBasedConfig config() throws Exception {
        Files.deleteIfExists(dir.resolve("config"));
        return reloaded();
    }

    private FileBasedConfig reloaded() throws Exception {
        File file = dir.resolve("config").toFile();
        FileBasedConfig config = new FileBasedConfig(file, FS.DETECTED);
        config.load();
        return config;
    }

    /** {@code heads} branches, then {@code pulls} {@code refs/pull/<n>/head}. */
    private static List<Ref> refs(int heads, int pulls) {
        List<Ref> refs = new ArrayList<>();
        for (int n = 1; n <= heads; n++) {
            refs.add(ref("refs/heads/branch-" + n));
        }
        for (int n = 1; n <= pulls; n++) {
            refs.add(ref("refs/pull/" + n + "/head"));
        }
        return refs;
    }

    private static Ref ref(String name) {
        return new ObjectIdRef.PeeledNonTag(Ref.Storage.NETWORK, name, ObjectId.zeroId());
    }

    /** What a v0 advertisement of these refs weighs: pkt-line length, id, space, name, newline. */
    private static long bytes(List<Ref> refs) {
        return refs.stream().mapToLong(r -> 4 + 40 + 1 + r.getName().length() + 1).sum();
    }
}
