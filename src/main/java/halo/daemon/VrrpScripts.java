package halo.daemon;

import halo.config.GlobalDefs;
import halo.config.KeepalivedConfig;
import halo.config.ScriptCommand;
import halo.config.VrrpScript;
import halo.vrrp.HostSetup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The VRRP side's scripts: the start-up (and reload) checks of vrrp_scripts and notify scripts with keepalived's log
 * lines, then their runs off the protocol thread (a track script's end comes back to it as a task). notify_stop gets
 * a short time at shutdown.
 */
final class VrrpScripts {

    private static final Duration STOP_SCRIPT_WAIT = Duration.ofSeconds(1);
    /** A notify script that hangs is killed eventually, so it cannot pile up processes on a flapping link. */
    private static final Duration NOTIFY_TIMEOUT = Duration.ofSeconds(30);

    private final ScriptRunner runner;
    private final DaemonLog log;
    private final List<CompletableFuture<ScriptRunner.Result>> stopScripts = new ArrayList<>();
    private final Map<HostSetup.Script, Script> trackScripts = new IdentityHashMap<>();
    /** Notify command lines that passed the checks, with the user each runs as. */
    private final Map<String, Script> notifyCommands = new HashMap<>();
    private final Set<String> disabledNotify = new HashSet<>();
    private KeepalivedConfig config;

    VrrpScripts(ScriptRunner runner, DaemonLog log) {
        this.runner = runner;
        this.log = log;
    }

    /**
     * keepalived's script checks for CONFIG, which the scripts run by from now on: not found is disabled; unsafe is
     * disabled under enable_script_security. Returns the names of the vrrp_scripts disabled.
     */
    Set<String> check(KeepalivedConfig config) {
        this.config = config;
        trackScripts.clear();
        GlobalDefs g = config.global();
        boolean security = g.enableScriptSecurity();
        Set<String> disabled = new HashSet<>();
        boolean anyScript = false;
        for (VrrpScript s : config.vrrpScripts()) {
            Script script = toScript(s.script(), s.timeout());
            ScriptSecurity.Verdict v = ScriptSecurity.check(script);
            if (v == ScriptSecurity.Verdict.NOT_FOUND) {
                log.info("Cannot find script " + (script.argv().isEmpty() ? "" : script.argv().getFirst()) + " in path - disabling");
                log.info("Disabling track script " + s.name() + " since not found/accessible");
                disabled.add(s.name());
            } else if (v == ScriptSecurity.Verdict.UNSAFE && security) {
                log.info("Unsafe permissions found for script '" + script.argv().getFirst() + "' - disabling.");
                disabled.add(s.name());
            } else {
                anyScript = true;
            }
        }
        // Notify scripts get the same checks; keepalived disables the one script, not the instance.
        notifyCommands.clear();
        disabledNotify.clear();
        for (ScriptCommand c : notifyCommands(config)) {
            if (notifyCommands.containsKey(c.commandLine()) || disabledNotify.contains(c.commandLine())) {
                continue;
            }
            Script script = toScript(c, null);
            ScriptSecurity.Verdict v = ScriptSecurity.check(script);
            String file = script.argv().isEmpty() ? "" : script.argv().getFirst();
            if (v == ScriptSecurity.Verdict.NOT_FOUND) {
                log.info("Script " + file + " cannot be accessed - No such file or directory");
                disabledNotify.add(c.commandLine());
            } else if (v == ScriptSecurity.Verdict.UNSAFE && security) {
                log.info("Unsafe permissions found for script '" + file + "' - disabling.");
                disabledNotify.add(c.commandLine());
            } else {
                notifyCommands.put(c.commandLine(), script);
                anyScript = true;
            }
        }
        // the FIFO scripts count too (NotifyFifos reports those it drops)
        for (GlobalDefs.Fifo f : new GlobalDefs.Fifo[] {g.notifyFifo(), g.vrrpNotifyFifo()}) {
            if (f != null && f.script() != null
                    && ScriptSecurity.check(NotifyFifos.script(f.script(), g)) != ScriptSecurity.Verdict.NOT_FOUND) {
                anyScript = true;
            }
        }
        if (anyScript && !security) {
            log.info("SECURITY VIOLATION - scripts are being executed but script_security not enabled.");
        }
        return disabled;
    }

    /** Every notify script of every instance and sync group, as configured (with its own user, if any). */
    private static List<ScriptCommand> notifyCommands(KeepalivedConfig config) {
        List<ScriptCommand> all = new ArrayList<>();
        List<halo.config.NotifyScripts> sets = new ArrayList<>();
        config.vrrpInstances().forEach(i -> sets.add(i.notifyScripts()));
        config.syncGroups().forEach(g -> sets.add(g.notifyScripts()));
        for (halo.config.NotifyScripts n : sets) {
            if (n == null) {
                continue;
            }
            for (ScriptCommand c : new ScriptCommand[] {n.master(), n.backup(), n.fault(), n.stop(), n.anyState(), n.masterRxLowerPri()}) {
                if (c != null) {
                    all.add(c);
                }
            }
        }
        return all;
    }

    private Script toScript(ScriptCommand command, Duration timeout) {
        String user = command.user() != null ? command.user() : config.global().scriptUser();
        String group = command.user() != null ? command.group() : config.global().scriptGroup();
        return new Script(command.commandLine(), command.argv(), user, timeout, group);
    }

    /** Starts one run of a vrrp_script; its result goes to WHEN_DONE (on the script's thread). */
    void runTrackScript(HostSetup.Script script, java.util.function.Consumer<ScriptRunner.Result> whenDone) {
        Script s = trackScripts.computeIfAbsent(script, k -> toScript(k.command(), k.timeout()));
        runner.run(s, List.of()).thenAccept(whenDone);
    }

    /** Runs a notify script with EXTRA_ARGS, unless the checks disabled it; STOP: notify_stop, at shutdown. */
    void runNotifyScript(String command, List<String> extraArgs, boolean stop) {
        if (disabledNotify.contains(command)) {
            return; // not found, or unsafe under enable_script_security: reported at startup
        }
        Script configured = notifyCommands.get(command);
        String user = configured != null ? configured.user() : config.global().scriptUser();
        Script s = new Script(command, configured != null ? configured.argv() : Script.split(command), user,
                stop ? STOP_SCRIPT_WAIT : NOTIFY_TIMEOUT);
        CompletableFuture<ScriptRunner.Result> run = runner.run(s, extraArgs);
        if (stop) {
            stopScripts.add(run);
        }
    }

    /** Gives the notify_stop scripts their short time, as keepalived. */
    void waitForStopScripts() {
        long end = System.nanoTime() + STOP_SCRIPT_WAIT.toNanos() + 500_000_000L;
        for (CompletableFuture<ScriptRunner.Result> f : stopScripts) {
            try {
                f.get(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                // notify_stop gets a short time only, as in keepalived
            }
        }
    }
}
