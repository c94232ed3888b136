package halo.lvs.nft;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * nf_tables messages against what libnftables 1.0.6 sends for the same commands: each fixture is the message's body
 * (after the 16-byte netlink header) as {@code nft --debug=mnl} printed it on this project's machine (nftables 1.0.6,
 * libnftnl 1.2.4), less the set ids libnftables adds to name a set created in the same batch
 * ({@code NFTA_SET_ELEM_LIST_SET_ID}, {@code NFTA_LOOKUP_SET_ID}; the kernel reads them only when the name is not
 * found, and Halo's fast path writes only into sets that exist).
 */
class NftMessagesTest {
    private static final int INET = NftMessages.NFPROTO_INET;
    private static final int NETDEV = NftMessages.NFPROTO_NETDEV;

    @Test
    void flushMapIsDelsetelemWithoutElements() {
        // flush map inet halo_lvs s1_sched
        assertMessage(NftMessages.flushSet(INET, "halo_lvs", "s1_sched", 7), NftMessages.NFT_MSG_DELSETELEM, 7,
                "010000000d00020073315f7363686564000000000d00010068616c6f5f6c767300000000");
        // flush set inet halo_lvs s1_d0_f
        assertMessage(NftMessages.flushSet(INET, "halo_lvs", "s1_d0_f", 1), NftMessages.NFT_MSG_DELSETELEM, 1,
                "010000000c00020073315f64305f66000d00010068616c6f5f6c767300000000");
    }

    @Test
    void intervalMapElementsAreEachRangesStartWithItsVerdictAndTheNumberAfterItsEnd() {
        // add element inet halo_lvs s1_sched { 0-1 : goto s1_d0, 2 : goto s1_d1 }
        List<NftMessages.Element> elements = NftFastPath.elements(List.of("0-1 : goto s1_d0", "2 : goto s1_d1"));
        assertThat(elements).containsExactly(new NftMessages.Element(0, false, "s1_d0"),
                new NftMessages.Element(2, true, null), new NftMessages.Element(2, false, "s1_d1"),
                new NftMessages.Element(3, true, null));
        assertMessage(NftMessages.addElements(INET, "halo_lvs", "s1_sched", elements, 2),
                NftMessages.NFT_MSG_NEWSETELEM, 2,
                "010000000d00010068616c6f5f6c7673000000000d00020073315f7363686564000000008c0003802c000180"
                        + "0c00018008000100000000001c0002801800028008000100fffffffc0a00020073315f643000000018000280"
                        + "08000300000000010c00018008000100000000022c0003800c00018008000100000000021c00028018000280"
                        + "08000100fffffffc0a00020073315f64310000001800048008000300000000010c0001800800010000000003");
        // a map whose first range does not start at 0 opens with 0 as an interval's end, as nft sends it
        assertThat(NftFastPath.elements(List.of("3-5 : goto s1_d0", "9 : goto s1_d0"))).containsExactly(
                new NftMessages.Element(0, true, null), new NftMessages.Element(3, false, "s1_d0"),
                new NftMessages.Element(6, true, null), new NftMessages.Element(9, false, "s1_d0"),
                new NftMessages.Element(10, true, null));
        assertThat(NftFastPath.elements(List.of("0 : accept"))).isNull();
    }

    @Test
    void flushChainIsDelruleWithoutAHandle() {
        // flush chain inet halo_lvs s1_pick
        assertMessage(NftMessages.flushChain(INET, "halo_lvs", "s1_pick", 3), NftMessages.NFT_MSG_DELRULE, 3,
                "010000000d00010068616c6f5f6c7673000000000c00020073315f7069636b00");
    }

    @Test
    void theNatPickRuleIsNumgenByteorderLookup() {
        // add rule inet halo_lvs s1_pick numgen inc mod 3 vmap @s1_sched
        assertMessage(NftMessages.addRule(INET, "halo_lvs", "s1_pick",
                        NftFastPath.expressions("inet", "numgen inc mod 3 vmap @s1_sched"), 4),
                NftMessages.NFT_MSG_NEWRULE, 4,
                "010000000d00010068616c6f5f6c7673000000000c00020073315f7069636b00ac000480340001800b000100"
                        + "6e756d67656e0000240002800800010000000001080002000000000308000300000000000800040000000000"
                        + "400001800e000100627974656f726465720000002c0002800800010000000001080002000000000108000300"
                        + "0000000108000400000000040800050000000004340001800b0001006c6f6f6b757000002400028008000200"
                        + "0000000108000300000000000d00010073315f736368656400000000");
    }

    @Test
    void theDrPickRuleHashesAddressAndPortInTheRegistersNftUses() {
        String tail = "400001800e000100627974656f726465720000002c0002800800010000000001080002000000000108000300"
                        + "0000000108000400000000040800050000000004340001800b0001006c6f6f6b757000002400028008000200"
                        + "0000000108000300000000000d00010073315f736368656400000000";
        // add rule netdev halo_lvs s1_pick meta l4proto tcp jhash ip saddr . th sport mod 4 seed 0x48616c6f vmap @s1_sched
        assertMessage(NftMessages.addRule(NETDEV, "halo_lvs", "s1_pick", NftFastPath.expressions("netdev",
                        "meta l4proto tcp jhash ip saddr . th sport mod 4 seed 0x48616c6f vmap @s1_sched"), 5),
                NftMessages.NFT_MSG_NEWRULE, 5,
                "050000000d00010068616c6f5f6c7673000000000c00020073315f7069636b00cc0104802400018009000100"
                        + "6d6574610000000014000280080002000000001008000100000000012c00018008000100636d700020000280"
                        + "080001000000000108000200000000000c000380050001000600000024000180090001006d65746100000000"
                        + "14000280080002000000000108000100000000012c00018008000100636d7000200002800800010000000001"
                        + "08000200000000000c0003800600010008000000340001800c0001007061796c6f6164002400028008000100"
                        + "000000020800020000000001080003000000000c0800040000000004340001800c0001007061796c6f616400"
                        + "24000280080001000000000d0800020000000002080003000000000008000400000000024c00018009000100"
                        + "68617368000000003c0002800800010000000002080002000000000108000300000000080800040000000004"
                        + "0800050048616c6f08000600000000000800070000000000" + tail);
        // the same over IPv6 and UDP: a 16-byte address, the port in the next 16-byte register
        assertMessage(NftMessages.addRule(NETDEV, "halo_lvs", "s1_pick", NftFastPath.expressions("netdev",
                        "meta l4proto udp jhash ip6 saddr . th sport mod 5 seed 0x48616c6f vmap @s1_sched"), 6),
                NftMessages.NFT_MSG_NEWRULE, 6,
                "050000000d00010068616c6f5f6c7673000000000c00020073315f7069636b00cc0104802400018009000100"
                        + "6d6574610000000014000280080002000000001008000100000000012c00018008000100636d700020000280"
                        + "080001000000000108000200000000000c000380050001001100000024000180090001006d65746100000000"
                        + "14000280080002000000000108000100000000012c00018008000100636d7000200002800800010000000001"
                        + "08000200000000000c0003800600010086dd0000340001800c0001007061796c6f6164002400028008000100"
                        + "00000002080002000000000108000300000000080800040000000010340001800c0001007061796c6f616400"
                        + "2400028008000100000000030800020000000002080003000000000008000400000000024c00018009000100"
                        + "68617368000000003c0002800800010000000002080002000000000108000300000000140800040000000005"
                        + "0800050048616c6f08000600000000000800070000000000" + tail);
        // a rule of another form is not written by the fast path
        assertThat(NftFastPath.expressions("inet", "meta l4proto tcp jhash ip saddr . th sport mod 4 seed"
                + " 0x48616c6f vmap @s1_sched")).isNull();
        assertThat(NftFastPath.expressions("netdev", "jhash ip saddr mod 256 seed 0x48616c6f vmap @s1_sched"))
                .isNull();
    }

    @Test
    void aCounterIsResetByGetobjReset() {
        // reset counter inet halo_lvs s1_d0_conn: libnftnl leaves its padding bytes as they were in memory and adds an
        // empty NFTA_OBJ_DATA; here the padding is zero and the empty attribute left out
        assertMessage(NftMessages.resetCounter(INET, "halo_lvs", "s1_d0_conn", 8), NftMessages.NFT_MSG_GETOBJ_RESET, 8,
                "010000000d00010068616c6f5f6c7673000000000f00020073315f64305f636f6e6e00000800030000000001");
    }

    /** MESSAGE is nf_tables message MSG with sequence SEQ, a request to acknowledge, and the body BODY_HEX. */
    private static void assertMessage(byte[] message, int msg, int seq, String bodyHex) {
        ByteBuffer h = ByteBuffer.wrap(message).order(ByteOrder.nativeOrder());
        assertThat(h.getInt(0)).as("nlmsg_len").isEqualTo(message.length);
        assertThat(h.getShort(4) & 0xffff).as("nlmsg_type").isEqualTo(NftMessages.NFNL_SUBSYS_NFTABLES << 8 | msg);
        assertThat(h.getShort(6) & (NftMessages.NLM_F_REQUEST | NftMessages.NLM_F_ACK))
                .isEqualTo(NftMessages.NLM_F_REQUEST | NftMessages.NLM_F_ACK);
        assertThat(h.getInt(8)).as("nlmsg_seq").isEqualTo(seq);
        assertThat(HexFormat.of().formatHex(Arrays.copyOfRange(message, 16, message.length))).isEqualTo(bodyHex);
    }
}
