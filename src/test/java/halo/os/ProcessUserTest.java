package halo.os;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProcessUserTest {

    /** The kernel's own account: "Uid: real effective saved filesystem" in /proc/self/status. */
    private static int effectiveUidFromProc() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Uid:")) {
                return Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
            }
        }
        throw new AssertionError("no Uid line in /proc/self/status");
    }

    @Test
    void theEffectiveUidIsTheKernels() throws Exception {
        int euid = effectiveUidFromProc();
        assertThat(ProcessUser.effectiveUid()).isEqualTo(euid);
        assertThat(ProcessUser.isRoot()).isEqualTo(euid == 0);
    }
}
