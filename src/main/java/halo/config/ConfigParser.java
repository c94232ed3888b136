package halo.config;

import halo.config.source.Diagnostic;
import halo.config.source.Diagnostic.Severity;
import halo.config.source.Statement;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Walks the statement tree the way keepalived's parser walks its token stream: one keyword table per block, handlers
 * fill mutable builders, and the builders are completed (defaults, corrections) into the immutable model.
 *
 * <p>keepalived quirk kept on purpose: an unknown keyword followed by a block gets "Unexpected '{' - ignoring"; the
 * block's lines are then read at the current level and its closing brace closes the enclosing block.
 */
final class ConfigParser {

    final LoadOptions options;
    final List<Diagnostic> diagnostics;
    /** Whether the model may be completed on more than one thread ({@link CheckParser#complete}). */
    boolean parallel = true;

    ConfigParser(LoadOptions options, List<Diagnostic> diagnostics) {
        this.options = options;
        this.diagnostics = diagnostics;
    }

    // ---------------------------------------------------------------- diagnostics and argument helpers

    void warn(Statement s, String token, String message) {
        diagnostics.add(new Diagnostic(Severity.WARNING, s == null ? null : s.location(), token, message));
    }

    void info(Statement s, String token, String message) {
        diagnostics.add(new Diagnostic(Severity.INFO, s == null ? null : s.location(), token, message));
    }

    void unknown(Statement s) {
        diagnostics.add(new Diagnostic(options.strict() ? Severity.FATAL : Severity.WARNING, s.location(), s.keyword(),
                "Unknown keyword '" + s.keyword() + "'"));
    }

    /** A keyword keepalived knows that Halo reads but does not act on ({@link KeywordHandler.Unused}). */
    void notUsed(Statement s) {
        diagnostics.add(new Diagnostic(options.strict() ? Severity.FATAL : Severity.WARNING, s.location(), s.keyword(),
                "'" + s.keyword() + "' is accepted but not used by Halo"
                        + (options.strict() ? " (--strict refuses it)" : "")));
    }

    String arg(Statement s, int i) {
        if (s.words().size() <= i) {
            String lenient = i == 1 && current != null
                    ? CHECKED_FIRST.get(current.getClass().getSimpleName() + "/" + s.keyword()) : null;
            if (lenient == null) {
                missingParameter(s, i);
            } else if (!lenient.isEmpty()) {
                warn(s, s.keyword(), lenient);
            }
            return null;
        }
        return s.words().get(i);
    }

    /** The block whose keyword is being handled (for {@link #arg}'s keepalived messages). */
    private ParseContext current;

    /**
     * Keywords whose keepalived 2.2.7 handler checks that its parameter is there before reading it (builder class /
     * keyword -> keepalived's message, empty where keepalived reports it later): they do not stop keepalived.
     * Measured with keepalived -t on each keyword alone in its block; every other keyword missing its first
     * parameter stops keepalived (exit 2).
     */
    private static final Map<String, String> CHECKED_FIRST = Map.ofEntries(
            Map.entry("GlobalDefsBuilder/router_id", "routerid name missing - ignoring"),
            Map.entry("GlobalDefsBuilder/notification_email_from", "emailfrom missing - ignoring"),
            Map.entry("GlobalDefsBuilder/notify_fifo", "No notify_fifo name specified"),
            Map.entry("GlobalDefsBuilder/notify_fifo_script", "No notify_fifo_script specified"),
            Map.entry("GlobalDefsBuilder/vrrp_notify_fifo", "No vrrp_notify_fifo name specified"),
            Map.entry("GlobalDefsBuilder/vrrp_notify_fifo_script", "No vrrp_notify_fifo_script specified"),
            Map.entry("GlobalDefsBuilder/lvs_notify_fifo", "No lvs_notify_fifo name specified"),
            Map.entry("GlobalDefsBuilder/lvs_notify_fifo_script", "No lvs_notify_fifo_script specified"),
            Map.entry("GlobalDefsBuilder/script_user", "No script username specified"),
            Map.entry("GlobalDefsBuilder/smtp_helo_name", ""),
            Map.entry("VrrpInstanceBuilder/notify_deleted", ""),
            Map.entry("VrrpScriptBuilder/script", ""),
            Map.entry("TrackProcessBuilder/param_match", ""),
            Map.entry("TrackProcessBuilder/weight", "No weight specified for track process - ignoring"),
            Map.entry("SslSettingsBuilder/password", "SSL password missing"),
            Map.entry("SslSettingsBuilder/ca", "SSL cafile missing"),
            Map.entry("SslSettingsBuilder/certificate", "SSL certfile missing"),
            Map.entry("SslSettingsBuilder/key", "SSL keyfile missing"),
            Map.entry("VirtualServerBuilder/virtualhost", "virtual server virtualhost missing"),
            Map.entry("RealServerBuilder/virtualhost", "real server virtualhost missing"),
            Map.entry("CheckerBuilder/misc_path", ""),
            Map.entry("CheckerBuilder/user", "No user specified for misc checker script"),
            Map.entry("CheckerBuilder/helo_name", "SMTP_CHECK helo name missing"),
            Map.entry("CheckerBuilder/payload", "UDP_CHECK payload requires a payload"),
            Map.entry("CheckerBuilder/weight", "track file weight missing"),
            Map.entry("CheckerBuilder/name", "BFD_CHECK - No or too many names specified - skipping checker"),
            Map.entry("TrackFileBuilder/file", "track file file name missing"),
            Map.entry("TrackFileBuilder/weight", "No weight specified for track file - ignoring"));

