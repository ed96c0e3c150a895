import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark's own load where wrk does not fit (run as a source file: java bench/LoadGen.java ...).
 *
 *   paced URL RATE SECONDS PREFIX OUT.tsv   POST RATE distinct leads a second on a fixed schedule
 *                                           (open loop: a slow answer does not delay the next lead);
 *                                           writes "email, epoch ms sent, status" per lead
 *   burst URL COUNT CONCURRENCY PREFIX OUT.tsv   POST COUNT leads as fast as CONCURRENCY connections go
 *   lone URL EMAIL                          POST one lead; prints "email, epoch ms of its 202, status", the
 *                                           line e2e reads (so e2e measures from the 202)
 *   e2e SENT.tsv WRITES.tsv TARGETS         POST-to-CRM latency: WRITES.tsv holds "target, epoch ms
 *                                           logged, request body/url" of every CRM write (from WireMock's
 *                                           journal); prints p50/p99 until a lead is in all TARGETS
 *
 * Leads are the marketplace's JSON with a unique e-mail each, so none is a duplicate of another.
 */
public class LoadGen {

    private static final Pattern EMAIL = Pattern.compile("bench-[A-Za-z0-9-]+@example\\.test");

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "paced" -> paced(URI.create(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), args[4],
                    Path.of(args[5]));
            case "burst" -> burst(URI.create(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), args[4],
                    Path.of(args[5]));
            case "lone" -> lone(URI.create(args[1]), args[2]);
            case "e2e" -> e2e(Path.of(args[1]), Path.of(args[2]), args[3].split(","));
            default -> throw new IllegalArgumentException("paced, burst, lone or e2e, not " + args[0]);
        }
        System.exit(0); // the HTTP client's threads would keep the JVM alive
    }

    static String lead(String email) {
        return """
                {"UserDetails":{"FirstName":"Bench","LastName":"Lead","Email":"%s","Phone":"14255550142",\
                "Country":"US","Company":"Fabrikam","Title":"Head of Platform"},"LeadSource":"AzureMarketplace",\
                "ActionCode":"INS","OfferTitle":"Contoso Analytics Suite","Description":""}""".formatted(email);
    }

    static HttpRequest post(URI url, String email) {
        return HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(lead(email))).build();
    }

    record Sent(String email, long sentMillis, int status, long micros) {
    }

    static void paced(URI url, int rate, int seconds, String prefix, Path out) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(4)).build();
        int total = rate * seconds;
        ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();
        CountDownLatch done = new CountDownLatch(total);
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = start + i * 1_000_000_000L / rate;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            String email = prefix + "-" + i + "@example.test";
            long sentMillis = System.currentTimeMillis();
            long t0 = System.nanoTime();
            client.sendAsync(post(url, email), HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
                sent.add(new Sent(email, sentMillis, error == null ? response.statusCode() : 0,
                        (System.nanoTime() - t0) / 1000));
                done.countDown();
            });
        }
        done.await(60, TimeUnit.SECONDS);
        report("paced", sent, System.nanoTime() - start, out);
    }

    static void burst(URI url, int count, int concurrency, String prefix, Path out) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        long start = System.nanoTime();
        for (int c = 0; c < concurrency; c++) {
            pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    String email = prefix + "-" + i + "@example.test";
                    long sentMillis = System.currentTimeMillis();
                    long t0 = System.nanoTime();
                    int status;
                    try {
                        status = client.send(post(url, email), HttpResponse.BodyHandlers.discarding()).statusCode();
                    } catch (IOException | InterruptedException e) {
                        status = 0;
                    }
                    sent.add(new Sent(email, sentMillis, status, (System.nanoTime() - t0) / 1000));
                }
                return null;
            });
        }
        pool.shutdown();
        pool.awaitTermination(10, TimeUnit.MINUTES);
        report("burst", sent, System.nanoTime() - start, out);
    }

    static void lone(URI url, String email) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        int status = client.send(post(url, email), HttpResponse.BodyHandlers.discarding()).statusCode();
        System.out.println(email + "\t" + System.currentTimeMillis() + "\t" + status);
    }

    /** Writes the leads sent and prints one line: "accepted N of M, X/s, p50 Y ms, p99 Z ms". */
    static void report(String what, ConcurrentLinkedQueue<Sent> sent, long nanos, Path out) throws IOException {
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out))) {
            sent.forEach(s -> w.println(s.email + "\t" + s.sentMillis + "\t" + s.status));
        }
        long accepted = sent.stream().filter(s -> s.status == 202).count();
        long[] micros = sent.stream().mapToLong(Sent::micros).sorted().toArray();
        System.out.printf("%s accepted=%d sent=%d per_s=%.1f p50_ms=%.1f p99_ms=%.1f%n", what, accepted, sent.size(),
                accepted * 1e9 / nanos, pct(micros, 50) / 1000.0, pct(micros, 99) / 1000.0);
    }

    static void e2e(Path sentFile, Path writesFile, String[] targets) throws IOException {
        Map<String, Long> sent = new HashMap<>();
        List<String> lines = Files.readAllLines(sentFile);
        for (String line : lines) {
            String[] f = line.split("\t");
            if (f[2].equals("202")) {
                sent.put(f[0], Long.parseLong(f[1]));
            }
        }
        // the first write to each target that names the lead
        Map<String, Map<String, Long>> reached = new HashMap<>();
        for (String line : Files.readAllLines(writesFile)) {
            String[] f = line.split("\t", 3);
            if (f.length < 3) {
                continue;
            }
            long logged = Long.parseLong(f[1]);
            Matcher m = EMAIL.matcher(f[2]);
            while (m.find()) {
                reached.computeIfAbsent(m.group(), e -> new HashMap<>()).merge(f[0], logged, Math::min);
            }
        }
        List<Long> all = new ArrayList<>();
        Map<String, List<Long>> perTarget = new HashMap<>();
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (var lead : sent.entrySet()) {
            first = Math.min(first, lead.getValue());
            Map<String, Long> at = reached.getOrDefault(lead.getKey(), Map.of());
            for (String t : targets) {
                if (at.containsKey(t)) {
                    perTarget.computeIfAbsent(t, k -> new ArrayList<>()).add(at.get(t) - lead.getValue());
                }
            }
            if (Arrays.stream(targets).allMatch(at::containsKey)) {
                long inAll = Arrays.stream(targets).mapToLong(at::get).max().orElseThrow();
                all.add(inAll - lead.getValue());
                last = Math.max(last, inAll);
            }
        }
        long[] ms = all.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("e2e offered=%d accepted=%d delivered=%d per_s=%.1f p50_ms=%d p99_ms=%d", lines.size(),
                sent.size(), ms.length,
                ms.length == 0 ? 0.0 : ms.length * 1000.0 / Math.max(1, last - first), pct(ms, 50), pct(ms, 99));
        for (String t : targets) {
            long[] tm = perTarget.getOrDefault(t, List.of()).stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf(" %s_n=%d %s_p99_ms=%d", t, tm.length, t, pct(tm, 99));
        }
        System.out.println();
    }

    static long pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return -1;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }
}
