package halo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code halo realserver}'s command line (what it does to a host: RealServerNetnsTest). */
class RealServerCommandTest {

    @Test
    void helpExplainsWhatItSetsAndTheExitCodes() {
        var cli = Main.commandLine(List.of("realserver"));
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out));
        assertThat(cli.execute("realserver", "--help")).isZero();
        assertThat(out.toString()).contains("start|stop|status", "--vip=VIP[,VIP...]", "--tun", "arp_ignore=1",
                "arp_announce=2", "tunl0", "rp_filter=0", "3 (status) not", "bound");
    }

    @Test
    void listedWithTheOtherCommands() {
        StringWriter out = new StringWriter();
        var cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        assertThat(cli.execute("--help")).isZero();
        assertThat(out.toString()).contains("realserver");
    }
}
