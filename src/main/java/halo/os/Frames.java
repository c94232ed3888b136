package halo.os;

import java.net.Inet4Address;
import java.net.Inet6Address;

/**
 * The Ethernet frames Halo sends on becoming MASTER so that neighbours learn where the VIPs now are, built as
 * keepalived builds them (vrrp_arp.c, vrrp_ndisc.c).
 */
public final class Frames {
    public static final int ETH_P_ARP = 0x0806;
    public static final int ETH_P_IPV6 = 0x86dd;
    public static final int GARP_LENGTH = 14 + 28;
    public static final int NA_LENGTH = 14 + 40 + 24 + 8;
    static final byte[] BROADCAST = {-1, -1, -1, -1, -1, -1};
    /** RFC 2464 7: ff02::1 maps to 33:33:00:00:00:01. */
    static final byte[] ALL_NODES_MAC = {0x33, 0x33, 0, 0, 0, 1};
    static final byte[] ALL_NODES = {(byte) 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

    private Frames() {}

    /**
     * A gratuitous ARP in request form: broadcast, sender and target protocol address both the VIP, target
     * hardware address ff:ff:ff:ff:ff:ff (as keepalived sends it), sender hardware address MAC.
     */
    public static byte[] gratuitousArp(byte[] mac, Inet4Address vip) {
        checkMac(mac);
        byte[] f = new byte[GARP_LENGTH];
        System.arraycopy(BROADCAST, 0, f, 0, 6);
        System.arraycopy(mac, 0, f, 6, 6);
        f[12] = 0x08;
        f[13] = 0x06;
        f[14] = 0; // ar_hrd ARPHRD_ETHER
        f[15] = 1;
        f[16] = 0x08; // ar_pro ETHERTYPE_IP
        f[17] = 0;
        f[18] = 6; // ar_hln
        f[19] = 4; // ar_pln
        f[20] = 0; // ar_op ARPOP_REQUEST
        f[21] = 1;
        System.arraycopy(mac, 0, f, 22, 6); // sender hardware address
        System.arraycopy(vip.getAddress(), 0, f, 28, 4); // sender protocol address
        System.arraycopy(BROADCAST, 0, f, 32, 6); // target hardware address
        System.arraycopy(vip.getAddress(), 0, f, 38, 4); // target protocol address
        return f;
    }

    /**
     * An unsolicited Neighbour Advertisement (RFC 4861 4.4, 7.2.6) for TARGET: from TARGET to ff02::1 (all nodes,
     * 33:33:00:00:00:01), hop limit 255, Override set (update caches), Router set when ROUTER, with a target
     * link-layer address option carrying MAC; the ICMPv6 checksum over the pseudo-header.
     */
    public static byte[] unsolicitedNeighbourAdvert(byte[] mac, Inet6Address target, boolean router) {
        checkMac(mac);
        byte[] f = new byte[NA_LENGTH];
        System.arraycopy(ALL_NODES_MAC, 0, f, 0, 6);
        System.arraycopy(mac, 0, f, 6, 6);
        f[12] = (byte) 0x86;
        f[13] = (byte) 0xdd;
        int ip = 14;
        f[ip] = 0x60; // version 6, traffic class 0, flow label 0
        f[ip + 4] = 0;
        f[ip + 5] = 32; // payload length: NA 24 + option 8
        f[ip + 6] = 58; // next header ICMPv6
        f[ip + 7] = (byte) 255; // RFC 4861 7.1.2: hop limit 255
        System.arraycopy(target.getAddress(), 0, f, ip + 8, 16);
        System.arraycopy(ALL_NODES, 0, f, ip + 24, 16);
        int icmp = ip + 40;
        f[icmp] = (byte) 136; // Neighbor Advertisement
        f[icmp + 1] = 0;
        // RFC 4861 4.4: R (0x80) router, S (0x40) solicited - never for unsolicited, O (0x20) override
        f[icmp + 4] = (byte) ((router ? 0x80 : 0) | 0x20);
        System.arraycopy(target.getAddress(), 0, f, icmp + 8, 16);
        f[icmp + 24] = 2; // option: target link-layer address
        f[icmp + 25] = 1; // length in units of 8 bytes
        System.arraycopy(mac, 0, f, icmp + 26, 6);
        int sum = Checksums.ipv6Checksum(target.getAddress(), ALL_NODES, 58, f, icmp, 32);
        f[icmp + 2] = (byte) (sum >>> 8);
        f[icmp + 3] = (byte) sum;
        return f;
    }

    private static void checkMac(byte[] mac) {
        if (mac == null || mac.length != 6) {
            throw new IllegalArgumentException("need a 6-byte Ethernet address");
        }
    }
}
