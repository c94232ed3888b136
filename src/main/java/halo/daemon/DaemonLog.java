package halo.daemon;

import java.io.PrintStream;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.function.Consumer;

/**
 * The daemon's log, worded and stamped as keepalived's: with {@code -l} every line goes to the console as
 * {@code Mon Nov 23 16:27:21 2026: (VI_1) Entering MASTER STATE}; otherwise to syslog (or, when there is no syslog
 * socket, to the console anyway so nothing is lost).
 */
public final class DaemonLog {

    private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

    private final Clock clock;
    private final PrintStream console;
    private final Consumer<String> syslog;
    private final boolean detail;
    private final boolean json;

    /** As below, in keepalived's text format. */
    public DaemonLog(Clock clock, PrintStream console, Consumer<String> syslog, boolean detail) {
        this(clock, console, syslog, detail, false);
    }

    /**
     * @param console where console lines go, or {@code null} when not logging to the console
     * @param syslog  where syslog lines go (without the stamp: syslog adds its own), or {@code null}
     * @param detail  keepalived's {@code -D}: log detailed messages too
     * @param json    {@code --log-format json}: each line one JSON object (time, level, instance, event, fields)
     */
    public DaemonLog(Clock clock, PrintStream console, Consumer<String> syslog, boolean detail, boolean json) {
        this.clock = clock;
        this.console = console;
        this.syslog = syslog;
        this.detail = detail;
        this.json = json;
    }

    public void info(String message) {
        write("info", message);
    }

    /** A message keepalived prints only with {@code -D}. */
    public void detail(String message) {
        if (detail) {
            write("debug", message);
        }
    }

    private void write(String level, String message) {
        if (json) {
            String line = jsonLine(clock.instant(), level, message);
            if (console != null) {
                synchronized (console) {
                    console.println(line);
                }
            }
            if (syslog != null) {
                syslog.accept(line);
            }
            return;
        }
        if (console != null) {
            String line = stamp(ZonedDateTime.now(clock)) + ": " + message;
            synchronized (console) {
                console.println(line);
            }
        }
        if (syslog != null) {
            syslog.accept(message);
        }
    }

    private static final java.util.regex.Pattern INSTANCE = java.util.regex.Pattern.compile("^\\(([^)\\s]+)\\) (.*)$");
    private static final java.util.regex.Pattern ENTERING = java.util.regex.Pattern.compile("^Entering (\\w+) STATE");

    /**
     * One JSON object: {@code time} (UTC, ms), {@code level} (info, or debug for -D's lines), {@code instance} (the
     * "(VI_1) " keepalived puts first, else null), {@code event} (keepalived's words, after the instance) and
     * {@code fields} (what the words say that a collector would filter on: the state an instance enters).
     */
    static String jsonLine(java.time.Instant time, String level, String message) {
        java.util.regex.Matcher m = INSTANCE.matcher(message);
        String instance = m.matches() ? m.group(1) : null;
        String event = m.matches() ? m.group(2) : message;
        StringBuilder j = new StringBuilder(96 + message.length());
        j.append("{\"time\":\"").append(java.time.Instant.ofEpochMilli(time.toEpochMilli())).append("\",\"level\":\"")
                .append(level).append("\",\"instance\":");
        if (instance == null) {
            j.append("null");
        } else {
            StatusView.quote(j, instance);
        }
        j.append(",\"event\":");
        StatusView.quote(j, event).append(",\"fields\":{");
        java.util.regex.Matcher entering = ENTERING.matcher(event);
        if (instance != null && entering.find()) {
            j.append("\"state\":");
            StatusView.quote(j, entering.group(1));
        }
        return j.append("}}").toString();
    }

    /**
     * keepalived's asctime-style stamp, {@code Mon Nov  3 16:27:21 2026} (day of month space-padded), written out
     * by hand: java.time.format would load some 45 classes into a daemon that only ever needs this one pattern.
     */
    static String stamp(ZonedDateTime t) {
        StringBuilder b = new StringBuilder(24);
        b.append(DAYS[t.getDayOfWeek().ordinal()]).append(' ').append(MONTHS[t.getMonthValue() - 1]).append(' ');
        int day = t.getDayOfMonth();
        b.append(day < 10 ? " " : "").append(day).append(' ');
        twoDigits(b, t.getHour()).append(':');
        twoDigits(b, t.getMinute()).append(':');
        twoDigits(b, t.getSecond()).append(' ');
        return b.append(t.getYear()).toString();
    }

    private static StringBuilder twoDigits(StringBuilder b, int value) {
        return b.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }
}
