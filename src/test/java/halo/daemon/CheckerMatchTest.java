package halo.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import halo.config.ConfigLoader;
import halo.config.KeepalivedConfig;
import halo.config.LoadOptions;
import halo.lvs.CheckerId;
import halo.lvs.VirtualServerTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A reload's pairing of new checkers with running ones: as the virtual-server table carries verdicts over. */
class CheckerMatchTest {

    @TempDir
    Path dir;

    private int files;

    private KeepalivedConfig config(String text) throws IOException {
        Path p = dir.resolve("keepalived-" + files++ + ".conf");
        Files.writeString(p, text);
        return ConfigLoader.load(p, new LoadOptions("test", false)).config();
    }

    private static List<String> names(KeepalivedConfig c) {
        VirtualServerTable table = VirtualServerTable.fromConfig(c);
        List<String> names = new ArrayList<>();
        for (int v = 0; v < c.virtualServers().size(); v++) {
            names.add(table.virtualServerName(v));
        }
        return names;
    }

    private CheckerMatch match(KeepalivedConfig old, KeepalivedConfig now) {
        return new CheckerMatch(old, now, names(old), names(now));
    }

    private static String vs(String address, String protocol, String checkers) {
        return """
                virtual_server %s {
                    protocol %s
                    real_server 192.0.2.21 80 {
                %s
                    }
                }
                """.formatted(address, protocol, checkers);
    }

    private static final String TCP = "TCP_CHECK {\nconnect_timeout 3\n}\n";
    private static final String TCP_SLOW = "TCP_CHECK {\nconnect_timeout 9\n}\n";
    private static final String HTTP = "HTTP_GET {\nurl {\npath /\nstatus_code 200\n}\n}\n";

    @Test
    void aCheckerContinuesTheRunningOneWithEqualSettingsWhereverItMoved() throws IOException {
        KeepalivedConfig old = config(vs("192.0.2.10 80", "TCP", TCP + HTTP));
        KeepalivedConfig now = config(vs("198.51.100.1 443", "TCP", TCP) + vs("192.0.2.10 80", "TCP", HTTP + TCP_SLOW));
        CheckerMatch m = match(old, now);
        assertThat(m.previous(new CheckerId(0, 0, 0))).as("another virtual server").isNull();
        assertThat(m.previous(new CheckerId(1, 0, 0))).as("HTTP_GET, now first").isEqualTo(new CheckerId(0, 0, 1));
        assertThat(m.previous(new CheckerId(1, 0, 1))).as("TCP_CHECK with other settings: a new one").isNull();
    }

    @Test
    void aVirtualServerIsTheSameByProtocolAddressAndPortOrByFwmark() throws IOException {
        KeepalivedConfig old = config(vs("192.0.2.10 80", "TCP", TCP) + vs("fwmark 7", "TCP", TCP));
        KeepalivedConfig now = config(vs("fwmark 7", "UDP", TCP) + vs("192.0.2.10 80", "UDP", TCP));
        CheckerMatch m = match(old, now);
        assertThat(m.previous(new CheckerId(0, 0, 0))).as("fwmark: no protocol").isEqualTo(new CheckerId(1, 0, 0));
        assertThat(m.previous(new CheckerId(1, 0, 0))).as("UDP is another service").isNull();
    }
}
