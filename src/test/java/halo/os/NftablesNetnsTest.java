package halo.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import halo.testing.Root;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** libnftables through FFM, in a namespace of the test's own: a ruleset applies, nft's errors come back as text. */
@Tag("root")
class NftablesNetnsTest {

    @Test
    void aRulesetAppliesInTheCallingThreadsNamespaceAndErrorsCarryNftsMessage() throws Exception {
        assumeThat(Root.isRoot()).as("needs root for network namespaces").isTrue();
        assertThat(Nftables.isAvailable()).as(() -> "libnftables: " + Nftables.unavailabilityCause()).isTrue();
        String ns = "halo-nft-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
        Shell.run("ip", "netns", "add", ns);
        try (NetNamespace inside = NetNamespace.enter(ns)) {
            String listed = inside.call(() -> {
                try (Nftables nft = Nftables.open()) {
                    nft.run("table inet halo_test {\n chain c { type filter hook prerouting priority mangle; }\n}\n");
                    return nft.run("list tables");
                }
            });
            assertThat(listed).contains("table inet halo_test");
            assertThat(Shell.run("ip", "netns", "exec", ns, "nft", "list", "tables")).contains("inet halo_test");
            assertThat(Shell.run("nft", "list", "tables")).as("not in the test's own namespace")
                    .doesNotContain("halo_test");

            assertThatThrownBy(() -> inside.call(() -> {
                try (Nftables nft = Nftables.open()) {
                    return nft.run("add chain inet no_such_table c\n");
                }
            })).isInstanceOf(Nftables.NftablesException.class).hasMessageContaining("No such file or directory");
        } finally {
            Shell.exec("ip", "netns", "del", ns);
        }
    }
}
