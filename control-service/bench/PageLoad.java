import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The status page's lean load generator (run by run-bench.sh as a single-file program: java PageLoad.java ...).
 * CLIENTS threads, each signed in on its own session (GET /signin for the CSRF token, then the form POST), request
 * every page and every /api list in a shuffled round, ROUNDS times after one warm-up round; parameters (search
 * text, status, cursors, repository ids) are drawn at random from the generated data's shape. Prints p50, p95 and
 * max per endpoint, and the p95 of each against the p95 of the app's own stylesheet measured in the same run (the
 * HTTP floor of this machine at that moment). The admin token comes from FORGESYNC_OPS_ADMIN_TOKEN, never argv.
 *
 * A request that does not answer within BENCH_TIMEOUT_S (10) seconds is counted as a timeout (at that time).
 *
 *   java PageLoad.java http://127.0.0.1:18070 4 25 100000 '^page'
 */
public class PageLoad {

    static final String[] STATUSES = {"pending", "in_progress", "completed", "failed", "permanent_failure"};

    /** One measured request; {@code micros} is -1 for one that did not answer within the timeout. */
    record Sample(String endpoint, long micros, int status) {
    }

    static final Duration TIMEOUT = Duration.ofSeconds(Long.parseLong(System.getenv().getOrDefault("BENCH_TIMEOUT_S", "10")));

    public static void main(String[] args) throws Exception {
        String base = args[0];
        int clients = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        int repositories = Integer.parseInt(args[3]);
        Pattern include = Pattern.compile(args.length > 4 ? args[4] : ".*");
        String token = System.getenv("FORGESYNC_OPS_ADMIN_TOKEN");
        List<Sample> samples = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Thread t = new Thread(() -> {
                try {
                    runClient(base, token, rounds, repositories, include, samples);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "client-" + c);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        report(samples, clients, rounds);
    }

    static void runClient(String base, String token, int rounds, int repositories, Pattern include,
            List<Sample> samples) throws Exception {
        HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
        signIn(http, base, token);
        for (int round = 0; round <= rounds; round++) {
            Map<String, String> endpoints = endpoints(repositories);
            List<String> order = new ArrayList<>(endpoints.keySet().stream()
                    .filter(name -> name.startsWith("baseline") || include.matcher(name).find()).toList());
            Collections.shuffle(order);
            for (String name : order) {
                boolean api = name.startsWith("api ");
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + endpoints.get(name)))
                        .timeout(TIMEOUT).GET();
                if (api) {
                    request.header("Authorization", "Bearer " + token);
                }
                long start = System.nanoTime();
                HttpResponse<byte[]> response;
                try {
                    response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                } catch (java.net.http.HttpTimeoutException e) {
                    if (round > 0) {
                        samples.add(new Sample(name, -1, 0));
                    }
                    continue;
                }
                long micros = (System.nanoTime() - start) / 1000;
                if (response.statusCode() != 200) {
                    throw new IllegalStateException(name + " " + endpoints.get(name) + " answered " + response.statusCode());
                }
                if (round > 0) {
                    samples.add(new Sample(name, micros, response.statusCode()));
                }
            }
        }
    }

    static Map<String, String> endpoints(int repositories) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long id = 1 + random.nextInt(repositories);
        String status = STATUSES[random.nextInt(STATUSES.length)];
        String search = String.format("repo-%04d", random.nextInt(Math.max(1, repositories / 100)));
        String owner = String.format("owner-%04d", random.nextInt(2000));
        Map<String, String> e = new LinkedHashMap<>();
        e.put("baseline /css/status.css", "/css/status.css");
        e.put("page /", "/");
        e.put("page /repositories", "/repositories");
        e.put("page /repositories?q=", "/repositories?q=" + enc(search));
        e.put("page /repositories?status=", "/repositories?status=" + status);
        e.put("page /repositories?after=", "/repositories?after=" + id);
        e.put("page /repositories?status=&after=", "/repositories?status=" + status + "&after=" + id);
        e.put("page /repositories/{id}", "/repositories/" + id);
        e.put("page /failures", "/failures");
        e.put("page /failures?before=", "/failures?before=" + (1 + random.nextInt(repositories / 100) * 100 + 94));
        e.put("api /api/syncs/pending", "/api/syncs/pending");
        e.put("api /api/syncs/failed", "/api/syncs/failed");
        e.put("api /api/syncs/failed?all=true", "/api/syncs/failed?all=true");
        e.put("api /api/syncs/statistics", "/api/syncs/statistics");
        e.put("api /api/syncs/activity", "/api/syncs/activity");
        e.put("api /api/syncs/activity?repository=", "/api/syncs/activity?repository=" + id);
        e.put("api /api/syncs/activity?owner=", "/api/syncs/activity?owner=" + owner);
        e.put("api /api/webhooks/unprocessed", "/api/webhooks/unprocessed");
        e.put("api /api/repositories", "/api/repositories");
        e.put("api /api/repositories?status=", "/api/repositories?status=" + status);
        e.put("api /api/repositories?q=", "/api/repositories?q=" + enc(search));
        e.put("api /api/repositories?page=100", "/api/repositories?page=100");
        e.put("api /api/repositories/{id}", "/api/repositories/" + id);
        return e;
    }

    static void signIn(HttpClient http, String base, String token) throws Exception {
        String form = http.send(HttpRequest.newBuilder(URI.create(base + "/signin")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher csrf = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(form);
        if (!csrf.find()) {
            throw new IllegalStateException("no CSRF token on /signin");
        }
        String body = "token=" + enc(token) + "&_csrf=" + enc(csrf.group(1));
        HttpResponse<String> signedIn = http.send(HttpRequest.newBuilder(URI.create(base + "/signin"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        String location = signedIn.headers().firstValue("Location").orElse("");
        if (signedIn.statusCode() != 302 || location.contains("error")) {
            throw new IllegalStateException("sign-in refused: " + signedIn.statusCode() + " " + location);
        }
    }

    static void report(List<Sample> samples, int clients, int rounds) {
        Map<String, List<Long>> byEndpoint = new ConcurrentHashMap<>();
        for (Sample s : samples) {
            byEndpoint.computeIfAbsent(s.endpoint(), k -> new ArrayList<>()).add(s.micros());
        }
        long floor = percentile(byEndpoint.get("baseline /css/status.css"), 95);
        System.out.printf("%d clients, %d rounds each (after one warm-up round), %d requests measured%n", clients,
                rounds, samples.size());
        System.out.printf("| %-36s | %5s | %8s | %8s | %8s | %9s | %s |%n", "endpoint", "n", "p50 ms", "p95 ms", "max ms",
                "p95/floor", "timeouts");
        System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | --- |");
        byEndpoint.keySet().stream().sorted().forEach(name -> {
            List<Long> all = byEndpoint.get(name);
            long timeouts = all.stream().filter(m -> m < 0).count();
            // A timeout counts as the timeout itself: a lower bound of what it took.
            List<Long> v = all.stream().map(m -> m < 0 ? TIMEOUT.toNanos() / 1000 : m).toList();
            long p95 = percentile(v, 95);
            System.out.printf("| %-36s | %5d | %8.1f | %8.1f | %8.1f | %8.1fx | %s |%n", name, v.size(),
                    percentile(v, 50) / 1000.0, p95 / 1000.0, Collections.max(v) / 1000.0, (double) p95 / floor,
                    (timeouts > 0 ? timeouts + " over " + TIMEOUT.toSeconds() + " s" : "")
                            + (p95 > 300_000 ? " OVER 300 ms" : ""));
        });
    }

    static long percentile(List<Long> values, int p) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, index));
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
