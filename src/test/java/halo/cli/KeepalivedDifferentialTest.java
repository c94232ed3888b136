package halo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import halo.config.ConfigLoader;
import halo.config.LoadOptions;
import halo.config.LoadResult;
import halo.config.source.Diagnostic;
import halo.daemon.ScriptSecurity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * keepalived's own sample configurations (Debian's package ships them) and seeded mutants of them (a line deleted, a
 * word deleted, a line duplicated, a brace turned, a number out of range), each read by the real keepalived 2.2.7
 * ({@code keepalived -t}) and by {@code halo check} on this host: the verdict classes (valid, runs after corrections,
 * cannot run) are compared. Halo's own "accepted but not used by Halo" warnings are left out of Halo's verdict here
 * (keepalived has no such rule; {@code halo check} itself counts them). Prints the agreement and every difference;
 * {@code -Dhalo.seed=N} changes the mutants.
 */
class KeepalivedDifferentialTest {

    static final Path SAMPLES = Path.of("/usr/share/doc/keepalived/samples");
    static final Path KEEPALIVED = Path.of("/usr/sbin/keepalived");
    static final int MUTANTS = 300;

    enum Verdict { VALID, CORRECTED, CANNOT_RUN, SECURITY, CRASH }

    record Case(String name, Path file) {}

    record Outcome(Case c, Verdict keepalived, int keepalivedStatus, String keepalivedSays, Verdict halo, String haloSays) {}

    @TempDir
    Path dir;

