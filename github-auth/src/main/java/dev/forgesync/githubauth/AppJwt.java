package dev.forgesync.githubauth;

import java.security.interfaces.RSAPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * The JSON Web Token a GitHub App authenticates with ("Generating a JSON Web Token (JWT) for a GitHub App"): signed
 * RS256 with the App's private key, {@code iat} 60 s in the past against clock drift, {@code exp} at most 10 minutes
 * ahead (here 9, so a GitHub clock slightly behind ours still accepts it), {@code iss} the App's id. Signed by
 * nimbus-jose-jwt.
 */
final class AppJwt {

    static final Duration BACKDATE = Duration.ofSeconds(60);
    static final Duration LIFETIME = Duration.ofMinutes(9);

    private final String appId;
    private final RSASSASigner signer;
    private final Clock clock;

    AppJwt(String appId, RSAPrivateKey key, Clock clock) {
        this.appId = appId;
        this.signer = new RSASSASigner(key);
        this.clock = clock;
    }

    String appId() {
        return appId;
    }

    String sign() {
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(appId)
                .issueTime(Date.from(now.minus(BACKDATE))).expirationTime(Date.from(now.plus(LIFETIME))).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new GithubAuthException("could not sign the JWT of GitHub App " + appId + " ("
                    + e.getClass().getSimpleName() + ")", 0, null);
        }
        return jwt.serialize();
    }
}
