package dev.forgesync.githubauth;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A GitHub App's private key, read from the PEM file GitHub hands out ({@code BEGIN RSA PRIVATE KEY}: PKCS#1) or
 * its PKCS#8 form ({@code BEGIN PRIVATE KEY}, what {@code openssl pkcs8 -topk8 -nocrypt} writes). The JDK reads only
 * PKCS#8, so a PKCS#1 key is wrapped in a PKCS#8 {@code PrivateKeyInfo} (RFC 5208) first: that is the whole of the
 * hand-written part. Errors name the file, never its content.
 */
final class AppPrivateKey {

    private static final Pattern PEM =
            Pattern.compile("-----BEGIN (RSA )?PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END \\1?PRIVATE KEY-----");
    /** {@code AlgorithmIdentifier} of rsaEncryption (OID 1.2.840.113549.1.1.1) with NULL parameters. */
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
            (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};

    private AppPrivateKey() {
    }

    static RSAPrivateKey read(Path file) {
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new GithubAuthException("the GitHub App private key file is not readable: " + file, 0, null);
        }
        return parse(pem, file.toString());
    }

    static RSAPrivateKey parse(String pem, String where) {
        Matcher m = PEM.matcher(pem);
        if (!m.find()) {
            throw new GithubAuthException(where + " is not an unencrypted PEM RSA private key (expected "
                    + "-----BEGIN RSA PRIVATE KEY----- as GitHub hands it out, or -----BEGIN PRIVATE KEY-----)", 0, null);
        }
        try {
            byte[] der = Base64.getMimeDecoder().decode(m.group(2));
            byte[] pkcs8 = m.group(1) != null ? wrapPkcs1(der) : der;
            return (RSAPrivateKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
            // The cause's message could quote key material: only its type is kept.
            throw new GithubAuthException(where + " holds no readable RSA private key (" + e.getClass().getSimpleName()
                    + ")", 0, null);
        }
    }

    /** {@code PrivateKeyInfo ::= SEQUENCE { version 0, rsaEncryption, OCTET STRING <PKCS#1 RSAPrivateKey> }}. */
    static byte[] wrapPkcs1(byte[] pkcs1) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(VERSION_0);
        body.writeBytes(RSA_ALGORITHM);
        body.writeBytes(tagged(0x04, pkcs1));
        return tagged(0x30, body.toByteArray());
    }

    private static byte[] tagged(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            int bytes = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }
}
