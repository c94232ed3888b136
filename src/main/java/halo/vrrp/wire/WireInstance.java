package halo.vrrp.wire;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;

/**
 * What one VRRP instance puts on the wire and expects from it: configuration (family, version, VRID, interval,
 * addresses, authentication, unicast, checksum knobs) plus the little wire state keepalived keeps (the unicast
 * checksum compatibility mode it may switch to, the IPSEC-AH sequence number, the last master's address for
 * {@code skip_check_adv_addr}). Shared by {@link AdvertEncoder} and {@link AdvertValidator}; set up once, then used
 * without allocation. Not thread-safe. Set {@link #family} and {@link #version} first: addresses, interval and group
 * are checked against them.
 */
public final class WireInstance {
    /** keepalived's {@code chksum_compatibility_t}: whether VRRPv3 unicast uses the checksum of keepalived 1.3.6 and earlier. */
    public enum UnicastChecksumCompat {
        /** Default: the real destination in the pseudo-header, switching to {@link #AUTO} if a peer uses the old form. */
        NONE,
        /** {@code unicast_chksum_compat never}: never switch. */
        NEVER,
        /** {@code unicast_chksum_compat}: configured to use the old form. */
        CONFIG,
        /** Switched to the old form after receiving an advert that uses it. */
        AUTO;

        /** True when the multicast group, not the unicast peer, goes into the IPv4 pseudo-header. */
        public boolean usesOldForm() {
            return this == CONFIG || this == AUTO;
        }
    }

    /** 224.0.0.18, "The IPv4 multicast address as assigned by the IANA for VRRP" (RFC 5798 5.1.1.2). */
    public static final byte[] IPV4_GROUP = {(byte) 224, 0, 0, 18};
    /** ff02::12, the IPv6 multicast address assigned by the IANA for VRRP (RFC 5798 5.1.2.2). */
    public static final byte[] IPV6_GROUP = {(byte) 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12};

    private IpFamily family = IpFamily.IPV4;
    private int version = VrrpMessage.VERSION_2;
    private int vrid = 1;
    private int advertIntervalCentis = 100;
    private byte[] addresses = new byte[0];
    private int addressCount;
    private int authType = VrrpMessage.AUTH_NONE;
    private final byte[] authData = new byte[VrrpMessage.AUTH_DATA_LENGTH];
    private boolean unicast;
    private boolean checksumAsV2;
    private UnicastChecksumCompat unicastChecksumCompat = UnicastChecksumCompat.NONE;
    private final byte[] multicastGroup = new byte[16];
    private final byte[] source = new byte[16];
    private int ttl = Ipv4Header.VRRP_TTL;
    private boolean skipCheckAdvAddr;
    private final byte[] lastMaster = new byte[16];
    private boolean lastMasterKnown;
    private long ahSequence;
    private boolean ahCycled;
    private byte[] peers = new byte[0];
    private int[] peerMinTtl = new int[0];
    private int[] peerMaxTtl = new int[0];
    private int peerCount;
    private boolean checkUnicastSource;
    private boolean acceptOwnerAddressMismatch = true;
    // The encoder's cache: the checksum sum of an advert to txSumDestination with priority 0 (the message's other
    // fields and the pseudo-header are this configuration's), so an advert's checksum is one addition. Every setter
    // that changes what the message or pseudo-header holds clears it.
    private boolean txSumValid;
    private long txSum;
    private final byte[] txSumDestination = new byte[16];

    public WireInstance() {
        System.arraycopy(IPV4_GROUP, 0, multicastGroup, 0, 4);
    }

    // ---- configuration ----

    /** Sets the family; also resets the multicast group to the family's default. */
    public WireInstance family(IpFamily family) {
        this.family = family;
        Arrays.fill(multicastGroup, (byte) 0);
        byte[] group = family == IpFamily.IPV4 ? IPV4_GROUP : IPV6_GROUP;
        System.arraycopy(group, 0, multicastGroup, 0, group.length);
        txSumValid = false;
        return this;
    }

    public WireInstance version(int version) {
        if (version != VrrpMessage.VERSION_2 && version != VrrpMessage.VERSION_3) {
            throw new IllegalArgumentException("VRRP version must be 2 or 3: " + version);
        }
        this.version = version;
        txSumValid = false;
        return this;
    }

    public WireInstance vrid(int vrid) {
        if (vrid < 1 || vrid > 255) {
            throw new IllegalArgumentException("virtual_router_id must be 1..255: " + vrid);
        }
        this.vrid = vrid;
        txSumValid = false;
        return this;
    }

    /** The configured advert interval in centiseconds (v2: whole seconds x 100; v3: 1..4095). Set {@link #version} first: the range depends on it. */
    public WireInstance advertIntervalCentis(int centis) {
        if (centis < 1 || centis > VrrpMessage.MAX_ADVERT_INTERVAL_CENTIS && version == VrrpMessage.VERSION_3
                || version == VrrpMessage.VERSION_2 && (centis % 100 != 0 || centis > 25500)) {
            throw new IllegalArgumentException("advert interval out of range for VRRPv" + version + ": " + centis + " cs");
        }
        this.advertIntervalCentis = centis;
        txSumValid = false;
        return this;
    }

