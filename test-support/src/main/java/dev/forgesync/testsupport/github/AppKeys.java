package dev.forgesync.testsupport.github;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;

/**
 * A GitHub App's key pair for tests: the public half for {@link GithubApiStandIn#registerApp}, the private half as
 * the PEM files an operator mounts: PKCS#1 ({@code BEGIN RSA PRIVATE KEY}, what GitHub hands out) or PKCS#8
 * ({@code BEGIN PRIVATE KEY}).
 */
public final class AppKeys {

    private final KeyPair pair;

    private AppKeys(KeyPair pair) {
        this.pair = pair;
    }

    /** A fresh 2048-bit RSA key pair (GitHub's App keys are 2048-bit RSA). */
    public static AppKeys generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return new AppKeys(generator.generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public RSAPublicKey publicKey() {
        return (RSAPublicKey) pair.getPublic();
    }

    /** The private key as GitHub's download: {@code -----BEGIN RSA PRIVATE KEY-----} (PKCS#1). */
    public String pkcs1Pem() {
        return pem("RSA PRIVATE KEY", pkcs1(pair.getPrivate().getEncoded()));
    }

    /** The private key as {@code -----BEGIN PRIVATE KEY-----} (PKCS#8). */
    public String pkcs8Pem() {
        return pem("PRIVATE KEY", pair.getPrivate().getEncoded());
    }

    /** Writes {@code pem} to {@code file} and returns it. */
    public static Path write(Path file, String pem) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return Files.writeString(file, pem, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    /** The {@code privateKey} OCTET STRING of a PKCS#8 {@code PrivateKeyInfo}: version, algorithm, then it. */
    private static byte[] pkcs1(byte[] pkcs8) {
        int[] outer = header(pkcs8, 0);
        int at = outer[0];
        at = skip(pkcs8, at);
        at = skip(pkcs8, at);
        int[] octets = header(pkcs8, at);
        return Arrays.copyOfRange(pkcs8, octets[0], octets[0] + octets[1]);
    }

    private static int skip(byte[] der, int at) {
        int[] h = header(der, at);
        return h[0] + h[1];
    }

    /** {content offset, content length} of the TLV at {@code at}. */
    private static int[] header(byte[] der, int at) {
        int first = der[at + 1] & 0xff;
        if (first < 0x80) {
            return new int[] {at + 2, first};
        }
        int bytes = first & 0x7f;
        int length = 0;
        for (int i = 0; i < bytes; i++) {
            length = (length << 8) | (der[at + 2 + i] & 0xff);
        }
        return new int[] {at + 2 + bytes, length};
    }
}