    /**
     * Keywords Halo keeps verbatim (or does not use) whose keepalived 2.2.7 handler reads a first parameter without
     * checking: alone, they stop keepalived (exit 2). Measured as {@link #CHECKED_FIRST}.
     */
    private static final java.util.Set<String> READS_FIRST = java.util.Set.of(
            "KeepalivedConfigBuilder/child_wait_time", "GlobalDefsBuilder/process_name",
            "GlobalDefsBuilder/vrrp_process_name", "GlobalDefsBuilder/checker_process_name",
            "GlobalDefsBuilder/lvs_process_name", "GlobalDefsBuilder/bfd_process_name",
            "GlobalDefsBuilder/vrrp_down_timer_adverts", "GlobalDefsBuilder/nftables_priority",
            "GlobalDefsBuilder/nftables_ipvs_priority", "GlobalDefsBuilder/nftables_ipvs_start_fwmark",
            "GlobalDefsBuilder/vrrp_rlimit_rttime", "GlobalDefsBuilder/vrrp_rlimit_rtime",
            "GlobalDefsBuilder/checker_rlimit_rttime", "GlobalDefsBuilder/checker_rlimit_rtime",
            "GlobalDefsBuilder/bfd_rlimit_rttime", "GlobalDefsBuilder/bfd_rlimit_rtime",
            "GlobalDefsBuilder/vmac_prefix", "GlobalDefsBuilder/vmac_addr_prefix", "GlobalDefsBuilder/umask",
            "GlobalDefsBuilder/random_seed", "GlobalDefsBuilder/config_save_dir", "VrrpInstanceBuilder/vrf",
            "VrrpInstanceBuilder/unicast_ttl", "VrrpInstanceBuilder/debug",
            "VrrpInstanceBuilder/lvs_sync_daemon_interface", "VirtualServerBuilder/ip_family",
            "VirtualServerBuilder/persistence_engine", "VirtualServerBuilder/weight");

    /**
     * keepalived 2.2.7's lib/parser.c null_strvec: a handler asked for a word the line does not have; keepalived says
     * so and exits at once (exit 2, even with -t), so the configuration cannot run.
     */
    void missingParameter(Statement s, int i) {
        List<String> w = s.words();
        String message = i > 0 && i - 1 < w.size()
                ? "*** Configuration line starting `" + w.getFirst() + "` is missing a parameter after keyword `"
                        + w.get(i - 1) + "` at word position " + (i + 1)
                : "*** Configuration line starting `" + w.getFirst() + "` is missing a parameter at word position "
                        + (i + 1);
        diagnostics.add(new Diagnostic(Severity.STOP, s.location(), s.keyword(), message));
    }

    static String opt(Statement s, int i) {
        return s.words().size() > i ? s.words().get(i) : null;
    }

