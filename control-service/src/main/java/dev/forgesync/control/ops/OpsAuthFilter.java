package dev.forgesync.control.ops;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

import tools.jackson.databind.json.JsonMapper;

/**
 * Guards {@code /api/*}: no or a wrong bearer token is {@code 401} (also when no token is configured: the API is
 * then disabled), the read-only token on anything but GET/HEAD is {@code 403}. Tokens are never logged.
 */
final class OpsAuthFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(OpsAuthFilter.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final OpsTokens tokens;
    private final SignInThrottle throttle;

    OpsAuthFilter(OpsTokens tokens, SignInThrottle throttle) {
        this.tokens = tokens;
        this.throttle = throttle;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String address = request.getRemoteAddr();
        Optional<Duration> refused = throttle.refusedFor(address);
        if (refused.isPresent()) {
            long seconds = SignInThrottle.retryAfterSeconds(refused.get());
            log.warn("ops API {} {} from {}: refused 429 (too many wrong tokens)", request.getMethod(),
                    request.getRequestURI(), address);
            response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
            refuse(response, HttpStatus.TOO_MANY_REQUESTS, "too_many_failures",
                    "too many wrong tokens from this address; try again in " + seconds + " s");
            return;
        }
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        OpsTokens.Access access = tokens.accessOf(authorization);
        if (access == OpsTokens.Access.NONE) {
            if (authorization != null) {
                throttle.failed(address);
            }
            log.warn("ops API {} {} from {}: refused 401", request.getMethod(), request.getRequestURI(),
                    request.getRemoteAddr());
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"forgesync-ops\"");
            refuse(response, HttpStatus.UNAUTHORIZED, "unauthorized", tokens.enabled()
                    ? "a valid 'Authorization: Bearer <token>' header is required"
                    : "the ops API is disabled: set FORGESYNC_OPS_ADMIN_TOKEN and/or FORGESYNC_OPS_READ_TOKEN");
            return;
        }
        if (access == OpsTokens.Access.READ && !isRead(request.getMethod())) {
            log.warn("ops API {} {} with the read-only token: refused 403", request.getMethod(), request.getRequestURI());
            refuse(response, HttpStatus.FORBIDDEN, "forbidden", "the read-only token cannot change anything");
            return;
        }
        chain.doFilter(request, response);
    }

    private static boolean isRead(String method) {
        return "GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method);
    }

    private static void refuse(HttpServletResponse response, HttpStatus status, String error, String message)
            throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("message", message);
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.getOutputStream().write(JSON.writeValueAsBytes(body));
    }
}
