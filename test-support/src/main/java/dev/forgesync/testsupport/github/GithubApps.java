package dev.forgesync.testsupport.github;

import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;

/**
 * GitHub Apps as the stand-in keeps them, following docs.github.com's "Generating a JSON Web Token (JWT) for a GitHub
 * App", "Authenticating as a GitHub App installation", "Generating an installation access token for a GitHub App"
 * and the REST reference of apps ({@code /app/installations}, {@code .../access_tokens}, the three
 * {@code .../installation} look-ups):
 * <ul>
 * <li>an App is registered with its public key; a JWT is accepted when it is RS256, signed by the key of the App its
 *     {@code iss} names (the id, as a number or a string), its {@code iat} not in the future and its {@code exp}
 *     in the future and at most 10 minutes ahead, each within {@link #CLOCK_SKEW};</li>
 * <li>an installation belongs to one account, with all its repositories or selected ones, and holds the
 *     permissions it was granted ({@code metadata: read} always, {@code contents: read} unless others are named),
 *     each {@code read} or {@code write} (write includes read);</li>
 * <li>an installation access token ({@code ghs_...}) lives one hour unless a test shortens it; an expired one is
 *     refused like any bad credential.</li>
 * </ul>
 */
final class GithubApps {

    /** How far GitHub's clock may disagree with the JWT's claims before it refuses them. */
    static final Duration CLOCK_SKEW = Duration.ofSeconds(30);
    static final Duration MAX_JWT_LIFETIME = Duration.ofMinutes(10);
    static final String UNDECODABLE = "A JSON web token could not be decoded";
    static final String EXPIRED = "'Expiration time' claim ('exp') must be a numeric value representing the future "
            + "time at which the assertion expires";
    static final String TOO_FAR = "'Expiration time' claim ('exp') is too far in the future";
    static final String ISSUED_LATER = "'Issued at' claim ('iat') must be an Integer representing the time that the "
            + "assertion was issued";

    /** The permissions of an installation installed without naming any. */
    static final Map<String, String> DEFAULT_PERMISSIONS = Map.of("contents", "read", "metadata", "read");

    /**
     * An installation of an App on an account; {@code repositories} empty means all of them; {@code permissions}
     * by GitHub's names ({@code contents}, {@code organization_hooks}, {@code repository_hooks}...).
     */
    record Installation(long id, long appId, String account, Set<String> repositories,
                        Map<String, String> permissions, Instant createdAt) {
        boolean all() {
            return repositories.isEmpty();
        }

        /** Holds {@code permission} at {@code level} ({@code read} or {@code write}; write includes read). */
        boolean allows(String permission, String level) {
            String held = permissions.get(permission);
            return "write".equals(held) || ("read".equals(level) && "read".equals(held));
        }

        /** Installed on the account {@code login}. */
        boolean on(String login) {
            return account.equalsIgnoreCase(login);
        }

        boolean covers(GithubApiStandIn.Repo repo) {
            return repo.owner().equalsIgnoreCase(account)
                    && (all() || repositories.contains(repo.fullName().toLowerCase(Locale.ROOT)));
        }
    }

    /** A JWT that was checked: the App it authenticates, or GitHub's message for why not. */
    record JwtCheck(Long appId, String refusal) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private final Map<Long, RSAPublicKey> apps = new ConcurrentHashMap<>();
    private final Map<Long, Installation> installations = new ConcurrentHashMap<>();
    private final Map<String, GithubApiStandIn.AppToken> tokens = new ConcurrentHashMap<>();
    private final List<GithubApiStandIn.AppToken> issued = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong(1_000_000);
    private volatile Duration tokenLifetime = Duration.ofHours(1);

    void register(long appId, RSAPublicKey key) {
        apps.put(appId, key);
    }

    boolean any() {
        return !apps.isEmpty();
    }

    Installation install(long appId, String account, Set<String> repositories, Map<String, String> permissions) {
        if (!apps.containsKey(appId)) {
            throw new IllegalArgumentException("no App " + appId + " is registered");
        }
        Set<String> lower = repositories.stream().map(r -> r.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        Map<String, String> granted = new java.util.TreeMap<>(permissions);
        granted.put("metadata", "read");
        Installation installation = new Installation(ids.incrementAndGet(), appId, account, lower,
                java.util.Collections.unmodifiableMap(granted), Instant.now().truncatedTo(ChronoUnit.SECONDS));
        installations.put(installation.id(), installation);
        return installation;
    }

    void tokenLifetime(Duration lifetime) {
        this.tokenLifetime = lifetime;
    }

    List<GithubApiStandIn.AppToken> issued() {
        return List.copyOf(issued);
    }

    JwtCheck check(String candidate) {
        try {
            SignedJWT jwt = SignedJWT.parse(candidate);
            Long appId = appId(jwt.getJWTClaimsSet().getClaim("iss"));
            RSAPublicKey key = appId == null ? null : apps.get(appId);
            if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm()) || key == null
                    || !jwt.verify(new RSASSAVerifier(key))) {
                return new JwtCheck(null, UNDECODABLE);
            }
            String refusal = timeRefusal(jwt.getJWTClaimsSet().getIssueTime(),
                    jwt.getJWTClaimsSet().getExpirationTime());
            return refusal == null ? new JwtCheck(appId, null) : new JwtCheck(null, refusal);
        } catch (ParseException | JOSEException | IllegalStateException e) {
            return new JwtCheck(null, UNDECODABLE);
        }
    }

    private static String timeRefusal(Date issuedAt, Date expiresAt) {
        Instant now = Instant.now();
        if (expiresAt == null || !expiresAt.toInstant().isAfter(now.minus(CLOCK_SKEW))) {
            return EXPIRED;
        }
        if (expiresAt.toInstant().isAfter(now.plus(MAX_JWT_LIFETIME).plus(CLOCK_SKEW))) {
            return TOO_FAR;
        }
        if (issuedAt == null || issuedAt.toInstant().isAfter(now.plus(CLOCK_SKEW))) {
            return ISSUED_LATER;
        }
        return null;
    }

    private static Long appId(Object iss) {
        if (iss instanceof Number n) {
            return n.longValue();
        }
        try {
            return iss == null ? null : Long.parseLong(iss.toString());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The installation of {@code appId} on {@code account}. */
    Optional<Installation> installationOn(long appId, String account) {
        return installations.values().stream()
                .filter(i -> i.appId() == appId && i.account().equalsIgnoreCase(account)).findFirst();
    }

    Optional<Installation> installation(long appId, long id) {
        return Optional.ofNullable(installations.get(id)).filter(i -> i.appId() == appId);
    }

    List<Installation> installationsOf(long appId) {
        return installations.values().stream().filter(i -> i.appId() == appId)
                .sorted(Comparator.comparingLong(Installation::id)).toList();
    }

    GithubApiStandIn.AppToken issue(Installation installation) {
        StringBuilder value = new StringBuilder("ghs_");
        for (int i = 0; i < 36; i++) {
            value.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        GithubApiStandIn.AppToken token = new GithubApiStandIn.AppToken(value.toString(), installation.id(),
                Instant.now().plus(tokenLifetime).truncatedTo(ChronoUnit.SECONDS));
        tokens.put(token.value(), token);
        issued.add(token);
        return token;
    }

    /** The installation a live access token belongs to (an expired or unknown token has none). */
    Optional<Installation> installationOfToken(String candidate) {
        GithubApiStandIn.AppToken token = tokens.get(candidate);
        if (token == null || !Instant.now().isBefore(token.expiresAt())) {
            return Optional.empty();
        }
        return Optional.ofNullable(installations.get(token.installation()));
    }
}
