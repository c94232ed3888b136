package halo.daemon;

import java.io.PrintStream;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The daemon's log, worded and stamped as keepalived's: with {@code -l} every line goes to the console as
 * {@code Mon Nov 23 16:27:21 2026: (VI_1) Entering MASTER STATE}; otherwise to syslog (or, when there is no syslog
 * socket, to the console anyway so nothing is lost).
 */
public final class DaemonLog {

    /** keepalived prints asctime-style stamps: day of month space-padded. */
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ENGLISH);

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
            String line = STAMP.format(ZonedDateTime.now(clock)) + ": " + message;
            synchronized (console) {
                console.println(line);
            }
        }
        if (syslog != null) {
            syslog.accept(message);
        }
    }
}