    /** The virtual addresses carried in adverts, in configuration order (each of the family's length). */
    public WireInstance addresses(List<InetAddress> virtualAddresses) {
        if (virtualAddresses.size() > 255) {
            throw new IllegalArgumentException("at most 255 addresses fit in an advert");
        }
        byte[] packed = new byte[virtualAddresses.size() * family.addressLength];
        for (int i = 0; i < virtualAddresses.size(); i++) {
            byte[] a = virtualAddresses.get(i).getAddress();
            if (a.length != family.addressLength) {
                throw new IllegalArgumentException("address " + virtualAddresses.get(i) + " is not " + family);
            }
            System.arraycopy(a, 0, packed, i * family.addressLength, a.length);
        }
        this.addresses = packed;
        this.addressCount = virtualAddresses.size();
        txSumValid = false;
        return this;
    }

    /** Sets v2 authentication with its password (null for none). */
    public WireInstance authentication(AuthType type, String password) {
        return authentication(type.wireValue, password);
    }

    /** Sets v2 authentication: {@link VrrpMessage#AUTH_NONE}, {@link VrrpMessage#AUTH_PASS} or {@link VrrpMessage#AUTH_AH} with the password. */
    public WireInstance authentication(int authType, String password) {
        if (authType < VrrpMessage.AUTH_NONE || authType > VrrpMessage.AUTH_AH) {
            throw new IllegalArgumentException("auth type must be 0, 1 (PASS) or 2 (AH): " + authType);
        }
        this.authType = authType;
        byte[] data = password == null ? new byte[VrrpMessage.AUTH_DATA_LENGTH] : AuthData.fromPassword(password);
        System.arraycopy(data, 0, authData, 0, authData.length);
        txSumValid = false;
        return this;
    }

    /** True for an instance with unicast peers (keepalived skips the TTL check and expects unicast destinations). */
    public WireInstance unicast(boolean unicast) {
        this.unicast = unicast;
        return this;
    }

    /**
     * Adds a {@code unicast_peer} with keepalived's {@code min_ttl}/{@code max_ttl} (0 and 255 when not given) and
     * makes the instance unicast. Peers are only checked with {@link #checkUnicastSource(boolean)}.
     */
    public WireInstance unicastPeer(InetAddress peer, int minTtl, int maxTtl) {
        byte[] a = peer.getAddress();
        if (a.length != family.addressLength) {
            throw new IllegalArgumentException("peer " + peer + " is not " + family);
        }
        peers = Arrays.copyOf(peers, (peerCount + 1) * family.addressLength);
        System.arraycopy(a, 0, peers, peerCount * family.addressLength, a.length);
        peerMinTtl = Arrays.copyOf(peerMinTtl, peerCount + 1);
        peerMaxTtl = Arrays.copyOf(peerMaxTtl, peerCount + 1);
        peerMinTtl[peerCount] = minTtl;
        peerMaxTtl[peerCount] = maxTtl;
        peerCount++;
        unicast = true;
        return this;
    }

    /** keepalived's {@code vrrp_check_unicast_src} / {@code check_unicast_src}: accept unicast adverts from configured peers only. */
    public WireInstance checkUnicastSource(boolean check) {
        this.checkUnicastSource = check;
        return this;
    }

    /**
     * Whether an address-list mismatch from the address owner (priority 255) is accepted, as RFC 3768/5798 7.1 say
     * ("If the packet was not generated by the address owner ... MUST drop the packet, otherwise continue
     * processing"); default true. keepalived 2.2.7 drops it like any other mismatch: false does the same.
     */
    public WireInstance acceptOwnerAddressMismatch(boolean accept) {
        this.acceptOwnerAddressMismatch = accept;
        return this;
    }

    public boolean acceptOwnerAddressMismatch() {
        return acceptOwnerAddressMismatch;
    }

    /** keepalived's {@code v3_checksum_as_v2}: leave the IPv4 pseudo-header out of the VRRPv3 checksum. */
    public WireInstance checksumAsV2(boolean checksumAsV2) {
        this.checksumAsV2 = checksumAsV2;
        txSumValid = false;
        return this;
    }

    public WireInstance unicastChecksumCompat(UnicastChecksumCompat compat) {
        this.unicastChecksumCompat = compat;
        txSumValid = false;
        return this;
    }

    /** The multicast group (keepalived's {@code vrrp_mcast_group4} / {@code vrrp_mcast_group6}). */
    public WireInstance multicastGroup(InetAddress group) {
        byte[] a = group.getAddress();
        if (a.length != family.addressLength) {
            throw new IllegalArgumentException("group " + group + " is not " + family);
        }
        System.arraycopy(a, 0, multicastGroup, 0, a.length);
        txSumValid = false;
        return this;
    }

