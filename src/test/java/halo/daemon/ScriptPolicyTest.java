package halo.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import halo.config.ConfigLoader;
import halo.config.KeepalivedConfig;
import halo.config.LoadOptions;
import halo.config.ScriptCommand;
import halo.os.ProcessUser;
import halo.testing.Root;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One script policy for every kind of script: who it runs as, and the group keepalived applies to each. */
class ScriptPolicyTest {

    @TempDir
    Path dir;

    private final List<String> logged = new ArrayList<>();
    private final DaemonLog log = new DaemonLog(Clock.systemUTC(), null, logged::add, false);

    private KeepalivedConfig config(String global, String notify) throws IOException {
        Path p = dir.resolve("keepalived.conf");
        Files.writeString(p, """
                global_defs {
                    %s
                }
                vrrp_instance VI_1 {
                    interface eth0
                    virtual_router_id 51
                    priority 100
                    %s
                    virtual_ipaddress {
                        192.0.2.100/24
                    }
                }
                """.formatted(global, notify));
        return ConfigLoader.load(p, new LoadOptions("test", false)).config();
    }

    @Test
    void aScriptRunsAsItsOwnUserAndGroupElseAsScriptUserAndItsGroup() throws IOException {
        ScriptPolicy policy = new ScriptPolicy(config("script_user nobody daemon", "").global());
        Script global = policy.script(ScriptCommand.of("/bin/true"), null);
        assertThat(global.user()).isEqualTo("nobody");
        assertThat(global.group()).isEqualTo("daemon");
        Script own = policy.script(new ScriptCommand("/bin/true", "bin", null), null);
        assertThat(own.user()).isEqualTo("bin");
        assertThat(own.group()).as("its own user's primary group, not script_user's group").isNull();
        assertThat(policy.notifyScript(ScriptCommand.of("/bin/true"), false).timeout()).isEqualTo(ScriptPolicy.NOTIFY_TIMEOUT);
        assertThat(policy.notifyScript(ScriptCommand.of("/bin/true"), true).timeout()).isEqualTo(ScriptPolicy.STOP_SCRIPT_WAIT);
    }

    @Test
    void aMissingScriptIsDisabledInTheWordsOfItsKind() throws IOException {
        ScriptPolicy policy = new ScriptPolicy(config("", "").global());
        Script missing = policy.script(ScriptCommand.of("/nonexistent/halo-notify"), null);
        assertThat(policy.mayRun(missing, ScriptPolicy.Kind.VRRP_NOTIFY, null, log)).isFalse();
        assertThat(policy.mayRun(missing, ScriptPolicy.Kind.TRACK, "chk", log)).isFalse();
        assertThat(logged).containsExactly(
                "Script /nonexistent/halo-notify cannot be accessed - No such file or directory",
                "Cannot find script /nonexistent/halo-notify in path - disabling",
                "Disabling track script chk since not found/accessible");
    }

    /**
     * keepalived applies {@code script_user USER GROUP} to VRRP notify scripts as to the checkers' ones: nobody's
     * primary group is nogroup, the script must run with the group daemon.
     */
    @Test
    @Tag("root")
    void aVrrpNotifyScriptRunsWithTheConfiguredGroup() throws Exception {
        assumeThat(Root.isRoot()).as("needs root to run a script as nobody").isTrue();
        Integer daemonGid = ProcessUser.groupId("daemon");
        int[] nobody = ProcessUser.userIds("nobody");
        assumeThat(daemonGid).isNotNull();
        assumeThat(nobody).isNotNull();
        assumeThat(nobody[1]).as("nobody's primary group is not daemon").isNotEqualTo(daemonGid);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path out = Files.createDirectory(dir.resolve("out"));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path script = dir.resolve("notify.sh");
        Files.writeString(script, "#!/bin/sh\n{ id -un; id -g; } > " + out + "/who.tmp && mv " + out + "/who.tmp " + out + "/who\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));

        VrrpScripts scripts = new VrrpScripts(new ScriptRunner(), log);
        scripts.check(config("script_user nobody daemon", "notify_master " + script));
        scripts.runNotifyScript(script.toString(), List.of("INSTANCE", "VI_1", "MASTER", "100"), false);

        Path who = out.resolve("who");
        long end = System.nanoTime() + 10_000_000_000L;
        while (!Files.exists(who) && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(who).as("the notify script ran; log: %s", logged).exists();
        assertThat(Files.readString(who)).isEqualTo("nobody\n" + daemonGid + "\n");
    }
}
