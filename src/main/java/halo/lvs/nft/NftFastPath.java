package halo.lvs.nft;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A checker's change as nf_tables messages, without libnftables: when the only objects that differ between two
 * layouts are scheduler maps ({@code s<id>_sched}: their elements) and pick chains ({@code s<id>_pick}: their one rule),
 * and those rules are of the forms the ruleset writes for rr and wrr ({@code numgen inc mod N vmap @m}, and in DR
 * {@code meta l4proto P jhash ip saddr . th sport mod N seed S vmap @m}), the change is written as messages
 * ({@link NftMessages}), plus the dynamic sets to empty. Anything else (a new real server's chain, a service added,
 * a persistent service's removal) answers empty, and the plane goes through libnftables. Pure.
 */
final class NftFastPath {
    private static final Pattern RANGE = Pattern.compile("(\\d+)(?:-(\\d+))? : goto (\\w+)");
    private static final Pattern NUMGEN = Pattern.compile("numgen inc mod (\\d+) vmap @(\\w+)");
    private static final Pattern JHASH = Pattern.compile(
            "meta l4proto (tcp|udp|sctp) jhash (ip|ip6) saddr \\. th sport mod (\\d+) seed 0x([0-9a-f]{8}) vmap @(\\w+)");
    private static final List<String> SCHED_DECLARATION = List.of("typeof numgen inc mod 2 : verdict", "flags interval");

    private NftFastPath() {}

    /** A dynamic set to empty in the same transaction (a removed DR real server's flows). */
    record Flush(String family, String set) {}

    /**
     * The messages that turn OLD into NOW and empty FLUSHES (sequence numbers 0: the batch numbers them), or empty
     * when the change needs more than elements and pick rules.
     */
    static Optional<List<byte[]>> messages(NftLayout old, NftLayout now, List<Flush> flushes) {
        if (old.tables().size() != now.tables().size()) return Optional.empty();
        List<byte[]> out = new ArrayList<>();
        for (int t = 0; t < now.tables().size(); t++) {
            NftLayout.Table before = old.tables().get(t);
            NftLayout.Table after = now.tables().get(t);
            if (!before.family().equals(after.family()) || before.objects().size() != after.objects().size()) {
                return Optional.empty();
            }
            int family = family(after.family());
            // the ruleset lays out the same services' objects in the same order, and hands back the very objects of
            // a service that did not change: compared place by place, a change costs little more than its service
            for (int i = 0; i < after.objects().size(); i++) {
                NftLayout.NftObject o = after.objects().get(i);
                NftLayout.NftObject p = before.objects().get(i);
                if (p == o) continue;
                if (!p.kind().equals(o.kind()) || !p.name().equals(o.name())) return Optional.empty();
                if (p.equals(o)) continue;
                switch (o) {
                    case NftLayout.Collection c when c.kind().equals("map") && !c.dynamic()
                            && c.declaration().equals(SCHED_DECLARATION)
                            && ((NftLayout.Collection) p).declaration().equals(SCHED_DECLARATION) -> {
                        List<NftMessages.Element> elements = elements(c.elements());
                        if (elements == null) return Optional.empty();
                        out.add(NftMessages.flushSet(family, NftLayout.TABLE, c.name(), 0));
                        if (!elements.isEmpty()) {
                            out.add(NftMessages.addElements(family, NftLayout.TABLE, c.name(), elements, 0));
                        }
                    }
                    case NftLayout.Chain c when c.hook() == null && c.name().endsWith("_pick")
                            && ((NftLayout.Chain) p).hook() == null -> {
                        List<byte[]> rules = new ArrayList<>();
                        for (String rule : c.rules()) {
                            List<NftMessages.Expression> e = expressions(after.family(), rule);
                            if (e == null) return Optional.empty();
                            rules.add(NftMessages.addRule(family, NftLayout.TABLE, c.name(), e, 0));
                        }
                        out.add(NftMessages.flushChain(family, NftLayout.TABLE, c.name(), 0));
                        out.addAll(rules);
                    }
                    default -> {
                        return Optional.empty();
                    }
                }
            }
        }
        for (Flush f : flushes) out.add(NftMessages.flushSet(family(f.family()), NftLayout.TABLE, f.set(), 0));
        return Optional.of(out);
    }

    private static int family(String family) {
        return switch (family) {
            case "inet" -> NftMessages.NFPROTO_INET;
            case "netdev" -> NftMessages.NFPROTO_NETDEV;
            default -> throw new IllegalArgumentException("family " + family);
        };
    }

    /**
     * An interval map's elements ("0-1 : goto s1_d0", "2 : goto s1_d1", in order) as nft sends them: each range's
     * start with its verdict, then the number after its end marked as an interval's end; null for another form.
     */
    static List<NftMessages.Element> elements(List<String> ranges) {
        List<NftMessages.Element> out = new ArrayList<>();
        long next = 0;
        for (String r : ranges) {
            Matcher m = RANGE.matcher(r);
            if (!m.matches()) return null;
            long start = Long.parseLong(m.group(1));
            long end = m.group(2) == null ? start : Long.parseLong(m.group(2));
            if (start < next || end < start || end >= 0xffffffffL) return null;
            if (out.isEmpty() && start > 0) {
                // the interval tree starts open: nft marks 0 as an end when the first range does not start there
                out.add(new NftMessages.Element(0, true, null));
            }
            out.add(new NftMessages.Element((int) start, false, m.group(3)));
            out.add(new NftMessages.Element((int) (end + 1), true, null));
            next = end + 1;
        }
        return out;
    }

    /** A pick rule's expressions as nft compiles it, or null for a form this path does not write. */
    static List<NftMessages.Expression> expressions(String family, String rule) {
        Matcher n = NUMGEN.matcher(rule);
        if (n.matches()) {
            return List.of(NftMessages.numgenInc(NftMessages.NFT_REG_1, Integer.parseInt(n.group(1))),
                    NftMessages.hton32(NftMessages.NFT_REG_1), NftMessages.vmap(NftMessages.NFT_REG_1, n.group(2)));
        }
        Matcher j = JHASH.matcher(rule);
        if (j.matches() && family.equals("netdev")) {
            int protocol = switch (j.group(1)) {
                case "tcp" -> 6;
                case "udp" -> 17;
                default -> 132;
            };
            boolean v6 = j.group(2).equals("ip6");
            int addressLength = v6 ? 16 : 4;
            // the address fills 32-bit registers from the second 16-byte one, the port the next 32-bit one
            int portRegister = NftMessages.NFT_REG32_00 + 4 + addressLength / 4;
            // nft names a register by its 16-byte number when the value starts one (an IPv6 address's port)
            if ((portRegister - NftMessages.NFT_REG32_00) % 4 == 0) {
                portRegister = (portRegister - NftMessages.NFT_REG32_00) / 4 + 1;
            }
            return List.of(
                    NftMessages.meta(NftMessages.NFT_META_L4PROTO, NftMessages.NFT_REG_1),
                    NftMessages.cmpEq(NftMessages.NFT_REG_1, new byte[] {(byte) protocol}),
                    NftMessages.meta(NftMessages.NFT_META_PROTOCOL, NftMessages.NFT_REG_1),
                    NftMessages.cmpEq(NftMessages.NFT_REG_1, v6 ? new byte[] {(byte) 0x86, (byte) 0xdd}
                            : new byte[] {0x08, 0x00}),
                    NftMessages.payload(NftMessages.NFT_PAYLOAD_NETWORK_HEADER, v6 ? 8 : 12, addressLength,
                            NftMessages.NFT_REG_2),
                    NftMessages.payload(NftMessages.NFT_PAYLOAD_TRANSPORT_HEADER, 0, 2, portRegister),
                    NftMessages.jhash(NftMessages.NFT_REG_2, NftMessages.NFT_REG_1, addressLength + 4,
                            Integer.parseInt(j.group(3)), Integer.parseUnsignedInt(j.group(4), 16)),
                    NftMessages.hton32(NftMessages.NFT_REG_1),
                    NftMessages.vmap(NftMessages.NFT_REG_1, j.group(5)));
        }
        return null;
    }
}
