package dev.forgesync.worker.audit;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

import dev.forgesync.worker.config.GithubProperties;
import dev.forgesync.worker.config.OneDevProperties;

/**
 * Removes secrets from text before it is stored or logged: the configured tokens verbatim, anything shaped like a
 * GitHub token (a GitHub App's installation tokens change every hour, so they cannot be listed), credentials embedded in
 * URLs ({@code https://user:secret@host}) and {@code Authorization} values. Applied to every stored error message.
 */
@Component
public class Redactor {

    static final String MASK = "****";
    private static final int MAX_LENGTH = 4000;
    private static final Pattern URL_CREDENTIALS = Pattern.compile("(?i)([a-z][a-z0-9+.-]*://)[^/@\\s]+@");
    /** GitHub's tokens by their documented prefixes (ghp_, gho_, ghu_, ghs_ installation tokens, ghr_, github_pat_). */
    private static final Pattern GITHUB_TOKEN = Pattern.compile("\\b(gh[pousr]_|github_pat_)[A-Za-z0-9_]{20,}");
    private static final Pattern AUTH_HEADER = Pattern.compile("(?i)\\b(basic|bearer|token)\\s+[A-Za-z0-9+/=._-]{8,}");

    private final List<String> secrets;

    @org.springframework.beans.factory.annotation.Autowired
    public Redactor(GithubProperties github, OneDevProperties onedev) {
        this(List.of(nullToEmpty(github.configuredToken()), nullToEmpty(onedev.token())));
    }

    Redactor(List<String> secrets) {
        this.secrets = secrets.stream().filter(Objects::nonNull).filter(s -> s.length() >= 4).toList();
    }

    public String redact(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String secret : secrets) {
            out = out.replace(secret, MASK);
        }
        out = URL_CREDENTIALS.matcher(out).replaceAll("$1" + MASK + "@");
        out = AUTH_HEADER.matcher(out).replaceAll("$1 " + MASK);
        out = GITHUB_TOKEN.matcher(out).replaceAll("$1" + MASK);
        return out.length() > MAX_LENGTH ? out.substring(0, MAX_LENGTH) + "…" : out;
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
