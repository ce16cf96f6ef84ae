package dev.forgesync.githubauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.Signature;
import java.security.interfaces.RSAPrivateKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.forgesync.testsupport.github.AppKeys;

class AppPrivateKeyTest {

    private static final AppKeys KEYS = AppKeys.generate();

    @Test
    void readsThePkcs1KeyGithubHandsOutAndItsPkcs8Form(@TempDir Path dir) throws Exception {
        RSAPrivateKey pkcs1 = AppPrivateKey.read(AppKeys.write(dir.resolve("app.pem"), KEYS.pkcs1Pem()));
        RSAPrivateKey pkcs8 = AppPrivateKey.read(AppKeys.write(dir.resolve("app-pkcs8.pem"), KEYS.pkcs8Pem()));
        assertThat(pkcs1.getModulus()).isEqualTo(KEYS.publicKey().getModulus());
        assertThat(pkcs1.getPrivateExponent()).isEqualTo(pkcs8.getPrivateExponent());
        assertThat(verifies(pkcs1)).isTrue();
    }

    @Test
    void refusesWhatIsNoRsaKeyNamingTheFileButNotItsContent(@TempDir Path dir) {
        Path notPem = AppKeys.write(dir.resolve("token.txt"), "ghp_notakeyatall0123456789");
        assertThatThrownBy(() -> AppPrivateKey.read(notPem)).isInstanceOf(GithubAuthException.class)
                .hasMessageContaining(notPem.toString()).hasMessageContaining("BEGIN RSA PRIVATE KEY")
                .hasMessageNotContaining("ghp_notakeyatall");
        String body = "MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu";
        Path damaged = AppKeys.write(dir.resolve("damaged.pem"),
                "-----BEGIN RSA PRIVATE KEY-----\n" + body + "\n-----END RSA PRIVATE KEY-----\n");
        assertThatThrownBy(() -> AppPrivateKey.read(damaged)).isInstanceOf(GithubAuthException.class)
                .hasMessageContaining("holds no readable RSA private key").hasMessageNotContaining(body)
                .hasNoCause();
        assertThatThrownBy(() -> AppPrivateKey.read(dir.resolve("missing.pem")))
                .hasMessageContaining("not readable");
    }

    @Test
    void signsJwtsAsGithubAsksIssuedSixtySecondsBackExpiringWithinTenMinutes(@TempDir Path dir) throws Exception {
        Instant now = Instant.parse("2026-12-02T12:00:00Z");
        AppJwt jwt = new AppJwt("123456", AppPrivateKey.read(AppKeys.write(dir.resolve("k.pem"), KEYS.pkcs1Pem())),
                Clock.fixed(now, ZoneOffset.UTC));
        SignedJWT signed = SignedJWT.parse(jwt.sign());
        assertThat(signed.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        assertThat(signed.verify(new RSASSAVerifier(KEYS.publicKey()))).isTrue();
        assertThat(signed.getJWTClaimsSet().getIssuer()).isEqualTo("123456");
        assertThat(signed.getJWTClaimsSet().getIssueTime().toInstant()).isEqualTo(now.minusSeconds(60));
        assertThat(signed.getJWTClaimsSet().getExpirationTime().toInstant()).isEqualTo(now.plusSeconds(540))
                .isBefore(now.plusSeconds(600));
    }

    private static boolean verifies(RSAPrivateKey key) throws Exception {
        Signature sign = Signature.getInstance("SHA256withRSA");
        sign.initSign(key);
        sign.update(new byte[] {1, 2, 3});
        byte[] signature = sign.sign();
        Signature verify = Signature.getInstance("SHA256withRSA");
        verify.initVerify(KEYS.publicKey());
        verify.update(new byte[] {1, 2, 3});
        return verify.verify(signature);
    }
}
