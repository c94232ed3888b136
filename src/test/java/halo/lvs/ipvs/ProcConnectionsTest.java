package halo.lvs.ipvs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** ipvsadm -L -c -n from /proc/net/ip_vs_conn lines as the kernel's ip_vs_conn_seq_show writes them. */
class ProcConnectionsTest {

    @Test
    void ipv4Ipv6TemplatesAndPersistenceEngineData() {
        String proc = """
                Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData
                TCP C0000264 D431 C000020A 0050 C6336401 0050 ESTABLISHED     899
                UDP 2001:0db8:0000:0000:0000:0000:0000:0064 0035 2001:0db8:0000:0000:0000:0000:0000:0010 0035 2001:0db8:0000:0000:0000:0000:0000:0001 0035 UDP             299
                IP  C0000200 0000 00000007 0000 C6336401 0000 NONE            359
                UDP C0000264 13C4 C000020A 13C4 C6336401 13C4 UDP              60 sip 3f2a
                """;
        assertThat(ProcConnections.render(proc, false)).isEqualTo("""
                IPVS connection entries
                pro expire state       source             virtual            destination
                TCP 14:59  ESTABLISHED 192.0.2.100:54321  192.0.2.10:80      198.51.100.1:80
                UDP 04:59  UDP         [2001:db8::64]:53  [2001:db8::10]:53  [2001:db8::1]:53
                IP  05:59  NONE        192.0.2.0:0        0.0.0.7:0          198.51.100.1:0
                UDP 01:00  UDP         192.0.2.100:5060   192.0.2.10:5060    198.51.100.1:5060
                """);
        assertThat(ProcConnections.render(proc, true)).endsWith(
                "UDP 01:00  UDP         192.0.2.100:5060   192.0.2.10:5060    198.51.100.1:5060  sip              3f2a\n");
    }
}
