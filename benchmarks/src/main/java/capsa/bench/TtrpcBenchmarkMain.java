package capsa.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs {@link TtrpcRoundTripBenchmark} with 1 and 16 caller threads against both servers and prints calls/s side by
 * side: the median of the measurement iterations, with JMH's mean ± 99.9% error next to it.
 *
 * <p>Flags: {@code --quick} (short iterations, for a smoke run), {@code --markdown} (also print a Markdown table).
 */
public final class TtrpcBenchmarkMain {

    private static final int[] CALLERS = {1, 16};
    private static final List<String> SERVERS = List.of("capsa", "capsa-jvm", "go");

    private TtrpcBenchmarkMain() {}

    public static void main(String[] args) throws RunnerException, IOException {
        boolean quick = List.of(args).contains("--quick");
        boolean markdown = List.of(args).contains("--markdown");
        Map<String, Map<Integer, Stats>> results = new LinkedHashMap<>();
        for (int callers : CALLERS) {
            ChainedOptionsBuilder options = new OptionsBuilder()
                    .include(TtrpcRoundTripBenchmark.class.getName() + ".connect")
                    .param("server", SERVERS.toArray(String[]::new))
                    .threads(callers)
                    .forks(1)
                    .shouldFailOnError(true)
                    .verbosity(VerboseMode.NORMAL);
            if (quick) {
                options.warmupIterations(1).warmupTime(TimeValue.seconds(1))
                        .measurementIterations(3).measurementTime(TimeValue.seconds(1));
            } else {
                options.warmupIterations(5).warmupTime(TimeValue.seconds(3))
                        .measurementIterations(5).measurementTime(TimeValue.seconds(3));
            }
            Collection<RunResult> runs = new Runner(options.build()).run();
            for (RunResult run : runs) {
                String server = run.getParams().getParam("server");
                results.computeIfAbsent(server, s -> new LinkedHashMap<>()).put(callers, Stats.of(run));
            }
        }
        System.out.println();
        System.out.println(report(results, quick));
        if (markdown) {
            System.out.println(markdown(results));
        }
    }

    record Stats(double median, double mean, double error, int iterations) {
        static Stats of(RunResult run) {
            List<Double> scores = new ArrayList<>();
            for (BenchmarkResult benchmark : run.getBenchmarkResults()) {
                for (IterationResult iteration : benchmark.getIterationResults()) {
                    scores.add(iteration.getPrimaryResult().getScore());
                }
            }
            scores.sort(Double::compare);
            int n = scores.size();
            double median = n % 2 == 1 ? scores.get(n / 2) : (scores.get(n / 2 - 1) + scores.get(n / 2)) / 2;
            return new Stats(median, run.getPrimaryResult().getScore(), run.getPrimaryResult().getScoreError(), n);
        }
    }

    private static String report(Map<String, Map<Integer, Stats>> results, boolean quick) {
        StringBuilder out = new StringBuilder();
        out.append("ttrpc unary round trips: containerd.task.v2.Task/Connect over a Unix socket, Capsa TtrpcClient\n");
        out.append(machine()).append('\n');
        out.append(quick ? "QUICK RUN (1 s iterations): numbers are indicative only\n" : "");
        out.append(String.format("%-32s %28s %28s%n", "server (calls/s: median, mean±err)", "1 caller", "16 callers"));
        for (String server : SERVERS) {
            Map<Integer, Stats> row = results.getOrDefault(server, Map.of());
            out.append(String.format("%-32s", label(server)));
            for (int callers : CALLERS) {
                Stats s = row.get(callers);
                out.append(s == null ? String.format(" %28s", "-")
                        : String.format(" %10.0f (%7.0f ± %5.0f)", s.median(), s.mean(), s.error()));
            }
            out.append('\n');
        }
        for (String capsaServer : List.of("capsa", "capsa-jvm")) {
            out.append(String.format("%-32s", capsaServer + " / go (medians)"));
            for (int callers : CALLERS) {
                Stats capsa = results.getOrDefault(capsaServer, Map.of()).get(callers);
                Stats go = results.getOrDefault("go", Map.of()).get(callers);
                out.append(capsa == null || go == null ? String.format(" %28s", "-")
                        : String.format(" %27.2fx", capsa.median() / go.median()));
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static String markdown(Map<String, Map<Integer, Stats>> results) {
        StringBuilder out = new StringBuilder("| Server | 1 caller (calls/s) | 16 callers (calls/s) |\n|---|---:|---:|\n");
        for (String server : SERVERS) {
            out.append("| ").append(label(server)).append(" |");
            for (int callers : CALLERS) {
                Stats s = results.getOrDefault(server, Map.of()).get(callers);
                out.append(s == null ? " - |" : String.format(" %,.0f |", s.median()));
            }
            out.append('\n');
        }
        for (String capsaServer : List.of("capsa", "capsa-jvm")) {
            out.append("| ").append(label(capsaServer)).append(" / Go |");
            for (int callers : CALLERS) {
                Stats capsa = results.getOrDefault(capsaServer, Map.of()).get(callers);
                Stats go = results.getOrDefault("go", Map.of()).get(callers);
                out.append(capsa == null || go == null ? " - |" : String.format(" %.2f× |", capsa.median() / go.median()));
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static String label(String server) {
        return switch (server) {
            case "capsa" -> "Capsa TtrpcServer, same JVM";
            case "capsa-jvm" -> "Capsa TtrpcServer, own JVM";
            case "go" -> "containerd-shim-runc-v2 (Go)";
            default -> server;
        };
    }

    private static String machine() {
        String cpu = "unknown CPU";
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            cpu = lines.filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(cpu);
        } catch (IOException ignored) {
            // not Linux: keep "unknown CPU"
        }
        return String.format("machine: %s, %d CPUs visible, %s %s, Java %s; %s UTC", cpu,
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"),
                System.getProperty("os.version"), System.getProperty("java.version"),
                ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")));
    }
}
