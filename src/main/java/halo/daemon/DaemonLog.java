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

    /**
     * @param console where console lines go, or {@code null} when not logging to the console
     * @param syslog  where syslog lines go (without the stamp: syslog adds its own), or {@code null}
     * @param detail  keepalived's {@code -D}: log detailed messages too
     */
    public DaemonLog(Clock clock, PrintStream console, Consumer<String> syslog, boolean detail) {
        this.clock = clock;
        this.console = console;
        this.syslog = syslog;
        this.detail = detail;
    }

    public void info(String message) {
        write(message);
    }

    /** A message keepalived prints only with {@code -D}. */
    public void detail(String message) {
        if (detail) {
            write(message);
        }
    }

    private void write(String message) {
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
