package dev.forgesync.worker.onedev;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Project names OneDev accepts ({@code \w[\w-.]*}, not reserved, onedev-api.md §3.4) made from GitHub names, and
 * the project path from a template such as {@code github/{owner}/{repo}}.
 *
 * <p>The mapping is injective, also ignoring case as both GitHub and OneDev compare names, so two GitHub
 * repositories never share a project. A name OneDev accepts maps to itself, except the few that an escaped name
 * would otherwise collide with: an escape adds a character, and a name that already looks escaped gets one more.
 * <ul>
 * <li>A name starting with {@code .} or {@code -}, possibly after underscores ({@code _*[.-].*}), gets a leading
 * {@code _}: {@code .github} → {@code _.github}, {@code _.github} → {@code __.github}.</li>
 * <li>A reserved name, possibly followed by underscores, gets a trailing {@code _}: {@code projects} →
 * {@code projects_}, {@code projects_} → {@code projects__}.</li>
 * </ul>
 * Both rules are those of the previous, colliding version for the names it escaped, so existing projects keep their
 * names; only a name like {@code _.github}, which used to share {@code .github}'s project, moves.
 */
public final class OneDevNames {

    private static final Set<String> RESERVED = Set.of("robots.txt", "sitemap.xml", "sitemap.txt", "favicon.ico",
            "favicon.png", "logo.png", "wicket", "projects");
    private static final Pattern GITHUB_NAME = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final Pattern NEEDS_PREFIX = Pattern.compile("_*[.-].*");

    private OneDevNames() {
    }

    /**
     * The OneDev name for a GitHub name (letters, digits, {@code _ . -}); anything else is refused, since no escape
     * of it could be told apart from a real GitHub name.
     */
    public static String sanitize(String name) {
        if (name == null || !GITHUB_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a GitHub name: " + name);
        }
        if (NEEDS_PREFIX.matcher(name).matches()) {
            return "_" + name;
        }
        if (RESERVED.contains(name.toLowerCase(Locale.ROOT).replaceAll("_+$", ""))) {
            return name + "_";
        }
        return name;
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
