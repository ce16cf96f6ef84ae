package dev.forgesync.ingest.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.forgesync.testsupport.Webhooks;

class SignatureVerifierTest {

    private static final byte[] BODY = Webhooks.TEST_VECTOR_BODY.getBytes(StandardCharsets.UTF_8);

    @Test
    void acceptsGithubsPublishedTestVector() {
        var verifier = new SignatureVerifier(Webhooks.TEST_VECTOR_SECRET, null);

        assertThat(verifier.verify(Webhooks.TEST_VECTOR_SIGNATURE, BODY)).isEqualTo(SignatureVerifier.Match.CURRENT);
    }

    @Test
    void acceptsThePreviousSecretDuringRotationAndSaysSo() {
        var verifier = new SignatureVerifier("the-new-secret", Webhooks.TEST_VECTOR_SECRET);

        assertThat(verifier.verify(Webhooks.TEST_VECTOR_SIGNATURE, BODY)).isEqualTo(SignatureVerifier.Match.PREVIOUS);
        assertThat(verifier.verify(Webhooks.sign("the-new-secret", BODY), BODY)).isEqualTo(SignatureVerifier.Match.CURRENT);
    }

    @Test
    void refusesASignatureOfAnotherBody() {
        var verifier = new SignatureVerifier(Webhooks.TEST_VECTOR_SECRET, null);

        assertThat(verifier.verify(Webhooks.TEST_VECTOR_SIGNATURE, "Hello, World?".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(SignatureVerifier.Match.MISMATCH);
    }

    @Test
    void refusesAWrongSecret() {
        var verifier = new SignatureVerifier("another secret", "yet another");

        assertThat(verifier.verify(Webhooks.TEST_VECTOR_SIGNATURE, BODY)).isEqualTo(SignatureVerifier.Match.MISMATCH);
    }

    @Test
    void tellsMissingFromMalformed() {
        var verifier = new SignatureVerifier(Webhooks.TEST_VECTOR_SECRET, null);

        assertThat(verifier.verify(null, BODY)).isEqualTo(SignatureVerifier.Match.MISSING);
        assertThat(verifier.verify(" ", BODY)).isEqualTo(SignatureVerifier.Match.MISSING);
        assertThat(verifier.verify("sha1=757107ea0eb2509fc211221cce984b8a37570b6d", BODY))
                .isEqualTo(SignatureVerifier.Match.MALFORMED);
        assertThat(verifier.verify("sha256=zz7107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", BODY))
                .isEqualTo(SignatureVerifier.Match.MALFORMED);
        assertThat(verifier.verify("sha256=757107", BODY)).isEqualTo(SignatureVerifier.Match.MALFORMED);
    }

    @Test
    void neverShowsItsSecrets() {
        assertThat(new SignatureVerifier("s3cr3t", "0ld").toString()).doesNotContain("s3cr3t", "0ld");
    }
}
