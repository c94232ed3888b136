package halo.lvs;

import static org.assertj.core.api.Assertions.assertThat;

import halo.config.Tunnel;
import halo.lvs.IpvsadmCommand.Kind;
import halo.lvs.IpvsadmCommand.Option;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** ipvsadm 1.31's grammar: what a good line means (defaults included) and what a bad one prints. */
class IpvsadmParserTest {

    static IpvsadmCommand parsed(String line) {
        IpvsadmParser.Result r = IpvsadmParser.parse("ipvsadm", words(line));
        assertThat(r).as(line).isInstanceOf(IpvsadmParser.Parsed.class);
        return ((IpvsadmParser.Parsed) r).command();
    }

    static IpvsadmParser.Exit exit(String line) {
        IpvsadmParser.Result r = IpvsadmParser.parse("ipvsadm", words(line));
        assertThat(r).as(line).isInstanceOf(IpvsadmParser.Exit.class);
        return (IpvsadmParser.Exit) r;
    }

    static List<String> words(String line) {
        return line.isEmpty() ? List.of() : List.of(line.split(" "));
    }

    static InetAddress ip(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    @Test
    void addServiceTakesIpvsadmsDefaults() throws Exception {
        IpvsadmCommand c = parsed("-A -t 192.0.2.10:80");
        assertThat(c.kind()).isEqualTo(Kind.ADD_SERVICE);
        assertThat(c.service()).isEqualTo(new ServiceKey.Inet(ip("192.0.2.10"), 80, Protocol.TCP));
        assertThat(c.scheduler()).isEqualTo("wlc");
        assertThat(c.persistenceTimeout()).isZero();
        assertThat(c.netmask()).isEqualTo(0xffffffff);
        assertThat(c.flags()).isEmpty();
        assertThat(c.peName()).isEmpty();
        assertThat(c.options()).containsExactly(Option.SERVICE);
    }

    @Test
    void persistentWithoutAValueIsSixMinutes() {
        assertThat(parsed("-A -t 192.0.2.10:80 -p").persistenceTimeout()).isEqualTo(360);
        assertThat(parsed("-A -t 192.0.2.10:80 -p -s rr").persistenceTimeout()).isEqualTo(360);
        assertThat(parsed("-A -t 192.0.2.10:80 -p 50").persistenceTimeout()).isEqualTo(50);
        assertThat(parsed("-A -t 192.0.2.10:80 -p50").persistenceTimeout()).isEqualTo(50);
        assertThat(parsed("-A -t 192.0.2.10:80 --persistent=50").persistenceTimeout()).isEqualTo(50);
        // a port-0 service must be persistent
        assertThat(parsed("-A -t 192.0.2.10:0 -p").service()).isEqualTo(
                new ServiceKey.Inet(IpvsadmParser.ipv4(0xc000020a), 0, Protocol.TCP));
    }

    @Test
    void netmaskFollowsTheFamilyKnownWhenItIsRead() {
        assertThat(parsed("-A -t 192.0.2.10:80 -p -M 255.255.255.0").netmask()).isEqualTo(0xffffff00);
        assertThat(parsed("-A -u [2001:db8::53]:53 -p -M 64").netmask()).isEqualTo(64);
        assertThat(parsed("-A -u [2001:db8::53]:53 -p").netmask()).isEqualTo(128);
        assertThat(parsed("-A -f 7 -6 -p").service()).isEqualTo(new ServiceKey.Fwmark(7, true));
        assertThat(parsed("-A -f 7 -6 -p").netmask()).isEqualTo(128);
        // -M read before the IPv6 address: the address resets the granularity to /128
        assertThat(parsed("-A -M 255.0.0.0 -u [2001:db8::53]:53 -p").netmask()).isEqualTo(128);
    }

    @Test
    void schedulerFlagsAndOnePacket() {
        assertThat(parsed("-A -t 192.0.2.10:80 -s sh -b sh-port,sh-fallback").flags())
                .containsExactlyInAnyOrder(ServiceFlag.SCHED1, ServiceFlag.SCHED2);
        assertThat(parsed("-A -t 192.0.2.10:80 -s rr -b flag-3").flags()).containsExactly(ServiceFlag.SCHED3);
        assertThat(parsed("-A -u 192.0.2.53:53 -o").flags()).containsExactly(ServiceFlag.ONE_PACKET);
        assertThat(parsed("-A -f 3 -o").flags()).containsExactly(ServiceFlag.ONE_PACKET);
    }

    @Test
    void realServerDefaultsToGatewayingWeightOneAndTheServicePort() throws Exception {
        IpvsadmCommand c = parsed("-a -t 192.0.2.10:80 -r 198.51.100.1");
        assertThat(c.destination()).isEqualTo(new DestinationKey(ip("198.51.100.1"), 80));
        assertThat(c.forwarding()).isEqualTo(ForwardingMethod.DR);
        assertThat(c.weight()).isEqualTo(1);
        assertThat(c.tunnel()).isNull();
        // direct routing and tunnelling keep the service's port whatever -r says
        assertThat(parsed("-a -t 192.0.2.10:80 -r 198.51.100.1:8080").destination().port()).isEqualTo(80);
        assertThat(parsed("-a -t 192.0.2.10:80 -r 198.51.100.1:8080 -m").destination().port()).isEqualTo(8080);
        // -r before -t: no service port yet to copy
        assertThat(parsed("-a -r 198.51.100.1 -t 192.0.2.10:80 -m").destination().port()).isZero();
        assertThat(parsed("-a -f 3 -r 198.51.100.1 -g").destination().port()).isZero();
        IpvsadmCommand t = parsed("-e -t 192.0.2.10:80 -r 198.51.100.1 -i --tun-type gue --tun-port 6080 --tun-csum"
                + " -w 0 -x 100 -y 50");
        assertThat(t.tunnel()).isEqualTo(new Tunnel(Tunnel.Type.GUE, 6080, "csum"));
        assertThat(List.of(t.weight(), t.upperThreshold(), t.lowerThreshold())).containsExactly(0, 100, 50);
        assertThat(parsed("-a -t 192.0.2.10:80 -r 198.51.100.1 -i").tunnel()).isEqualTo(Tunnel.IPIP);
    }

    @Test
    void hostPortFormsAsIpvsadmReadsThem() throws Exception {
        assertThat(parsed("-A -t 0x7f.1:80").service()).isEqualTo(new ServiceKey.Inet(ip("127.0.0.1"), 80,
                Protocol.TCP));
        assertThat(parsed("-A -t 192.0.2.10:http").service()).isEqualTo(new ServiceKey.Inet(ip("192.0.2.10"), 80,
                Protocol.TCP));
        assertThat(parsed("-A -t 2001:db8::1 -p").service()).isEqualTo(new ServiceKey.Inet(ip("2001:db8::1"), 0,
                Protocol.TCP));
        assertThat(parsed("--add-service --sctp-service [2001:db8::1]:9 -p").service()).isEqualTo(
                new ServiceKey.Inet(ip("2001:db8::1"), 9, Protocol.SCTP));
    }

    @Test
    void listingOptions() {
        IpvsadmCommand c = parsed("-Ln --stats --exact --nosort");
        assertThat(c.kind()).isEqualTo(Kind.LIST);
        assertThat(c.format()).containsExactlyInAnyOrder(IpvsadmView.Option.STATS, IpvsadmView.Option.EXACT,
                IpvsadmView.Option.NO_SORT);
        assertThat(parsed("-l -c -n").options()).containsExactlyInAnyOrder(Option.CONNECTION, Option.NUMERIC);
        assertThat(parsed("--list --timeout").options()).containsExactly(Option.TIMEOUT);
        assertThat(parsed("--set 900 0 300").timeouts()).isEqualTo(new IpvsTimeouts(900, 0, 300));
        assertThat(parsed("-Z").service()).isNull();
        assertThat(parsed("-S -n").kind()).isEqualTo(Kind.SAVE);
        assertThat(parsed("-R").kind()).isEqualTo(Kind.RESTORE);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            -A                                       | 2   | You need to supply the 'service-address' option for the 'add-service' command
            -a -t 192.0.2.1:80                       | 2   | You need to supply the 'real-server' option for the 'add-server' command
            -D -t 192.0.2.1:80 -s rr                 | 2   | Illegal 'scheduler' option with the 'delete-service' command
            -L --timeout -c                          | 2   | The option 'timeout' conflicts with the 'connection' option in the 'list' command
            -L -c --stats                            | 2   | options conflicts in the list command
            -A -t 192.0.2.1:80 -s rr -s wrr          | 2   | multiple 'scheduler' options specified
            -A -t 192.0.2.1:80 -A                    | 2   | invalid option `-A'
            -L -nA                                   | 2   | invalid option `-nA'
            -A -t 192.0.2.1:0                        | 2   | Zero port specified for non-persistent service
            -A -t 192.0.2.1:80 -o                    | 2   | One-Packet Scheduling is only for UDP virtual services
            -A -t 192.0.2.1:80 -p 0                  | 2   | invalid timeout value `0' specified
            -A -f 0                                  | 2   | invalid fwmark value `0' specified
            -A -t 192.0.2.1:80 -b sh-port            | 2   | incompatible scheduler flag `sh-port'
            -A -t 192.0.2.1:80 -b nope               | 2   | invalid scheduler flag `nope'
            -A -t 192.0.2.1:99999                    | 2   | illegal virtual server address[:port] specified
            -a -t 192.0.2.1:80 -r 198.51.100.1 -w x  | 2   | illegal weight specified
            -a -t 192.0.2.1:80 -r 2001:db8::1        | 2   | Different address family is allowed only for tunneling servers
            -a -t 192.0.2.1:80 -r 198.51.100.1 --tun-port 1 | 2 | Tunnel options conflict with forward method
            -a -t 192.0.2.1:80 -r 198.51.100.1 -i --tun-type gue | 2 | You need to supply the 'tun-port' option for the 'gue' tunnel type
            -a -t 192.0.2.1:80 -r 198.51.100.1 -i --tun-type gre --tun-remcsum | 2 | Illegal 'tun-remcsum' option with the 'gre' tunnel type
            -L -n extra                              | 2   | unexpected argument extra
            --set 1 2                                | 2   | --set option requires 3 timeout values
            -L --stat                                | 255 | --stat: unknown option
            -A --tcp-service                         | 255 | --tcp-service: missing argument
            -L --numeric=x                           | 255 | --numeric=x: option does not take an argument
            -Q                                       | 255 | Try `ipvsadm -h' or 'ipvsadm --help' for more information.
            -n -L                                    | 255 | Try `ipvsadm -h' or 'ipvsadm --help' for more information.
            """)
    void badLinesPrintIpvsadmsMessageAndExitAsIt(String line, int code, String message) {
        IpvsadmParser.Exit e = exit(line.strip());
        assertThat(e.out()).isEmpty();
        assertThat(e.err()).isEqualTo(message.strip() + "\n");
        assertThat(e.code()).isEqualTo(code);
    }

    @Test
    void poptErrorsLetARestoreGoOnButFailuresStopIt() {
        assertThat(exit("-L --stat").stops()).isFalse();
        assertThat(exit("-L -n extra").stops()).isTrue();
        assertThat(exit("-Q").stops()).isTrue();
    }

    @Test
    void helpAndVersionGoToStandardOutput() {
        IpvsadmParser.Exit v = exit("--version");
        assertThat(v).isEqualTo(new IpvsadmParser.Exit(
                "ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)\n", "", 0, true));
        IpvsadmParser.Exit h = exit("-h");
        assertThat(h.code()).isZero();
        assertThat(h.out()).contains("  ipvsadm -A|E virtual-service [-s scheduler] [-p [timeout]]")
                .endsWith("  --mcast-ttl ttl                     Multicast TTL (default=1)\n");
        // only as the command: after one, it is an invalid option
        assertThat(exit("-L -h").err()).isEqualTo("invalid option `-h'\n");
    }
}
