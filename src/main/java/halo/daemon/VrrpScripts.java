package halo.daemon;

import halo.config.GlobalDefs;
import halo.config.KeepalivedConfig;
import halo.config.ScriptCommand;
import halo.config.VrrpScript;
import halo.vrrp.HostSetup;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The VRRP side's scripts: the start-up (and reload) checks of vrrp_scripts and notify scripts with keepalived's log
 * lines, then their runs off the protocol thread, as the {@link ScriptPolicy} says. notify_stop gets a short time at
 * shutdown.
 */
final class VrrpScripts {

    private final ScriptRunner runner;
    private final DaemonLog log;
    private final List<CompletableFuture<ScriptRunner.Result>> stopScripts = new ArrayList<>();
    private final Map<HostSetup.Script, Script> trackScripts = new IdentityHashMap<>();
    /** Notify command lines that passed the checks, as configured (with their own user, if any). */
    private final Map<String, ScriptCommand> notifyCommands = new HashMap<>();
    private final Set<String> disabledNotify = new HashSet<>();
    private ScriptPolicy policy;

    VrrpScripts(ScriptRunner runner, DaemonLog log) {
        this.runner = runner;
        this.log = log;
    }

    /**
     * keepalived's script checks for CONFIG, which the scripts run by from now on: not found is disabled; unsafe is
     * disabled under enable_script_security. Returns the names of the vrrp_scripts disabled.
     */
    Set<String> check(KeepalivedConfig config) {
        policy = new ScriptPolicy(config.global());
        trackScripts.clear();
        Set<String> disabled = new HashSet<>();
        boolean anyScript = false;
        for (VrrpScript s : config.vrrpScripts()) {
            if (policy.mayRun(policy.script(s.script(), s.timeout()), ScriptPolicy.Kind.TRACK, s.name(), log)) {
                anyScript = true;
            } else {
                disabled.add(s.name());
            }
        }
        // Notify scripts get the same checks; keepalived disables the one script, not the instance.
        notifyCommands.clear();
        disabledNotify.clear();
        for (ScriptCommand c : notifyCommands(config)) {
            if (notifyCommands.containsKey(c.commandLine()) || disabledNotify.contains(c.commandLine())) {
                continue;
            }
            if (policy.mayRun(policy.script(c, null), ScriptPolicy.Kind.VRRP_NOTIFY, null, log)) {
                notifyCommands.put(c.commandLine(), c);
                anyScript = true;
            } else {
                disabledNotify.add(c.commandLine());
            }
        }
        // the FIFO scripts count too (NotifyFifos reports those it drops)
        GlobalDefs g = config.global();
        for (GlobalDefs.Fifo f : new GlobalDefs.Fifo[] {g.notifyFifo(), g.vrrpNotifyFifo()}) {
            if (f != null && f.script() != null && ScriptPolicy.found(policy.script(f.script(), null))) {
                anyScript = true;
            }
        }
        policy.warnWhenInsecure(anyScript, log);
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

    /** Starts one run of a vrrp_script; its result goes to WHEN_DONE (on the script's thread). */
    void runTrackScript(HostSetup.Script script, Consumer<ScriptRunner.Result> whenDone) {
        Script s = trackScripts.computeIfAbsent(script, k -> policy.script(k.command(), k.timeout()));
        runner.run(s, List.of()).thenAccept(whenDone);
    }

    /** Runs a notify script with EXTRA_ARGS, unless the checks disabled it; STOP: notify_stop, at shutdown. */
    void runNotifyScript(String command, List<String> extraArgs, boolean stop) {
        if (disabledNotify.contains(command)) {
            return; // not found, or unsafe under enable_script_security: reported at startup
        }
        ScriptCommand configured = notifyCommands.get(command);
        Script s = policy.notifyScript(configured != null ? configured : ScriptCommand.of(command), stop);
        CompletableFuture<ScriptRunner.Result> run = runner.run(s, extraArgs);
        if (stop) {
            stopScripts.add(run);
        }
    }

    /** Gives the notify_stop scripts their short time, as keepalived. */
    void waitForStopScripts() {
        ScriptPolicy.waitForStopScripts(stopScripts);
    }
}
