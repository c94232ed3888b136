package halo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MainTest {

    private static java.util.List<String> translate(String... args) {
        return Main.fromKeepalivedFlags(args);
    }

    @Test
    void keepalivedConfigTestBecomesCheck() {
        assertThat(translate("-t", "-f", "/etc/k.conf")).containsExactly("check", "-f", "/etc/k.conf");
        assertThat(translate("--config-test=/etc/k.conf")).containsExactly("check", "-f", "/etc/k.conf");
        assertThat(translate("-t/etc/k.conf", "-i", "lb01")).containsExactly("check", "-f", "/etc/k.conf", "-i", "lb01");
        assertThat(translate("-l", "-t", "--use-file", "a.conf", "--config-id=x")).containsExactly("check", "-f", "a.conf", "-i", "x");
    }

    @Test
    void otherKeepalivedFlagsStartTheDaemon() {
        assertThat(translate("--dont-fork", "-l", "-D", "-f", "k.conf")).containsExactly("run", "--keepalived-pid-files", "--dont-fork", "-l", "-D", "-f", "k.conf");
        assertThat(translate("-nlD")).containsExactly("run", "--keepalived-pid-files", "-nlD");
    }

    @Test
    void genhashAndSubcommandsPassThrough() {
        assertThat(translate("-T", "-s", "192.0.2.1", "-p", "80", "-u", "/")).containsExactly("genhash", "-s", "192.0.2.1", "-p", "80", "-u", "/");
        assertThat(translate("version")).containsExactly("version");
        assertThat(translate("--version")).containsExactly("--version");
        assertThat(translate()).isEmpty();
    }
}