    /** keepalived's read_int/read_unsigned: "number 'x' outside range [a, b]", "invalid number 'x'". */
    Long number(Statement s, String text, long min, long max) {
        if (text == null) {
            return null;
        }
        long v;
        try {
            v = Long.parseLong(text.startsWith("+") ? text.substring(1) : text);
        } catch (NumberFormatException e) {
            warn(s, text, "invalid number '" + text + "'");
            return null;
        }
        if (v < 0 && min >= 0) {
            warn(s, text, "negative number '" + text + "'");
            return null;
        }
        if (v < min || v > max) {
            warn(s, text, "number '" + text + "' outside range [" + min + ", " + max + "]");
            return null;
        }
        return v;
    }

    Integer integer(Statement s, int i, long min, long max) {
        Long v = number(s, arg(s, i), min, max);
        return v == null ? null : (int) (long) v;
    }

    /** A keepalived TIMER / decimal seconds value, microsecond resolution. */
    Duration seconds(Statement s, String text, double maxSeconds) {
        if (text == null) {
            return null;
        }
        int n = text.length();
        if (n > 0 && n <= 9) {
            // whole seconds (nearly every timer): what the double arithmetic below gives, without parsing a double
            long whole = 0;
            for (int i = 0; i < n && whole >= 0; i++) {
                char c = text.charAt(i);
                whole = c >= '0' && c <= '9' ? whole * 10 + (c - '0') : -1;
            }
            if (whole >= 0 && whole <= maxSeconds) {
                return Duration.ofSeconds(whole);
            }
        }
        double d;
        try {
            d = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            warn(s, text, "invalid number '" + text + "'");
            return null;
        }
        if (d < 0) {
            warn(s, text, "negative number '" + text + "'");
            return null;
        }
        if (Double.isNaN(d) || d > maxSeconds) {
            warn(s, text, "number '" + text + "' outside range [0, " + fmtNum(maxSeconds) + "]");
            return null;
        }
        return Duration.ofNanos(Math.round(d * 1_000_000) * 1000L);
    }

    /**
     * Whole seconds, as keepalived 2.2.7 reads several timers (garp delays, script interval, misc_timeout...):
     * "invalid number 'x'" or "number 'x' outside range [..]", then the keyword's own message; null when invalid.
     */
    Duration wholeSeconds(Statement s, long min, long max, String invalidMessage) {
        String v = arg(s, 1);
        if (v == null) {
            return null;
        }
        Long n = number(s, v, min, max);
        if (n == null) {
            warn(s, v, invalidMessage.replace("%s", v));
            return null;
        }
        return Duration.ofSeconds(n);
    }

    /** A global timer keepalived wants strictly positive: "number '0' outside range [...]" and "'0' is invalid". */
    Duration positiveTimer(Statement s, String min, double minValue) {
        String v = arg(s, 1);
        if (v == null) {
            return null;
        }
        Duration d = seconds(s, v, 4294.967295);
        if (d != null && d.toNanos() < Math.round(minValue * 1e9)) {
            warn(s, v, "number '" + v + "' outside range [" + min + ", 4294.967295]");
            d = null;
        }
        if (d == null) {
            warn(s, v, s.keyword() + " '" + v + "' is invalid");
        }
        return d;
    }

    Duration seconds(Statement s, int i) {
        return seconds(s, arg(s, i), 2_147_483d);
    }

