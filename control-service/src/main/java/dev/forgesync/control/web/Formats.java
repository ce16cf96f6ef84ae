package dev.forgesync.control.web;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import org.springframework.stereotype.Component;

/** How the pages write numbers and times ({@code ${@fmt.bytes(x)}} in the templates); every time is UTC. */
@Component("fmt")
class Formats {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'");
    private static final String[] UNITS = {"B", "KB", "MB", "GB", "TB"};

    public String time(OffsetDateTime time) {
        return time == null ? "never" : TIME.format(time.withOffsetSameInstant(ZoneOffset.UTC));
    }

    public String iso(OffsetDateTime time) {
        return time == null ? "" : time.withOffsetSameInstant(ZoneOffset.UTC).toString();
    }

    /** "42 s ago", "5 min ago", "3 h ago", "2 d ago"; "in 4 min" for a time ahead. */
    public String ago(OffsetDateTime time) {
        if (time == null) {
            return "never";
        }
        Duration d = Duration.between(time, OffsetDateTime.now(ZoneOffset.UTC));
        boolean future = d.isNegative();
        String amount = span(d.abs());
        return future ? "in " + amount : amount + " ago";
    }

    public String bytes(Long bytes) {
        if (bytes == null) {
            return "";
        }
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
    }

    public String seconds(Double seconds) {
        if (seconds == null) {
            return "–";
        }
        return seconds < 10 ? String.format(Locale.ROOT, "%.2f s", seconds)
                : String.format(Locale.ROOT, "%.1f s", seconds);
    }

    public String count(long count) {
        return String.format(Locale.ROOT, "%,d", count);
    }

    private static String span(Duration d) {
        long s = d.toSeconds();
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return (s / 60) + " min";
        }
        if (s < 86400) {
            return (s / 3600) + " h";
        }
        return (s / 86400) + " d";
    }
}
