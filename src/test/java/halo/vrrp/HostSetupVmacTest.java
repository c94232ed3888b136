package halo.vrrp;

import static org.assertj.core.api.Assertions.assertThat;

import halo.config.ConfigLoader;
import halo.config.KeepalivedConfig;
import halo.config.LoadOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** use_vmac: the VMAC's name as keepalived makes it, and where adverts and VIPs go. */
class HostSetupVmacTest {

    @TempDir
    Path dir;

    private List<HostSetup.Instance> instances(String global, String... instanceBodies) throws IOException {
        StringBuilder text = new StringBuilder("global_defs {\n" + global + "\n}\n");
        int n = 0;
        for (String body : instanceBodies) {
            n++;
            text.append("vrrp_instance VI_").append(n).append(" {\n    interface eth0\n    priority 100\n")
                    .append(body).append("\n}\n");
        }
        Path p = dir.resolve("keepalived.conf");
        Files.writeString(p, text);
        KeepalivedConfig config = ConfigLoader.load(p, new LoadOptions("test", false)).config();
        return HostSetup.fromConfig(config).instances();
    }

    @Test
    void theVmacIsPrefixDotVridAndTheInstanceSendsFromIt() throws IOException {
        HostSetup.Instance i = instances("", "virtual_router_id 51\nuse_vmac\nvirtual_ipaddress {\n192.0.2.1/24\n}").getFirst();
        assertThat(i.vmac()).isEqualTo("vrrp.51");
        assertThat(i.spec().interfaceName()).isEqualTo("vrrp.51");
        assertThat(i.addressInterface()).isEqualTo("vrrp.51");
        assertThat(i.baseInterface()).isEqualTo("eth0");
    }

    @Test
    void vmacXmitBaseSendsFromTheBaseInterface() throws IOException {
        HostSetup.Instance i = instances("", "virtual_router_id 51\nuse_vmac\nvmac_xmit_base").getFirst();
        assertThat(i.vmac()).isEqualTo("vrrp.51");
        assertThat(i.spec().interfaceName()).isEqualTo("eth0");
        assertThat(i.addressInterface()).isEqualTo("vrrp.51");
    }

    @Test
    void unicastWithUseVmacSendsFromTheBaseAsKeepalivedSetsVmacXmitBase() throws IOException {
        HostSetup.Instance i = instances("", "virtual_router_id 51\nuse_vmac\nunicast_src_ip 192.0.2.1\n"
                + "unicast_peer {\n192.0.2.2\n}").getFirst();
        assertThat(i.config().vmacXmitBase()).isTrue();
        assertThat(i.spec().interfaceName()).isEqualTo("eth0");
        assertThat(i.addressInterface()).isEqualTo("vrrp.51");
    }

    @Test
    void aNamedVmacAndVmacPrefixAndNamesTakenByOtherInstances() throws IOException {
        List<HostSetup.Instance> list = instances("vmac_prefix vm",
                "virtual_router_id 51\nuse_vmac", "virtual_router_id 52\nuse_vmac mine",
                "virtual_router_id 51\nuse_vmac\nvirtual_ipaddress {\n2001:db8::1/64\n}",
                "virtual_router_id 55\nuse_vmac vm.53", "virtual_router_id 53\nuse_vmac",
                "virtual_router_id 54");
        assertThat(list).extracting(HostSetup.Instance::vmac)
                .containsExactly("vm.51", "mine", "vm6.51", "vm.53", "vm1.53", null);
    }

    @Test
    void aLongPrefixIsCutToFifteenBytes() throws IOException {
        HostSetup.Instance i = instances("vmac_prefix averyveryverylongprefix", "virtual_router_id 200\nuse_vmac").getFirst();
        assertThat(i.vmac()).isEqualTo("averyveryve.200").hasSize(15);
    }
}
