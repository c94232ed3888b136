package halo.lvs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The control command {@code ipvsadm ARGS} and its answer. */
class IpvsadmTextTest {

    @Test
    void requestsAreCanonicalIpvsadmLines() {
        assertThat(IpvsadmText.encode(IpvsadmParserTest.parsed("--add-service --tcp-service=192.0.2.10:http -p")))
                .isEqualTo("ipvsadm -A -t 192.0.2.10:80 -p 360\n");
        assertThat(IpvsadmText.encode(IpvsadmParserTest.parsed("-a -u [2001:db8::53]:53 -r 2001:db8::1 -m -w 2")))
                .isEqualTo("ipvsadm -a -u [2001:db8::53]:53 -r [2001:db8::1]:53 -m -w 2\n");
        assertThat(IpvsadmText.encode(IpvsadmParserTest.parsed("-Ln --stats")))
                .isEqualTo("ipvsadm -L -n --stats\n");
        assertThat(IpvsadmText.encode(IpvsadmParserTest.parsed("--set 900 120 300")))
                .isEqualTo("ipvsadm --set 900 120 300\n");
        assertThat(IpvsadmText.encode(IpvsadmParserTest.parsed("-A -f 7 -6 -M 64 -p 10 -s sh -b sh-port")))
                .isEqualTo("ipvsadm -A -f 7 -6 -s sh -p 10 -M 64 -b flag-2\n");
    }

    @Test
    void everyCommandALineMeansDecodesToTheSameCommand() throws IOException {
        List<String> lines = new ArrayList<>();
        try (InputStream in = getClass().getResourceAsStream("ipvsadm-lines.txt")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) lines.add(line.strip());
            }
        }
        int commands = 0;
        for (String line : lines) {
            List<String> words = new ArrayList<>();
            for (String w : line.split(" ")) words.add(w.equals("''") ? "" : w);
            if (!(IpvsadmParser.parse("ipvsadm", words) instanceof IpvsadmParser.Parsed p)) continue;
            IpvsadmCommand.Kind kind = p.command().kind();
            if (kind == IpvsadmCommand.Kind.RESTORE || kind == IpvsadmCommand.Kind.START_DAEMON
                    || kind == IpvsadmCommand.Kind.STOP_DAEMON) {
                continue; // never sent to the daemon
            }
            String request = IpvsadmText.encode(p.command());
            assertThat(IpvsadmText.decode(request)).as(line + " -> " + request).isEqualTo(p.command());
            commands++;
        }
        assertThat(commands).isGreaterThan(30);
    }

    @Test
    void oddWordsSurviveTheTrip() {
        for (String s : List.of("", "a b", "100%", "tab\there", "é", "-")) {
            assertThat(IpvsadmText.unescape(IpvsadmText.escape(s))).isEqualTo(s);
            assertThat(IpvsadmText.escape(s)).doesNotContain(" ").isNotEmpty();
        }
    }

    @Test
    void answersCarryOutputErrorsAndTheExitStatus() {
        IpvsadmText.Answer a = new IpvsadmText.Answer("IP Virtual Server version 1.2.1 (size=4096)\nTCP  é\n",
                "No such service\n", 255);
        String text = IpvsadmText.encodeAnswer(a);
        assertThat(text).startsWith("halo-ipvsadm 1 exit=255 out=51 err=16\n");
        assertThat(IpvsadmText.decodeAnswer(text)).isEqualTo(a);
        assertThat(IpvsadmText.decodeAnswer(IpvsadmText.encodeAnswer(new IpvsadmText.Answer("", "", 0))))
                .isEqualTo(new IpvsadmText.Answer("", "", 0));
        assertThatThrownBy(() -> IpvsadmText.decodeAnswer("error: no table\n"))
                .hasMessageContaining("not an ipvsadm answer");
        assertThatThrownBy(() -> IpvsadmText.decodeAnswer("halo-ipvsadm 1 exit=0 out=5 err=0\nabc"))
                .hasMessageContaining("3 characters, not 5");
    }

    @Test
    void aBadRequestSaysWhy() {
        assertThatThrownBy(() -> IpvsadmText.decode("ipvsadm -A -t 192.0.2.1:80 -x 3"))
                .hasMessage("bad ipvsadm request: Illegal 'u-threshold' option with the 'add-service' command");
        assertThatThrownBy(() -> IpvsadmText.decode("lvs")).hasMessageContaining("not an ipvsadm request");
    }
}
