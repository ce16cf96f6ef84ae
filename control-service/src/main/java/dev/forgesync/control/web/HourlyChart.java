package dev.forgesync.control.web;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Counts per hour over the last 24 hours as the geometry of an inline SVG bar chart (the template only draws what
 * is computed here; what the templates call is public, as SpEL calls nothing else): one bar per hour, oldest first, the current (partial) hour last; hours without rows are 0.
 */
record HourlyChart(List<Bar> bars, long total, long max, String label) {

    static final int HOURS = 24;
    static final int WIDTH = 480;
    static final int HEIGHT = 120;
    private static final int BAR_GAP = 2;
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH:00");

    /** One hour: where it is drawn, its count, and its tooltip. */
    record Bar(double x, double y, double width, double height, long count, String title, String axisLabel) {
    }

    /** {@code firstHour} is the start of the oldest bucket (UTC); {@code counts} maps bucket starts to counts. */
    static HourlyChart of(String label, LocalDateTime firstHour, Map<LocalDateTime, Long> counts) {
        long[] perHour = new long[HOURS];
        for (int i = 0; i < HOURS; i++) {
            perHour[i] = counts.getOrDefault(firstHour.plusHours(i), 0L);
        }
        long max = Arrays.stream(perHour).max().orElse(0);
        long total = Arrays.stream(perHour).sum();
        double slot = (double) WIDTH / HOURS;
        List<Bar> bars = new ArrayList<>(HOURS);
        for (int i = 0; i < HOURS; i++) {
            LocalDateTime hour = firstHour.plusHours(i);
            long count = perHour[i];
            double height = max == 0 ? 0 : Math.max(count == 0 ? 0 : 1, (double) HEIGHT * count / max);
            String axis = i % 6 == 0 ? HOUR.format(hour) : null;
            bars.add(new Bar(i * slot, HEIGHT - height, slot - BAR_GAP, height, count,
                    HOUR.format(hour) + " UTC: " + count, axis));
        }
        return new HourlyChart(bars, total, max, label);
    }

    public int width() {
        return WIDTH;
    }

    public int height() {
        return HEIGHT;
    }

    /** The drawing plus room for the hour labels under it. */
    public String viewBox() {
        return "0 0 " + WIDTH + " " + (HEIGHT + 18);
    }

    public int tickY() {
        return HEIGHT + 14;
    }
}
