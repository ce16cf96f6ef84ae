package dev.forgesync.control.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.util.Map;

import org.junit.jupiter.api.Test;

class HourlyChartTest {

    static final LocalDateTime FIRST = LocalDateTime.of(2026, 12, 1, 13, 0);

    @Test
    void drawsTwentyFourHoursOldestFirstWithEmptyHoursAsZero() {
        HourlyChart chart = HourlyChart.of("syncs done", FIRST, Map.of(FIRST.plusHours(23), 5L));

        assertThat(chart.bars()).hasSize(24);
        assertThat(chart.bars().get(0).count()).isZero();
        assertThat(chart.bars().get(0).height()).isZero();
        assertThat(chart.bars().get(23).count()).isEqualTo(5);
        assertThat(chart.bars().get(23).title()).isEqualTo("12:00 UTC: 5");
        assertThat(chart.total()).isEqualTo(5);
    }

    @Test
    void scalesBarsToTheBusiestHourAndKeepsASmallCountVisible() {
        HourlyChart chart = HourlyChart.of("webhooks received", FIRST,
                Map.of(FIRST, 1000L, FIRST.plusHours(1), 500L, FIRST.plusHours(2), 1L));

        assertThat(chart.bars().get(0).height()).isEqualTo(HourlyChart.HEIGHT);
        assertThat(chart.bars().get(0).y()).isZero();
        assertThat(chart.bars().get(1).height()).isEqualTo(HourlyChart.HEIGHT / 2.0);
        assertThat(chart.bars().get(2).height()).as("one webhook is still a visible bar").isEqualTo(1);
        assertThat(chart.max()).isEqualTo(1000);
    }

    @Test
    void ignoresCountsOutsideTheWindow() {
        HourlyChart chart = HourlyChart.of("syncs done", FIRST, Map.of(FIRST.minusHours(1), 7L));

        assertThat(chart.bars()).allSatisfy(bar -> assertThat(bar.count()).isZero());
    }

    @Test
    void labelsEverySixthHourOnTheAxis() {
        HourlyChart chart = HourlyChart.of("syncs done", FIRST, Map.of());

        assertThat(chart.bars()).extracting(HourlyChart.Bar::axisLabel).filteredOn(label -> label != null)
                .containsExactly("13:00", "19:00", "01:00", "07:00");
    }
}
