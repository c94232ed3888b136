package halo.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import halo.testing.Root;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("root")
class SeedTopologyTest {

    @Test
    void hostsReachEachOtherOverTheLanAndEverythingIsGoneAfterClose() throws IOException {
        assumeThat(Root.isRoot()).as("needs root for network namespaces").isTrue();
        List<String> namespaces;
        try (SeedTopology t = SeedTopology.seeds("topo")) {
            namespaces = t.hosts().stream().map(SeedTopology.Host::namespace).toList();
            assertThat(t.host("dir1").ipv4()).isEqualTo("192.0.2.11");
            assertThat(t.ipOn("dir1", "-br", "addr", "show", "eth0")).contains("192.0.2.11/24").contains("2001:db8::11/64");
            // client -> director over the bridge, IPv4 and IPv6
            assertThat(SeedTopology.run(concat(t.exec("client"), "ping", "-c", "1", "-W", "2", "192.0.2.12"))).contains("1 received");
            assertThat(SeedTopology.run(concat(t.exec("client"), "ping", "-6", "-c", "1", "-W", "2", "2001:db8::21"))).contains("1 received");
            t.link("dir2", false);
            assertThat(t.ipOn("dir2", "-br", "link", "show", "eth0")).contains("DOWN");
        }
        String left = SeedTopology.run(List.of("ip", "netns", "list"));
        for (String ns : namespaces) {
            assertThat(left).doesNotContain(ns);
        }
    }

    private static List<String> concat(List<String> prefix, String... rest) {
        List<String> all = new java.util.ArrayList<>(prefix);
        all.addAll(List.of(rest));
        return all;
    }
}
