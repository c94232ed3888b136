package halo.os;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Generic netlink family resolution against this machine's kernel (no root needed): the controller resolves itself
 * and answers ENOENT for a family the kernel does not have. This kernel has no IPVS (CONFIG_IP_VS unset).
 */
class GenericNetlinkTest {

    @Test
    void getFamilyIsWhatLibnlSends() {
        assertThat(HexFormat.of().formatHex(GenericNetlink.getFamily("IPVS", 7))).isEqualTo(
                "20000000" + "1000" + "0500" + "07000000" + "00000000" // nlmsghdr: 32 bytes, GENL_ID_CTRL, REQUEST|ACK
                        + "03010000" // CTRL_CMD_GETFAMILY, version 1
                        + "09000200" + "4950565300000000"); // CTRL_ATTR_FAMILY_NAME "IPVS\0", padded
    }

    @Test
    void theControllerResolvesItselfWithItsFixedId() throws Exception {
        try (GenericNetlink genl = GenericNetlink.open()) {
            Optional<GenericNetlink.Family> ctrl = genl.family("nlctrl");
            assertThat(ctrl).isPresent();
            assertThat(ctrl.get().id()).isEqualTo(GenericNetlink.GENL_ID_CTRL);
            assertThat(ctrl.get().name()).isEqualTo("nlctrl");
            assertThat(ctrl.get().version()).isPositive();
        }
    }

    @Test
    void aFamilyTheKernelLacksIsAbsentNotAnError() throws Exception {
        try (GenericNetlink genl = GenericNetlink.open()) {
            // names are at most 15 characters (GENL_NAMSIZ); a longer one is EINVAL
            assertThat(genl.family("halo-nofamily")).isEmpty();
            // IPVS resolves exactly where the kernel has it (asking loads the ip_vs module, which makes /proc/net/ip_vs)
            boolean ipvs = genl.family("IPVS").isPresent();
            assertThat(ipvs).isEqualTo(Files.exists(Path.of("/proc/net/ip_vs")));
            assertThat(ipvs).as("this machine's kernel has no IPVS (CONFIG_IP_VS unset)").isFalse();
        }
    }

    /** A dump (several datagrams, ended by NLMSG_DONE) and a refusal with the kernel's own words, from this kernel. */
    @Test
    void aDumpOfEveryFamilyAndARefusal() throws Exception {
        try (GenericNetlink genl = GenericNetlink.open()) {
            RtNetlinkCodec.Writer dump = new RtNetlinkCodec.Writer(GenericNetlink.GENL_ID_CTRL,
                    RtNetlinkCodec.NLM_F_REQUEST | RtNetlinkCodec.NLM_F_ACK | RtNetlinkCodec.NLM_F_DUMP, 0);
            dump.u8(GenericNetlink.CTRL_CMD_GETFAMILY).u8(1).u16(0);
            var families = genl.exchange(dump.bytes(), "CTRL_CMD_GETFAMILY dump").stream()
                    .map(GenericNetlink::family).toList();
            assertThat(families).extracting(GenericNetlink.Family::name).contains("nlctrl").doesNotContain("IPVS");
            // a name longer than GENL_NAMSIZ fails the controller's policy: EINVAL, typed, with the kernel's text
            assertThatThrownBy(() -> genl.family("a-family-name-too-long"))
                    .isInstanceOf(NativeException.class)
                    .hasMessageContaining("CTRL_CMD_GETFAMILY a-family-name-too-long")
                    .hasMessageContaining("EINVAL");
        }
    }
}
