package halo.daemon;

import halo.os.NativeException;
import halo.os.ProcessSignals;

/**
 * Every signal keepalived handles, caught so that none ends the daemon unasked: TERM and INT stop it, HUP reloads,
 * and the dump signals (USR1 data, USR2 stats, SIGRTMAX-1 stats and clear, SIGRTMIN+2 JSON, SIGRTMAX thread dump)
 * get a log line until Halo has dumps. The numbers are keepalived's ({@code keepalived --signum=NAME}).
 */
final class DaemonSignals {

    private DaemonSignals() {}

    static void install(DaemonLog log, Runnable stop, Runnable reload) {
        ProcessSignals.catchNamed("TERM", (n, name) -> stop.run());
        ProcessSignals.catchNamed("INT", (n, name) -> stop.run());
        ProcessSignals.catchNamed("HUP", (n, name) -> reload.run());
        ProcessSignals.Handler dump = (n, name) -> log.info("Received " + name + " (" + dumpName(n) + "): "
                + "dumps are not available in Halo yet");
        catchNamed(log, "USR1", dump);
        catchNamed(log, "USR2", dump);
        catchRealTime(log, ProcessSignals.realTimeMin(2), "SIGRTMIN+2", dump);
        catchRealTime(log, ProcessSignals.realTimeMax(1), "SIGRTMAX-1", dump);
        catchRealTime(log, ProcessSignals.realTimeMax(0), "SIGRTMAX", dump);
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