    static String fmtNum(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /** keepalived's check_true_false: no argument means true. */
    boolean bool(Statement s, int i) {
        String v = opt(s, i);
        if (v == null) {
            return true;
        }
        switch (v.toLowerCase()) {
            case "on", "true", "yes" -> {
                return true;
            }
            case "off", "false", "no" -> {
                return false;
            }
            default -> {
                warn(s, v, "invalid boolean '" + v + "' for " + s.keyword() + " - expected on|off|true|false|yes|no; using true");
                return true;
            }
        }
    }

    InetAddress address(Statement s, String text, String what) {
        if (text == null) {
            return null;
        }
        InetAddress a = Addresses.parse(text);
        if (a == null) {
            warn(s, text, "invalid " + what + " '" + text + "' - expected an IPv4 or IPv6 address");
        }
        return a;
    }

    InetAddress address(Statement s, int i, String what) {
        return address(s, arg(s, i), what);
    }

    /** An address keepalived reads with inet_stosockaddr: cut at '-' or '/' ({@link Addresses#parseCut}). */
    InetAddress cutAddress(Statement s, int i, String what) {
        String text = arg(s, i);
        if (text == null) {
            return null;
        }
        InetAddress a = Addresses.parseCut(text);
        if (a == null) {
            warn(s, text, "invalid " + what + " '" + text + "' - expected an IPv4 or IPv6 address");
        }
        return a;
    }

    /** A script keyword: {@code keyword "cmd args" [user [group]]}. */
    ScriptCommand script(Statement s, int i) {
        String cmd = arg(s, i);
        if (cmd == null) {
            return null;
        }
        return new ScriptCommand(cmd, opt(s, i + 1), opt(s, i + 2));
    }

    String duplicateName(Statement s, String what) {
        if (s.words().size() < 2) {
            warn(s, s.keyword(), what + " must have a name - skipping");
            return null;
        }
        return s.words().get(1);
    }

    // ---------------------------------------------------------------- the walk

    /** The top level's builder: made with the parser, so before {@code options} and {@code diagnostics} are set. */
    final KeepalivedConfigBuilder topLevel = new KeepalivedConfigBuilder(this);

    KeepalivedConfig parse(List<Statement> statements) {
        walk(statements);
        return topLevel.build();
    }

    /**
     * Walks one top-level statement. Walking a file's statements one by one, then {@link #finish()}, is
     * {@link #parse}: between top-level statements only the top-level context is open (every context a block opens is
     * closed by the end of that block or of an enclosing one).
     */
    void walkTopLevel(Statement statement) {
        walk(List.of(statement));
    }

    /** Completes the model from everything walked (defaults, corrections, cross-references). */
    KeepalivedConfig finish() {
        return topLevel.build();
    }

    private record Frame(Iterator<Statement> it, Statement owner) {}

    private void walk(List<Statement> statements) {
        Deque<Frame> frames = new ArrayDeque<>();
        Deque<ParseContext> contexts = new ArrayDeque<>();
        // each context's keyword table, asked once when the context opens rather than once per statement
        Deque<Map<String, KeywordHandler>> tables = new ArrayDeque<>();
        frames.push(new Frame(statements.iterator(), null));
        contexts.push(topLevel);
        tables.push(topLevel.keywords());
        while (!frames.isEmpty()) {
            Frame frame = frames.peek();
            if (!frame.it.hasNext()) {
                frames.pop();
                if (frame.owner == null) {
                    break; // end of file
                }
                // the closing brace closes whatever block is innermost now (keepalived's behaviour for ignored '{')
                if (contexts.size() > 1) {
                    tables.pop();
                    contexts.pop().end();
                } else {
                    warn(frame.owner, "}", "Unknown keyword '}' (the '{' opened at this line was ignored, so its '}' is extra)");
                }
                continue;
            }
            Statement s = frame.it.next();
            ParseContext context = contexts.peek();
            current = context;
            KeywordHandler handler = tables.peek().get(s.keyword());
            if (handler instanceof KeywordHandler.Unused unused) {
                notUsed(s);
                handler = unused.inner();
            }
            // instanceof rather than a pattern switch: its bootstrap spins a class at run time, outside the AOT cache
            if (handler instanceof KeywordHandler.Line line) {
                if (s.words().size() == 1 && READS_FIRST.contains(context.getClass().getSimpleName() + "/" + s.keyword())) {
                    missingParameter(s, 1);
                    continue;
                }
                line.handler().accept(context, s);
                if (s.hasBlock()) {
                    ignoreBrace(s, frames);
                }
            } else if (handler instanceof KeywordHandler.Block block) {
                if (!s.hasBlock()) {
                    warn(s, s.keyword(), "'" + s.keyword() + "' expects a block '{ ... }' - ignoring");
                    continue;
                }
                ParseContext child = block.opener().apply(context, s);
                if (child != null) {
                    contexts.push(child);
                    tables.push(child.keywords());
                    frames.push(new Frame(s.block().iterator(), s));
                }
            } else if (handler instanceof KeywordHandler.ValueBlock values) {
                if (!s.hasBlock()) {
                    warn(s, s.keyword(), "'" + s.keyword() + "' expects a block '{ ... }' - ignoring");
                } else {
                    values.handler().accept(context, s);
                }
            } else {
                unknown(s);
                if (s.hasBlock()) {
                    ignoreBrace(s, frames);
                }
            }
        }
        while (contexts.size() > 1) {
            tables.pop();
            contexts.pop().end();
        }
    }

    private void ignoreBrace(Statement s, Deque<Frame> frames) {
        warn(s, "{", "Unexpected '{' - ignoring");
        frames.push(new Frame(s.block().iterator(), s));
    }
}