    /** The address adverts are sent from (IPv4: the interface's primary address or unicast_src_ip; IPv6: link-local). */
    public WireInstance source(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length != family.addressLength) {
            throw new IllegalArgumentException("source " + address + " is not " + family);
        }
        System.arraycopy(a, 0, source, 0, a.length);
        txSumValid = false;
        return this;
    }

    /** Same as {@link #source(InetAddress)} from raw bytes, without allocation (for source address changes at run time). */
    public WireInstance source(byte[] address, int offset) {
        System.arraycopy(address, offset, source, 0, family.addressLength);
        txSumValid = false;
        return this;
    }

    public WireInstance ttl(int ttl) {
        this.ttl = ttl;
        return this;
    }

    /** keepalived's {@code skip_check_adv_addr}: don't check the addresses of adverts from the master already heard. */
    public WireInstance skipCheckAdvAddr(boolean skip) {
        this.skipCheckAdvAddr = skip;
        return this;
    }

    // ---- state ----

    /** Records the master whose adverts were last accepted (the state machine calls this; used by skip_check_adv_addr). */
    public void lastMaster(PacketInfo from) {
        from.copySource(lastMaster, 0);
        lastMasterKnown = true;
    }

    public void forgetLastMaster() {
        lastMasterKnown = false;
    }

    /** The IPSEC-AH sequence number keepalived keeps per instance, shared by sending (incremented) and receiving (last seen). */
    public long ahSequence() {
        return ahSequence;
    }

    public void ahSequence(long sequence) {
        this.ahSequence = sequence & 0xffffffffL;
    }

    /** True once the AH sequence number reached 0xFFFFFFFD and stopped ("we stop sending adverts and become BACKUP"). */
    public boolean ahCycled() {
        return ahCycled;
    }

    public void ahCycled(boolean cycled) {
        this.ahCycled = cycled;
    }

    // ---- accessors ----

    public IpFamily family() {
        return family;
    }

    public int version() {
        return version;
    }

    public int vrid() {
        return vrid;
    }

    public int advertIntervalCentis() {
        return advertIntervalCentis;
    }

    public int addressCount() {
        return addressCount;
    }

    /** Copies virtual address {@code index} into {@code destination}. */
    public void copyAddress(int index, byte[] destination, int offset) {
        System.arraycopy(addresses, index * family.addressLength, destination, offset, family.addressLength);
    }

    byte[] addressBytes() {
        return addresses;
    }

    public int authType() {
        return authType;
    }

    byte[] authData() {
        return authData;
    }

    public boolean unicast() {
        return unicast;
    }

    public boolean checksumAsV2() {
        return checksumAsV2;
    }

    public UnicastChecksumCompat unicastChecksumCompat() {
        return unicastChecksumCompat;
    }

    byte[] multicastGroupBytes() {
        return multicastGroup;
    }

    byte[] sourceBytes() {
        return source;
    }

    public int ttl() {
        return ttl;
    }

    public boolean skipCheckAdvAddr() {
        return skipCheckAdvAddr;
    }

    public int unicastPeerCount() {
        return peerCount;
    }

    public boolean checkUnicastSource() {
        return checkUnicastSource;
    }

    /** Index of the unicast peer whose address is the sender's, or -1. */
    int peerIndex(PacketInfo info) {
        for (int i = 0; i < peerCount; i++) {
            if (info.sourceEquals(peers, i * family.addressLength)) {
                return i;
            }
        }
        return -1;
    }

    int peerMinTtl(int index) {
        return peerMinTtl[index];
    }

    int peerMaxTtl(int index) {
        return peerMaxTtl[index];
    }

    boolean lastMasterKnown() {
        return lastMasterKnown;
    }

    byte[] lastMasterBytes() {
        return lastMaster;
    }

    /** The cached sum for an advert to {@code destination} at priority 0, or -1 when there is none. */
    long cachedTxSum(byte[] destination, int offset) {
        int n = family.addressLength;
        return txSumValid && Arrays.equals(txSumDestination, 0, n, destination, offset, offset + n) ? txSum : -1;
    }

    void cacheTxSum(byte[] destination, int offset, long sum) {
        System.arraycopy(destination, offset, txSumDestination, 0, family.addressLength);
        txSum = sum;
        txSumValid = true;
    }

    /** Message length of this instance's adverts. */
    public int messageLength() {
        return VrrpMessage.expectedLength(version, addressCount, family);
    }

    /** The checksum form this instance uses (and expects) for its version and family. */
    public VrrpChecksum.Form checksumForm() {
        if (family == IpFamily.IPV6) {
            return VrrpChecksum.Form.IPV6_PSEUDO_HEADER;
        }
        return version == VrrpMessage.VERSION_3 && !checksumAsV2 ? VrrpChecksum.Form.IPV4_PSEUDO_HEADER : VrrpChecksum.Form.MESSAGE_ONLY;
    }
}