    @Test
    void haloAndKeepalivedAgreeOnSamplesAndMutants() throws Exception {
        assertThat(Files.isExecutable(KEEPALIVED)).as("keepalived 2.2.7 is installed (Debian package keepalived)").isTrue();
        List<Path> samples;
        try (Stream<Path> s = Files.list(SAMPLES)) {
            samples = s.filter(p -> p.getFileName().toString().startsWith("keepalived.conf.")).sorted().toList();
        }
        assertThat(samples).as("keepalived's samples in " + SAMPLES).hasSizeGreaterThan(20);
        long seed = Long.getLong("halo.seed", 20261207L);
        Random random = new Random(seed);
        List<Case> cases = new ArrayList<>();
        List<List<String>> texts = new ArrayList<>();
        for (Path sample : samples) {
            List<String> lines = Files.readAllLines(sample, StandardCharsets.ISO_8859_1);
            texts.add(lines);
            cases.add(write(sample.getFileName().toString(), lines));
        }
        for (int i = 0; i < MUTANTS; i++) {
            int which = random.nextInt(texts.size());
            List<String> lines = new ArrayList<>(texts.get(which));
            String how = mutate(lines, random);
            cases.add(write(samples.get(which).getFileName() + "~" + i + "-" + how, lines));
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Outcome> outcomes = new ArrayList<>();
        try {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (Case c : cases) {
                futures.add(pool.submit(() -> compare(c)));
            }
            for (Future<Outcome> f : futures) {
                outcomes.add(f.get(120, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        List<Outcome> differ = outcomes.stream().filter(o -> o.keepalived() != o.halo()).toList();
        Map<String, Integer> byKind = new TreeMap<>();
        for (Outcome o : differ) {
            byKind.merge(o.keepalived() + " (keepalived " + o.keepalivedStatus() + ") vs halo " + o.halo(), 1, Integer::sum);
        }
        double agreement = 100.0 * (outcomes.size() - differ.size()) / outcomes.size();
        StringBuilder report = new StringBuilder(String.format("seed %d: %d cases, verdict agreement %.1f%%%n", seed,
                outcomes.size(), agreement));
        byKind.forEach((k, n) -> report.append("  ").append(n).append(" x ").append(k).append('\n'));
        for (Outcome o : differ) {
            report.append("  ").append(o.c().name()).append(": keepalived ").append(o.keepalived()).append(", halo ")
                    .append(o.halo()).append("\n      keepalived: ").append(o.keepalivedSays())
                    .append("\n      halo: ").append(o.haloSays()).append('\n');
        }
        System.out.print(report);
        // Halo never crashes where keepalived does, and reads keepalived's own samples as keepalived does
        assertThat(outcomes).noneMatch(o -> o.halo() == Verdict.CRASH);
        assertThat(outcomes.subList(0, samples.size()).stream().filter(o -> o.keepalived() != o.halo())
                .filter(o -> o.keepalived() != Verdict.SECURITY).map(o -> o.c().name()).toList())
                .as(report.toString()).isEmpty();
        assertThat(agreement).as(report.toString()).isGreaterThanOrEqualTo(99.0);
    }

    Case write(String name, List<String> lines) throws Exception {
        Path f = dir.resolve(name.replaceAll("[^A-Za-z0-9._~-]", "_"));
        Files.write(f, lines, StandardCharsets.ISO_8859_1);
        return new Case(name, f);
    }

    static final Pattern NUMBER = Pattern.compile("(?<=\\s)\\d+(?=\\s|$)");

    /** One seeded damage; returns its name. */
    static String mutate(List<String> lines, Random random) {
        int i = random.nextInt(lines.size());
        switch (random.nextInt(5)) {
            case 0 -> {
                lines.remove(i);
                return "deleted-line-" + (i + 1);
            }
            case 1 -> {
                String[] words = lines.get(i).trim().split("\\s+");
                if (words.length < 2) {
                    lines.remove(i);
                    return "deleted-line-" + (i + 1);
                }
                int w = random.nextInt(words.length);
                List<String> kept = new ArrayList<>(List.of(words));
                kept.remove(w);
                lines.set(i, "    " + String.join(" ", kept));
                return "deleted-word-" + (i + 1);
            }
            case 2 -> {
                lines.add(i, lines.get(i));
                return "duplicated-line-" + (i + 1);
            }
            case 3 -> {
                for (int k = 0; k < lines.size(); k++) {
                    int at = (i + k) % lines.size();
                    String l = lines.get(at);
                    if (l.contains("{") || l.contains("}")) {
                        lines.set(at, l.contains("{") ? l.replaceFirst("\\{", "}") : l.replaceFirst("\\}", "{"));
                        return "turned-brace-" + (at + 1);
                    }
                }
                return "unchanged";
            }
            default -> {
                for (int k = 0; k < lines.size(); k++) {
                    int at = (i + k) % lines.size();
                    Matcher m = NUMBER.matcher(lines.get(at));
                    if (m.find()) {
                        String[] values = {"0", "-1", "256", "65536", "4294967296", "99999999999999999999"};
                        lines.set(at, m.replaceFirst(values[random.nextInt(values.length)]));
                        return "number-" + (at + 1);
                    }
                }
                return "unchanged";
            }
        }
    }

    Outcome compare(Case c) throws Exception {
        Process p = new ProcessBuilder(KEEPALIVED.toString(), "-t", "-f", c.file().toString(), "-l")
                .directory(dir.toFile()).redirectErrorStream(true).start();
        int status;
        String keepalivedSays;
        try {
            keepalivedSays = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.contains("doesn't exist") && !l.contains("Non-existent interface")).findFirst()
                    .orElse("(nothing)");
            status = p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } finally {
            p.destroyForcibly();
        }
        Verdict keepalived = switch (status) {
            case 0 -> Verdict.VALID;
            case 5 -> Verdict.CORRECTED;
            case 2, 4 -> Verdict.CANNOT_RUN;
            case 6 -> Verdict.SECURITY;
            default -> Verdict.CRASH;
        };
        Verdict halo;
        String says;
        try {
            CheckCommand check = new CheckCommand();
            LoadResult r = ConfigLoader.load(c.file(), new LoadOptions("test", false));
            List<Diagnostic> all = new ArrayList<>(r.diagnostics());
            boolean interfacesMissing = false;
            if (r.config() != null) {
                List<Diagnostic> missing = check.missingInterfaces(r.config());
                interfacesMissing = !missing.isEmpty();
                all.addAll(missing);
            }
            List<Diagnostic> keepalivedsKind = all.stream()
                    .filter(d -> !d.message().endsWith("' is accepted but not used by Halo")).toList();
            int haloStatus = new LoadResult(r.config(), keepalivedsKind).exitStatus();
            halo = switch (haloStatus) {
                case 0 -> Verdict.VALID;
                case 5 -> Verdict.CORRECTED;
                default -> Verdict.CANNOT_RUN;
            };
            if (r.config() != null && haloStatus != LoadResult.STOPPED && check.runsAsRoot.getAsBoolean()
                    && !ScriptSecurity.violations(r.config(), interfacesMissing).isEmpty()) {
                halo = Verdict.SECURITY;
            }
            says = keepalivedsKind.stream().filter(d -> d.severity() != Diagnostic.Severity.INFO).findFirst()
                    .map(Diagnostic::toString).map(s -> s.replace(dir + "/", "")).orElse("(nothing)");
            if (all.stream().anyMatch(d -> d.message().startsWith("internal error"))) {
                halo = Verdict.CRASH;
            }
        } catch (RuntimeException e) {
            halo = Verdict.CRASH;
            says = e.toString();
        }
        return new Outcome(c, keepalived, status, keepalivedSays, halo, says);
    }
}
