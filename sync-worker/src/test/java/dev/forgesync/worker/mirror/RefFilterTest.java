package dev.forgesync.worker.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.forgesync.worker.config.HistoryProperties;
import dev.forgesync.worker.config.MirrorMode;

/** Which refs are mirrored: one line per ref, with branches {@code release/**} minus {@code **}/wip and tags {@code v*}. */
class RefFilterTest {

    private final RefFilter filter = new RefFilter(new HistoryProperties(MirrorMode.VAULT, List.of("main", "release/**"),
            List.of("**/wip"), List.of("v*"), List.of()));

    @ParameterizedTest(name = "{0} mirrored: {1}")
    @CsvSource({
            "refs/heads/main, true",
            "refs/heads/release/1.0, true",
            "refs/heads/release/1.0/hotfix, true",
            "refs/heads/release/1.0/wip, false",
            "refs/heads/feature/x, false",
            "refs/tags/v1.0, true",
            "refs/tags/v1/sub, false",
            "refs/tags/nightly, false",
            "refs/heads/forgesync/archive/main/20261202T120000Z, false",
            "refs/tags/forgesync/archive/v1/20261202T120000Z, false",
            "refs/pull/1/head, false",
            "refs/tags/v1.0^{}, false"
    })
    void mirrorsWhatTheGlobsAllowAndNeverTheArchiveOrPullRefs(String ref, boolean mirrored) {
        assertThat(filter.mirrors(ref)).isEqualTo(mirrored);
    }

    @ParameterizedTest(name = "{0} with no globs mirrored: {1}")
    @CsvSource({
            "refs/heads/anything/at/all, true",
            "refs/tags/any, true",
            "refs/heads/forgesync/archive/x/1, false",
            "refs/pull/7/merge, false",
            "refs/notes/commits, false"
    })
    void withoutGlobsMirrorsEveryBranchAndTag(String ref, boolean mirrored) {
        assertThat(new RefFilter(HistoryProperties.all(MirrorMode.EXACT)).mirrors(ref)).isEqualTo(mirrored);
    }

    @ParameterizedTest(name = "{0} mirrored by the union: {1}")
    @CsvSource({
            "refs/heads/main, true",
            "refs/heads/release/2, true",
            "refs/heads/feature, false",
            "refs/tags/v1, true",
            "refs/tags/nightly, false",
            "refs/pull/3/head, false"
    })
    void aRefIsMirroredWhenAnyOfTheRepositorysSourcesMirrorsIt(String ref, boolean mirrored) {
        HistoryProperties global = new HistoryProperties(MirrorMode.VAULT, List.of(), List.of(), List.of(),
                List.of("nightly"));
        RefFilter union = new RefFilter(List.of(
                global.overriddenBy(MirrorMode.EXACT, List.of("main"), null, List.of("v*"), null),
                global.overriddenBy(null, List.of("release/*"), null, null, null)));

        assertThat(union.mirrors(ref)).isEqualTo(mirrored);
    }
}
