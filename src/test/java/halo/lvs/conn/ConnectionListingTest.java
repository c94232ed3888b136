package halo.lvs.conn;

import static halo.lvs.conn.Net.A;
import static halo.lvs.conn.Net.SECOND;
import static halo.lvs.conn.Net.VIP;
import static halo.lvs.conn.Net.flow;
import static halo.lvs.conn.Net.ip;
import static org.assertj.core.api.Assertions.assertThat;

import halo.lvs.Protocol;
import halo.lvs.ServiceKey;
import halo.lvs.sched.Flow;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@code ipvsadm -L -c -n} byte for byte. ipvsadm 1.31 (list_conn, print_conn; the same formats are in the Debian
 * binary's strings) prints
 * <pre>
 * "IPVS connection entries\n"
 * "pro expire %-11s %-18s %-18s %s\n" with "state", "source", "virtual", "destination"
 * then per entry "%-3s %-6s %-11s %-18s %-18s %s\n": protocol, "%02d:%02d" of expires / 60 and expires % 60,
 * state, then addrport_to_anyname's "%s%s%s:%u" (IPv6 in brackets) for client, virtual and destination.
 * </pre>
 * So the header is "pro expire " + "state" padded to 11 + " " + "source" padded to 18 + " " + "virtual" padded to 18 +
 * " destination"; in a row "TCP" fills its 3 columns, "13:20" is padded to 6, "ESTABLISHED" fills 11, and an
 * address:port shorter than 18 is padded to 18, a longer one is printed whole.
 */
class ConnectionListingTest {
    private static final String HEADER = "IPVS connection entries\n"
            + "pro expire state       source             virtual            destination\n";

    @Test
    void connectionsAndTheirTemplateAsIpvsadmListsThem() {
        ServiceConnections s = new ServiceConnections(new ServiceKey.Inet(VIP, 80, Protocol.TCP), "rr", 0, 360,
                0xffffff00, new Settings(), new Random(1), 0);
        s.addDestination(A, 8080, 1, 0, 0, 0);
        Connection first = s.open(flow("203.0.113.7", 40001), Protocol.TCP, 0);
        s.established(first, SECOND); // ESTABLISHED until 901 s; the template is ASSURED
        s.open(flow("203.0.113.8", 40002), Protocol.TCP, 100 * SECOND); // SYN_RECV until 160 s; template to 460 s
        long now = 100 * SECOND + SECOND / 2;
        assertThat(ConnectionListing.render(s.entries(), now, null, false)).isEqualTo(HEADER
                // template: 359.5 s left -> 359 = 05:59; client network /24, port 0; vport 80, dport 8080
                + "TCP 05:59  ASSURED     203.0.113.0:0      192.0.2.100:80     198.51.100.11:8080\n"
                // 800.5 s left -> 800 = 13:20
                + "TCP 13:20  ESTABLISHED 203.0.113.7:40001  192.0.2.100:80     198.51.100.11:8080\n"
                + "TCP 00:59  SYN_RECV    203.0.113.8:40002  192.0.2.100:80     198.51.100.11:8080\n");
    }

    @Test
    void firewallMarkTemplatesLongExpiriesAndInvalidatedTemplates() {
        ServiceConnections s = new ServiceConnections(new ServiceKey.Fwmark(1, false), "rr", 0, 7200, 0xffffffff,
                new Settings(), new Random(1), 0);
        s.addDestination(A, 0, 1, 0, 0, 0);
        s.open(flow("203.0.113.7", 40001), Protocol.TCP, 0);
        assertThat(ConnectionListing.render(s.entries(), 0, null, false)).isEqualTo(HEADER
                // <IPPROTO_IP, caddr, 0, fwmark, 0, daddr, 0>: "IP", the mark 1 as 0.0.0.1; 7200 s = 120:00 (wider
                // than 6, printed whole)
                + "IP  120:00 NONE        203.0.113.7:0      0.0.0.1:0          198.51.100.11:0\n"
                // dport: the packet's port, as the server has none
                + "TCP 01:00  SYN_RECV    203.0.113.7:40001  192.0.2.100:80     198.51.100.11:80\n");
        s.removeDestination(A, 0, SECOND);
        s.addDestination(ip("198.51.100.12"), 0, 1, 0, 0, SECOND);
        s.open(flow("203.0.113.7", 40002), Protocol.TCP, SECOND);
        List<String> templates = new ArrayList<>();
        for (String line : ConnectionListing.render(s.entries(), SECOND, null, false).split("\n")) {
            if (line.startsWith("IP ")) templates.add(line);
        }
        assertThat(templates).containsExactly(
                "IP  119:59 NONE        203.0.113.7:0      0.0.0.1:0          198.51.100.11:65535",
                "IP  120:00 NONE        203.0.113.7:0      0.0.0.1:0          198.51.100.12:0");
    }

    @Test
    void ipv6EntriesInBracketsAndTheirPrefixTemplate() {
        ServiceConnections s = new ServiceConnections(new ServiceKey.Inet(ip("2001:db8::100"), 443, Protocol.TCP),
                "rr", 0, 300, 64, new Settings(), new Random(1), 0);
        s.addDestination(ip("2001:db8:2::11"), 443, 1, 0, 0, 0);
        Flow f = new Flow().set(ip("2001:db8:1::7").getAddress(), 50000, ip("2001:db8::100").getAddress(), 443);
        s.open(f, Protocol.TCP, 0);
        assertThat(ConnectionListing.render(s.entries(), 0, null, true)).isEqualTo("IPVS connection entries\n"
                // --persistent-conn: "pro expire %-11s %-18s %-18s %-18s %-16s %s\n" with "pe name", "pe_data"
                + "pro expire state       source             virtual            destination        pe name          pe_data\n"
                + "TCP 05:00  NONE        [2001:db8:1::]:0   [2001:db8::100]:443 [2001:db8:2::11]:443\n"
                + "TCP 01:00  SYN_RECV    [2001:db8:1::7]:50000 [2001:db8::100]:443 [2001:db8:2::11]:443\n");
    }

    @Test
    void withoutNumericIpv4HostsAndTcpPortsAreNamed() {
        ServiceConnections s = new ServiceConnections(new ServiceKey.Inet(VIP, 80, Protocol.TCP), "rr", 0, 0,
                0xffffffff, new Settings(), new Random(1), 0);
        s.addDestination(A, 80, 1, 0, 0, 0);
        s.open(flow("203.0.113.7", 40001), Protocol.TCP, 0);
        ConnectionListing.Names names = new ConnectionListing.Names() {
            @Override
            public String host(byte[] ipv4) {
                return ipv4[3] == 11 ? "web1.example" : null;
            }

            @Override
            public String service(int port, String protocol) {
                return port == 80 && protocol.equals("tcp") ? "http" : null;
            }
        };
        assertThat(ConnectionListing.render(s.entries(), 0, names, false)).isEqualTo(HEADER
                + "TCP 01:00  SYN_RECV    203.0.113.7:40001  192.0.2.100:http   web1.example:http\n");
        assertThat(ConnectionListing.ntop(ip("::c000:201").getAddress())).as("glibc: IPv4-compatible, dotted")
                .isEqualTo("::192.0.2.1");
    }

    @Test
    void anIpv6FirewallMarkTemplateShowsTheMarkAsTheFirst32BitsOfAnAddress() {
        ServiceConnections s = new ServiceConnections(new ServiceKey.Fwmark(1, true), "rr", 0, 300, 128,
                new Settings(), new Random(1), 0);
        s.addDestination(ip("2001:db8:2::11"), 0, 1, 0, 0, 0);
        Flow f = new Flow().set(ip("2001:db8:1::7").getAddress(), 50000, ip("2001:db8::100").getAddress(), 443);
        s.open(f, Protocol.TCP, 0);
        assertThat(ConnectionListing.render(s.entries(), 0, null, false)).isEqualTo(HEADER
                // vaddr.ip = htonl(1): bytes 00 00 00 01 then zeros, "0:1::"
                + "IP  05:00  NONE        [2001:db8:1::7]:0  [0:1::]:0          [2001:db8:2::11]:0\n"
                + "TCP 01:00  SYN_RECV    [2001:db8:1::7]:50000 [2001:db8::100]:443 [2001:db8:2::11]:443\n");
    }
}
