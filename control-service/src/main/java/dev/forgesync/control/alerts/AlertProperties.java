package dev.forgesync.control.alerts;

import java.net.URI;
import java.time.Duration;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Alerts to a Slack-compatible incoming webhook, once per change of a repository's condition.
 *
 * @param webhookUrl   {@code FORGESYNC_ALERT_WEBHOOK_URL}: where to POST; unset, no alert is sent
 * @param staleAfter   {@code FORGESYNC_ALERT_STALE_AFTER}: a repository stale this long is alerted
 * @param scanInterval how often conditions are compared with what was alerted
 * @param maxPerMinute alerts sent per minute at most; changes over the cap wait for the next scan (none is lost)
 * @param timeout      one POST's timeout (sent in the background: a slow endpoint delays nothing else)
 */
@Validated
@ConfigurationProperties("forgesync.alert")
public record AlertProperties(
        URI webhookUrl,
        @NotNull @DefaultValue("1h") Duration staleAfter,
        @NotNull @DefaultValue("30s") Duration scanInterval,
        @Min(1) @DefaultValue("20") int maxPerMinute,
        @NotNull @DefaultValue("5s") Duration timeout) {

    public boolean enabled() {
        return webhookUrl != null && !webhookUrl.toString().isBlank();
    }

    /** The URL may carry a secret path (Slack's do): it is never printed. */
    @Override
    public String toString() {
        return "AlertProperties[webhookUrl=" + (enabled() ? "****" : "none") + ", staleAfter=" + staleAfter
                + ", maxPerMinute=" + maxPerMinute + "]";
    }
}
