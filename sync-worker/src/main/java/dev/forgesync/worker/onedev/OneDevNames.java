package dev.forgesync.worker.onedev;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Project names OneDev accepts ({@code \w[\w-.]*}, not reserved) made from GitHub names, and the project path
 * from a template such as {@code github/{owner}/{repo}}.
 */
public final class OneDevNames {

    private static final Set<String> RESERVED = Set.of("robots.txt", "sitemap.xml", "sitemap.txt", "favicon.ico",
            "favicon.png", "logo.png", "wicket", "projects");

    private OneDevNames() {
    }

    /** A valid name: other characters become {@code -}, a name not starting with a word character gets {@code _}. */
    public static String sanitize(String name) {
        String cleaned = name == null ? "" : name.replaceAll("[^A-Za-z0-9_.-]", "-");
        if (cleaned.isEmpty() || !Character.isLetterOrDigit(cleaned.charAt(0)) && cleaned.charAt(0) != '_') {
            cleaned = "_" + cleaned;
        }
        if (RESERVED.contains(cleaned.toLowerCase(Locale.ROOT))) {
            cleaned = cleaned + "_";
        }
        return cleaned;
    }

    /** The project path's segments for {@code owner}/{@code repo}, each segment sanitised. */
    public static List<String> pathSegments(String template, String owner, String repo) {
        List<String> segments = new ArrayList<>();
        for (String part : template.split("/")) {
            if (part.isBlank()) {
                continue;
            }
            segments.add(sanitize(part.replace("{owner}", owner).replace("{repo}", repo)));
        }
        if (segments.isEmpty()) {
            throw new IllegalArgumentException("empty OneDev path template");
        }
        return segments;
    }
}
