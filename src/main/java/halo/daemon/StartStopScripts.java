package halo.daemon;

import halo.config.GlobalDefs;
import halo.config.KeepalivedConfig;
import halo.config.ScriptCommand;
import java.time.Duration;
import java.util.List;

/**
 * global_defs' startup_script and shutdown_script, as keepalived's parent process runs them (core/main.c): the
 * startup script before anything starts, which waits for it (up to startup_script_timeout, then it is killed and the
 * start goes on); the shutdown script after everything has stopped, which the exit waits for the same way. A script
 * that is not found, or unsafe with enable_script_security, is not run (check_start_stop_script_secure).
 */
final class StartStopScripts {
    private StartStopScripts() {}

    /** Runs the startup script, if any, to its end or its timeout. */
    static void startup(KeepalivedConfig config, ScriptRunner runner, DaemonLog log, boolean logDetail) {
        GlobalDefs.StartStopScripts s = config.global().startStopScripts();
        // keepalived's parent judges both before it runs either (main.c)
        ScriptPolicy policy = new ScriptPolicy(config.global());
        boolean found = false;
        for (ScriptCommand c : new ScriptCommand[] {s.startup(), s.shutdown()}) {
            if (c != null && ScriptPolicy.found(policy.script(c, null))) found = true;
        }
        if (found && !config.global().enableScriptSecurity()) {
            log.info("SECURITY VIOLATION - start/shutdown scripts are being executed but script_security not enabled.");
        }
        run(config, s.startup(), s.startupTimeout(), "startup", runner, log, logDetail);
    }

    /** Runs the shutdown script, if any, to its end or its timeout. */
    static void shutdown(KeepalivedConfig config, ScriptRunner runner, DaemonLog log, boolean logDetail) {
        GlobalDefs.StartStopScripts s = config.global().startStopScripts();
        run(config, s.shutdown(), s.shutdownTimeout(), "shutdown", runner, log, logDetail);
    }

    private static void run(KeepalivedConfig config, ScriptCommand command, Duration timeout, String type,
                            ScriptRunner runner, DaemonLog log, boolean logDetail) {
        if (command == null) return;
        ScriptPolicy policy = new ScriptPolicy(config.global());
        Script script = policy.script(command, timeout);
        if (!policy.mayRun(script, ScriptPolicy.Kind.FIFO, null, log)) return;
        String file = script.argv().isEmpty() ? "" : script.argv().getFirst();
        if (logDetail) log.info("Running " + type + " script " + file);
        ScriptRunner.Result r = runner.runNow(script, List.of());
        // keepalived's words, "script" twice included (startup_shutdown_script_completed)
        if (r.timedOut()) {
            log.info(type + " script timed out");
        } else if (r.error() != null) {
            log.info("Call of " + type + " script " + file + " failed");
        } else if (r.exitCode() != 0) {
            log.info(type + " script script failed, status " + r.exitCode());
        } else if (logDetail) {
            log.info(type + " script script succeeded");
        }
    }
}
