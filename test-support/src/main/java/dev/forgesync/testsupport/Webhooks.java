package dev.forgesync.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * GitHub webhook deliveries for tests, built from the real payloads in {@code github-payloads/} (copied unchanged
 * from {@code shared/github-payloads}, octokit/webhooks, MIT) and signed the way GitHub signs them.
 */
public final class Webhooks {

    /** GitHub's published HMAC test vector (github-payloads/README.md). */
    public static final String TEST_VECTOR_SECRET = "It's a Secret to Everybody";
    public static final String TEST_VECTOR_BODY = "Hello, World!";
    public static final String TEST_VECTOR_SIGNATURE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Webhooks() {
    }

    /** A signed delivery: the headers and body GitHub would send. */
    public record Delivery(String event, String deliveryId, byte[] body, String signature) {
        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The same delivery with a new delivery id, as a second, distinct event. */
        public Delivery withNewDeliveryId() {
            return new Delivery(event, UUID.randomUUID().toString(), body, signature);
        }
    }

    /** The bytes of one payload file, e.g. {@code watch.started.json}, exactly as stored. */
    public static byte[] payload(String file) {
        try (InputStream in = Webhooks.class.getResourceAsStream("/github-payloads/" + file)) {
            if (in == null) {
                throw new IllegalArgumentException("no payload github-payloads/" + file);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code sha256=<hex>} of HMAC-SHA256(secret, body). */
    public static String sign(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A payload file as GitHub sends it, unchanged, with a fresh delivery id. */
    public static Delivery of(String event, String file, String secret) {
        byte[] body = payload(file);
        return new Delivery(event, UUID.randomUUID().toString(), body, sign(secret, body));
    }

    /**
     * A payload file rewritten to name another repository ({@code owner/name}, GitHub id), re-serialised and
     * signed: for tests that need many repositories or one they serve themselves.
     */
    public static Delivery forRepository(String event, String file, String secret, String fullName, long githubId) {
        byte[] body = withRepository(payload(file), fullName, githubId);
        return new Delivery(event, UUID.randomUUID().toString(), body, sign(secret, body));
    }

    /** Rewrites {@code repository.default_branch} (and {@code master_branch}, its old name) of a payload. */
    public static byte[] withDefaultBranch(byte[] payload, String branch) {
        ObjectNode root = (ObjectNode) JSON.readTree(payload);
        ObjectNode repo = (ObjectNode) root.get("repository");
        repo.put("default_branch", branch);
        repo.put("master_branch", branch);
        return JSON.writeValueAsBytes(root);
    }

    /** Rewrites {@code repository.{id,name,full_name,html_url,clone_url,owner.login}} of a payload. */
    public static byte[] withRepository(byte[] payload, String fullName, long githubId) {
        String[] parts = fullName.split("/", 2);
        if (parts.length != 2) {
            throw new IllegalArgumentException("expected owner/name: " + fullName);
        }
        ObjectNode root = (ObjectNode) JSON.readTree(payload);
        ObjectNode repo = (ObjectNode) root.get("repository");
        repo.put("id", githubId);
        repo.put("name", parts[1]);
        repo.put("full_name", fullName);
        repo.put("html_url", "https://github.com/" + fullName);
        repo.put("clone_url", "https://github.com/" + fullName + ".git");
        ((ObjectNode) repo.get("owner")).put("login", parts[0]);
        return JSON.writeValueAsBytes(root);
    }
}
