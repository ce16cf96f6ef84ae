package dev.forgesync.control.replay;

import java.io.PrintStream;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import dev.forgesync.requests.SyncRequestsConfiguration;

import tools.jackson.databind.json.JsonMapper;

/**
 * {@code java -jar control-service.jar replay (--since=T --until=T | --delivery-id=ID[,ID...]) [--force]}: replays
 * stored webhook events in a context of its own ({@link ReplayContext}: the database, the broker, the outbox and the
 * replay; no web server, no scheduled job, no relay, no ops token), with the service's database and broker settings,
 * and exits with {@link #OK}, {@link #INCOMPLETE} (some requests not published), {@link #INVALID} (bad arguments) or
 * {@link #FAILED} (the database or the start-up failed). The report is one JSON line on standard output.
 *
 * <p>The database and broker settings come from the environment, as the service's do ({@code SPRING_DATASOURCE_URL},
 * {@code SPRING_DATASOURCE_USERNAME}, {@code SPRING_DATASOURCE_PASSWORD}, {@code SPRING_KAFKA_BOOTSTRAP_SERVERS}).
 * Never pass a password as a {@code --spring.datasource.password=...} argument: every local user can read a
 * command line ({@code ps}), and shells keep it in their history.
 */
public final class ReplayCommand {

    public static final String NAME = "replay";
    public static final int OK = 0;
    public static final int INCOMPLETE = 1;
    public static final int INVALID = 2;
    public static final int FAILED = 3;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ReplayCommand() {
    }

    /** What a replay needs and nothing else: the database, the broker, the outbox and its publisher, the replay. */
    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import({SyncRequestsConfiguration.class, WebhookReplay.class})
    static class ReplayContext {
    }

    /** True when the command line asks for this command ({@code replay} as the first argument). */
    public static boolean isRequested(String[] args) {
        return args.length > 0 && NAME.equals(args[0]);
    }

    /**
     * Runs the command; {@code args} start with {@code replay}; every other {@code --x=y} configures Spring (settings
     * without a secret only: secrets come from the environment).
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> springArgs = new ArrayList<>();
        ReplaySelection selection;
        try {
            selection = parse(Arrays.copyOfRange(args, 1, args.length), springArgs);
        } catch (InvalidReplayException e) {
            err.println("replay: " + e.getMessage());
            err.println("usage: replay (--since=2026-11-25T00:00:00Z --until=2026-11-25T06:00:00Z | --delivery-id=ID[,ID...]) [--force]");
            err.println("  database and broker from the environment: SPRING_DATASOURCE_URL, SPRING_DATASOURCE_USERNAME,"
                    + " SPRING_DATASOURCE_PASSWORD, SPRING_KAFKA_BOOTSTRAP_SERVERS (never a password as an argument)");
            return INVALID;
        }
        try (ConfigurableApplicationContext context = start(springArgs)) {
            ReplayReport report = context.getBean(WebhookReplay.class).replay(selection);
            out.println(JSON.writeValueAsString(report));
            return report.complete() ? OK : INCOMPLETE;
        } catch (InvalidReplayException e) {
            err.println("replay: " + e.getMessage());
            return INVALID;
        } catch (RuntimeException e) {
            err.println("replay failed: " + e);
            return FAILED;
        }
    }

    /** The command's context: {@link ReplayContext}, no web server, quiet. */
    static ConfigurableApplicationContext start(List<String> springArgs) {
        return new SpringApplicationBuilder(ReplayContext.class)
                .web(WebApplicationType.NONE)
                .properties(Map.of("spring.main.banner-mode", "off", "logging.level.root", "WARN"))
                .run(springArgs.toArray(String[]::new));
    }

    static ReplaySelection parse(String[] args, List<String> springArgs) {
        List<String> ids = new ArrayList<>();
        Instant since = null;
        Instant until = null;
        boolean force = false;
        for (String arg : args) {
            if (arg.startsWith("--since=")) {
                since = instant("--since", value(arg));
            } else if (arg.startsWith("--until=")) {
                until = instant("--until", value(arg));
            } else if (arg.startsWith("--delivery-id=")) {
                Arrays.stream(value(arg).split(",")).map(String::strip).filter(s -> !s.isEmpty()).forEach(ids::add);
            } else if (arg.equals("--force")) {
                force = true;
            } else if (arg.startsWith("--") && arg.contains("=")) {
                springArgs.add(arg);
            } else {
                throw new InvalidReplayException("unknown argument '" + arg + "'");
            }
        }
        return new ReplaySelection(ids, since, until, force);
    }

    private static String value(String arg) {
        return arg.substring(arg.indexOf('=') + 1);
    }

    private static Instant instant(String name, String value) {
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidReplayException(name + " must be an ISO-8601 instant such as 2026-11-25T14:00:00Z, was '"
                    + value + "'");
        }
    }
}
