package halo.daemon;

import halo.os.NativeException;
import halo.os.ProcessSignals;

/**
 * Every signal keepalived handles, caught so that none ends the daemon unasked: TERM and INT stop it, HUP reloads,
 * USR1 writes keepalived.data, USR2 keepalived.stats, SIGRTMIN+2 keepalived.json, SIGRTMAX-1 keepalived.stats and
 * then zeroes the VRRP counters (keepalived 2.2.7's STATS_CLEAR: only the VRRP process acts on it), and SIGRTMAX
 * (keepalived's thread dump, when built with it) gets a log line. The numbers are keepalived's ({@code keepalived --signum=NAME}, {@link #signum}).
 */
final class DaemonSignals {

    private DaemonSignals() {}

    /** What the dump signals write: each call writes its file (or logs why it could not). */
    interface Dumps {
        void data();

        void stats();

        /** keepalived.stats, then every VRRP counter in it back to zero. */
        void statsAndClear();

        void json();
    }

    static void install(DaemonLog log, Runnable stop, Runnable reload, Dumps dumps) {
        ProcessSignals.catchNamed("TERM", (n, name) -> stop.run());
        ProcessSignals.catchNamed("INT", (n, name) -> stop.run());
        ProcessSignals.catchNamed("HUP", (n, name) -> reload.run());
        catchNamed(log, "USR1", (n, name) -> dumps.data());
        catchNamed(log, "USR2", (n, name) -> dumps.stats());
        catchRealTime(log, ProcessSignals.realTimeMin(2), "SIGRTMIN+2", (n, name) -> dumps.json());
        catchRealTime(log, ProcessSignals.realTimeMax(1), "SIGRTMAX-1", (n, name) -> dumps.statsAndClear());
        catchRealTime(log, ProcessSignals.realTimeMax(0), "SIGRTMAX", (n, name) -> log.info("Received " + name
                + " (" + dumpName(n) + "): Halo has no thread dump (jcmd PID Thread.print shows its threads)"));
    }

    /**
     * {@code keepalived --signum=NAME}: the signal keepalived's function NAME is sent with (STOP, RELOAD, DATA, STATS,
     * STATS_CLEAR, JSON), or -1 for a name keepalived does not know.
     */
    static int signum(String name) {
        return switch (name) {
            case "STOP" -> 15;
            case "RELOAD" -> 1;
            case "DATA" -> 10;
            case "STATS" -> 12;
            case "STATS_CLEAR" -> ProcessSignals.realTimeMax(1);
            case "JSON" -> ProcessSignals.realTimeMin(2);
            default -> -1;
        };
    }

    /**
     * A signal the JVM refuses is one it handles itself (so it does not end the process either): left to the JVM,
     * without a log line.
     */
    private static void catchNamed(DaemonLog log, String name, ProcessSignals.Handler handler) {
        try {
            ProcessSignals.catchNamed(name, handler);
        } catch (IllegalArgumentException e) {
            log.detail("SIG" + name + " is left to the JVM: " + e.getMessage());
        }
    }

    private static void catchRealTime(DaemonLog log, int number, String name, ProcessSignals.Handler handler) {
        try {
            if (!ProcessSignals.catchRealTime(number, name, handler)) {
                Throwable cause = ProcessSignals.realTimeUnavailabilityCause();
                log.detail("Ignoring " + name + " (" + dumpName(number) + ") without a log line: "
                        + (cause == null ? "the JVM refused it" : cause.getMessage()));
            }
        } catch (NativeException | RuntimeException e) {
            log.info("Cannot catch or ignore " + name + ": " + e.getMessage());
        }
    }

    /** What keepalived does on signal NUMBER. */
    static String dumpName(int number) {
        if (number == 10) {
            return "data dump";
        } else if (number == 12) {
            return "stats dump";
        } else if (number == ProcessSignals.realTimeMin(2)) {
            return "JSON dump";
        } else if (number == ProcessSignals.realTimeMax(1)) {
            return "stats dump and clear";
        } else if (number == ProcessSignals.realTimeMax(0)) {
            return "thread dump";
        }
        return "signal " + number;
    }
}
