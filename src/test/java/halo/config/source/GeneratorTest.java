package halo.config.source;

import static halo.config.source.Reading.diagnostics;
import static halo.config.source.Reading.read;
import static halo.config.source.Reading.render;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ~SEQ, ~SEQx and ~LST, as keepalived.conf(5) "Sequence blocks" and "List blocks" (checked with keepalived -t). */
class GeneratorTest {

    @Test
    void seqWithOneTwoOrThreeNumbers() {
        assertThat(render(read("~SEQ(SUBNET, 0, 3) ip_address 10.0.${SUBNET}.1\n"))).containsExactly(
                "ip_address 10.0.0.1", "ip_address 10.0.1.1", "ip_address 10.0.2.1", "ip_address 10.0.3.1");
        assertThat(render(read("~SEQ(i,3) n$i\n"))).containsExactly("n1", "n2", "n3");
        assertThat(render(read("~SEQ(i,-2) n$i\n"))).containsExactly("n-1", "n-2");
        assertThat(render(read("~SEQ(i,5,2) n$i\n"))).containsExactly("n5", "n4", "n3", "n2");
        assertThat(render(read("~SEQ(i,10,-5,0) n$i\n"))).containsExactly("n10", "n5", "n0");
        assertThat(render(read("~SEQ(i,0x10,010,0x1f) n$i\n"))).containsExactly("n16", "n24"); // C strtol base 0
    }

    @Test
    void seqxFormatsInHex() {
        assertThat(render(read("~SEQx(SUBNET, 0x90, 0x10, 0xc0) ip_address fe80::20:${SUBNET}:1\n"))).containsExactly(
                "ip_address fe80::20:90:1", "ip_address fe80::20:a0:1", "ip_address fe80::20:b0:1", "ip_address fe80::20:c0:1");
    }

    @Test
    void severalGeneratorsOnALineNestTheFirstOutermost() {
        assertThat(render(read("~SEQ(a,1,2) ~SEQx(b,0x12,-1,0x11) fe81::${a}:${b}\n"))).containsExactly(
                "fe81::1:12", "fe81::1:11", "fe81::2:12", "fe81::2:11");
    }

    @Test
    void listsSetOneOrSeveralVariablesAndMissingValuesAreBlank() {
        assertThat(render(read("~LST(IP, 1, 2) 192.0.2.${IP}\n"))).containsExactly("192.0.2.1", "192.0.2.2");
        assertThat(render(read("~LST({IP, IP1}, {10,1},{20,4},{5}) 192.${IP}.${IP1}.0\n"))).containsExactly(
                "192.10.1.0", "192.20.4.0", "192.5..0");
        assertThat(render(read("~LST({IP,IP1}, {10,1},{20,4}) ~SEQ(IP2,168,2,170) 192.${IP2}.${IP}.${IP1}\n")))
                .containsExactly("192.168.10.1", "192.170.10.1", "192.168.20.4", "192.170.20.4");
    }

    @Test
    void aSeqInsideAVirtualServerGroup() {
        ConfigReader.Result r = read("""
                virtual_server_group WEB {
                    ~SEQ(n, 1, 3) 192.0.2.${n} 80
                    198.51.100.1 443
                }
                virtual_server group WEB {
                    lb_algo rr
                }
                """);
        assertThat(render(r)).containsExactly(
                "virtual_server_group WEB {",
                "  192.0.2.1 80", "  192.0.2.2 80", "  192.0.2.3 80", "  198.51.100.1 443",
                "}",
                "virtual_server group WEB {", "  lb_algo rr", "}");
        assertThat(r.statements().getFirst().block().get(2).location().line()).isEqualTo(2);
        assertThat(r.diagnostics()).isEmpty();
    }

    @Test
    void aSeqOverAMultiLineParameterGeneratesWholeBlocks() {
        ConfigReader.Result r = read("""
                $VS= \\
                virtual_server 192.0.2.${N} 80 { \\
                    real_server 198.51.100.${N} 80 { \\
                        TCP_CHECK { \\
                            connect_timeout 3 \\
                        } \\
                    } \\
                }
                ~SEQ(N,1,2) $VS
                """);
        assertThat(render(r)).containsExactly(
                "virtual_server 192.0.2.1 80 {", "  real_server 198.51.100.1 80 {", "    TCP_CHECK {", "      connect_timeout 3",
                "    }", "  }", "}",
                "virtual_server 192.0.2.2 80 {", "  real_server 198.51.100.2 80 {", "    TCP_CHECK {", "      connect_timeout 3",
                "    }", "  }", "}");
        assertThat(r.diagnostics()).isEmpty();
    }

    @Test
    void seqNumbersMayBeParameters() {
        assertThat(render(read("$LAST=3\n~SEQ(i,2,$LAST) x$i\n"))).containsExactly("x2", "x3");
    }

    @Test
    void invalidGeneratorsAreReportedAndProduceNothing() {
        ConfigReader.Result r = read("""
                ~SEQ(i) a
                ~SEQ(i,1,0,5) b
                ~SEQ(i,5,1,1) c
                ~SEQx(i,-1,1) d
                ~SEQ i,1,2 e
                ~LST(a,1,2,{x) f
                ~LST({a},{1,2}) g
                ok
                """);
        assertThat(render(r)).containsExactly("ok");
        assertThat(diagnostics(r)).containsExactly(
                "1: warning: Invalid ~SEQ definition '~SEQ(i) a'",
                "2: warning: Invalid ~SEQ values '~SEQ(i,1,0,5) b'",
                "3: warning: Invalid ~SEQ values '~SEQ(i,5,1,1) c'",
                "4: warning: ~SEQx is only valid for positive numbers '~SEQx(i,-1,1) d'",
                "5: warning: Invalid ~SEQ specification '~SEQ i,1,2 e'",
                "6: warning: Invalid ~LST specification '~LST(a,1,2,{x) f'",
                "7: warning: ~LST specification has too many values '~LST({a},{1,2}) g'",
                "7: warning: Invalid ~LST specification '~LST({a},{1,2}) g'");
    }

    @Test
    void expansionIsBoundedAndTheBoundIsFatal() {
        ConfigReader.Result r = ConfigReader.read("~SEQ(a,1,1000) ~SEQ(b,1,1000) ~SEQ(c,1,1000) x\nafter\n", Path.of("t.conf"),
                new ConfigReader.Options("main", Map.of(), 1, 5000));
        // every generator step counts, including the outer ones that start an inner ~SEQ
        assertThat(r.statements()).hasSizeBetween(4900, 5000).extracting(Statement::keyword).containsOnly("x");
        assertThat(r.hasFatal()).isTrue();
        assertThat(diagnostics(r)).containsExactly(
                "1: fatal: the configuration expands to more than 5000 generated lines (~SEQ, ~LST, multi-line parameters) - reading stopped");
    }

    @Test
    void aGeneratorWithNothingToRepeatLeavesItsVariableAtTheLastValue() {
        assertThat(render(read("~SEQ(i,1,2000000000)\nlast $i\n"))).containsExactly("last 2000000000");
    }
}
