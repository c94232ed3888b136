package halo.observe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * For tests: the text exposition format's rules (0.0.4), checked line by line, and {@code promtool check metrics}
 * (Debian's prometheus package), which also holds the names to Prometheus's conventions.
 */
public final class ExpositionFormat {

    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") (.*)");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(\\{(.*)\\})? (\\S+)( -?\\d+)?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"");
    private static final Pattern VALUE = Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?|NaN|[-+]Inf");

    private ExpositionFormat() {}

    /** Every way TEXT breaks the format's rules (empty when it keeps them). */
    public static List<String> violations(String text) {
        List<String> problems = new ArrayList<>();
        if (!text.isEmpty() && !text.endsWith("\n")) problems.add("the text does not end with a newline");
        Map<String, String> types = new HashMap<>();
        Set<String> helped = new HashSet<>();
        Set<String> seenSamples = new HashSet<>();
        String current = null;
        Set<String> finished = new HashSet<>();
        int n = 0;
        for (String line : text.split("\n", -1)) {
            n++;
            if (line.isEmpty()) continue;
            Matcher m;
            if ((m = HELP.matcher(line)).matches()) {
                if (!helped.add(m.group(1))) problems.add(n + ": second HELP for " + m.group(1));
                if (m.group(2).matches(".*(?<!\\\\)\\\\(?![\\\\n]).*")) problems.add(n + ": bad escape in HELP");
                continue;
            }
            if ((m = TYPE.matcher(line)).matches()) {
                String typed = m.group(1);
                if (types.put(typed, m.group(2)) != null) problems.add(n + ": second TYPE for " + typed);
                if (seenSamples.stream().anyMatch(s -> familyOf(s.substring(0, s.indexOf('{')), types).equals(typed))) {
                    problems.add(n + ": TYPE after samples of " + typed);
                }
                if (current != null) finished.add(current);
                current = m.group(1);
                continue;
            }
            if (line.startsWith("#")) {
                problems.add(n + ": a comment that is neither HELP nor TYPE: " + line);
                continue;
            }
            if (!(m = SAMPLE.matcher(line)).matches()) {
                problems.add(n + ": not a sample: " + line);
                continue;
            }
            String family = familyOf(m.group(1), types);
            if (finished.contains(family)) problems.add(n + ": samples of " + family + " not together");
            if (!family.equals(current)) {
                if (current != null) finished.add(current);
                current = family;
            }
            if (!VALUE.matcher(m.group(4)).matches()) problems.add(n + ": bad value " + m.group(4));
            String labels = m.group(3) == null ? "" : m.group(3);
            Set<String> names = new HashSet<>();
            int at = 0;
            Matcher l = LABEL.matcher(labels);
            while (at < labels.length()) {
                if (!l.find(at) || l.start() != at) {
                    problems.add(n + ": bad labels {" + labels + "}");
                    break;
                }
                if (!names.add(l.group(1))) problems.add(n + ": label " + l.group(1) + " twice");
                if (l.group(1).startsWith("__")) problems.add(n + ": reserved label name " + l.group(1));
                at = l.end();
                if (at < labels.length()) {
                    if (labels.charAt(at) != ',') {
                        problems.add(n + ": bad labels {" + labels + "}");
                        break;
                    }
                    at++;
                }
            }
            String key = m.group(1) + "{" + new java.util.TreeSet<>(List.of(labels.split(","))) + "}";
            if (!seenSamples.add(key)) problems.add(n + ": the same sample twice: " + line);
        }
        return problems;
    }

    /** A summary's _sum and _count belong to its family. */
    private static String familyOf(String sample, Map<String, String> types) {
        for (String suffix : List.of("_sum", "_count", "_bucket")) {
            if (sample.endsWith(suffix)) {
                String base = sample.substring(0, sample.length() - suffix.length());
                String t = types.get(base);
                if ("summary".equals(t) || "histogram".equals(t)) return base;
            }
        }
        return sample;
    }

    /** promtool's verdict on TEXT: its exit status and what it printed (the problems, when there are any). */
    public record Verdict(int exit, String output) {}

    public static Verdict promtool(String text) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("promtool did not finish");
        }
        return new Verdict(p.exitValue(), out);
    }
}
