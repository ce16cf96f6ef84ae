package dev.forgesync.worker.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** A source's overrides replace the global setting of the same name, and only that one. */
class HistoryPropertiesTest {

    private final HistoryProperties global = new HistoryProperties(MirrorMode.VAULT, List.of("main"),
            List.of("wip/**"), List.of("v*"), List.of("nightly"));

    @Test
    void nullOverridesKeepEveryGlobalSetting() {
        assertThat(global.overriddenBy(null, null, null, null, null)).isEqualTo(global);
    }

    @Test
    void eachGivenOverrideReplacesItsSettingAndAnEmptyListIsAListOfItsOwn() {
        HistoryProperties overridden = global.overriddenBy(MirrorMode.EXACT, List.of(), null, null, List.of());

        assertThat(overridden).isEqualTo(new HistoryProperties(MirrorMode.EXACT, List.of(), List.of("wip/**"),
                List.of("v*"), List.of()));
        assertThat(overridden.vault()).isFalse();
    }
}
