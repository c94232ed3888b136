package halo.os;

import static halo.os.RtNetlinkCodec.*;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * rtnetlink requests in the calling thread's network namespace (at open time): links, addresses (VIPs),
 * routes and rules, each acknowledged by the kernel; a refusal becomes a typed {@link NativeException} named
 * after the request (RTM_NEWADDR ...) with the errno and the kernel's own message when it gives one. Changes
 * need CAP_NET_ADMIN. Thread-safe (one request at a time).
 */
public final class RtNetlink implements AutoCloseable {
    private final NetlinkSocket socket;
    private final AtomicInteger sequence = new AtomicInteger((int) (System.nanoTime() & 0x3fffffff));

    private RtNetlink(NetlinkSocket socket) {
        this.socket = socket;
    }

    public static RtNetlink open() throws NativeException {
        return new RtNetlink(new NetlinkSocket(0, false, "requests"));
    }

    // ---- links

    public synchronized List<Link> links() throws NativeException {
        return collect(dump(RTM_GETLINK, AF_UNSPEC, next()), RTM_NEWLINK, RtNetlinkCodec::link, "RTM_GETLINK");
    }

    /** The link named NAME; {@link NativeException.NoSuchDeviceException} if there is none. */
    public synchronized Link link(String name) throws NativeException {
        return single(getLink(next(), 0, name), "RTM_GETLINK", "dev " + name);
    }

    public synchronized Link link(int index) throws NativeException {
        return single(getLink(next(), index, null), "RTM_GETLINK", "ifindex " + index);
    }

    public int interfaceIndex(String name) throws NativeException {
        return link(name).index();
    }

    private Link single(byte[] request, String what, String context) throws NativeException {
        return RtNetlinkCodec.link(singleMessage(request, what, context));
    }

    private Message singleMessage(byte[] request, String what, String context) throws NativeException {
        int seq = seqOf(request);
        socket.send(request, what);
        for (int guard = 0; guard < 1000; guard++) {
            for (Message m : split(socket.receive(what))) {
                if (m.seq() != seq) {
                    continue;
                }
                if (m.type() == NLMSG_ERROR) {
                    throw failure(m, what, context);
                }
                if (m.type() == RTM_NEWLINK) {
                    return m;
                }
            }
        }
        throw new IllegalStateException("no answer to " + what);
    }

    /** ip link set dev DEV up (or down): only IFF_UP changes. */
    public synchronized void setLinkUp(int index, boolean up) throws NativeException {
        ack(RtNetlinkCodec.linkUp(index, up, next()), "RTM_NEWLINK", "ifindex " + index);
    }

    /**
     * ip link add NAME type ipip remote REMOTE [local LOCAL]: an IPv4-in-IPv4 tunnel (down; see
     * {@link RtNetlinkCodec#ipipLink}). A kernel without the ipip module refuses it with EOPNOTSUPP ("Unknown device
     * type"); {@link NativeException.AlreadyExistsException} when NAME exists.
     */
    public synchronized void addIpipTunnel(String name, InetAddress local, InetAddress remote) throws NativeException {
        ack(RtNetlinkCodec.ipipLink(name, local, remote, next()), "RTM_NEWLINK", "ipip " + name + " remote "
                + remote.getHostAddress());
    }

    /**
     * The kind of the link named NAME ("macvlan", "veth", "bridge"...; null for a physical one or one without kind);
     * {@link NativeException.NoSuchDeviceException} if there is none.
     */
    public synchronized String linkKind(String name) throws NativeException {
        return RtNetlinkCodec.linkKind(singleMessage(getLink(next(), 0, name), "RTM_GETLINK", "dev " + name));
    }

    /**
     * Creates the macvlan NAME on link LOWER with hardware address MAC in private mode, as keepalived's use_vmac does;
     * {@link NativeException.AlreadyExistsException} when NAME exists. Returns the new link.
     */
    public synchronized Link addPrivateMacvlan(String name, int lower, byte[] mac) throws NativeException {
        ack(RtNetlinkCodec.newMacvlan(name, lower, mac, MACVLAN_MODE_PRIVATE, next()), "RTM_NEWLINK", "macvlan " + name);
        return single(getLink(next(), 0, name), "RTM_GETLINK", "dev " + name);
    }

    /** ip link del: removes link INDEX (its addresses and routes go with it). */
    public synchronized void removeLink(int index) throws NativeException {
        ack(RtNetlinkCodec.deleteLink(index, next()), "RTM_DELLINK", "ifindex " + index);
    }

    /** IPv4 devconf ids (linux/ip.h IPV4_DEVCONF_*), the sysctls of net.ipv4.conf.IF. */
    public static final int IPV4_DEVCONF_RP_FILTER = 8;
    public static final int IPV4_DEVCONF_ARPFILTER = 13;
    public static final int IPV4_DEVCONF_ARP_IGNORE = 19;
    public static final int IPV4_DEVCONF_PROMOTE_SECONDARIES = 20;
    public static final int IPV4_DEVCONF_ACCEPT_LOCAL = 23;

    /**
     * Sets net.ipv4.conf.IF values of link INDEX through rtnetlink (IFLA_INET_CONF), as keepalived does when the
     * kernel has IPv4 devconf: IDS_AND_VALUES are pairs (IPV4_DEVCONF_* id, value).
     */
    public synchronized void setIpv4Conf(int index, int... idsAndValues) throws NativeException {
        ack(RtNetlinkCodec.ipv4Conf(index, idsAndValues, next()), "RTM_NEWLINK", "ifindex " + index + " ipv4 conf");
    }

    /** The net.ipv4.conf.IF value ID (IPV4_DEVCONF_*) of link INDEX, or -1 when the kernel does not report it. */
    public synchronized int ipv4Conf(int index, int id) throws NativeException {
        return RtNetlinkCodec.ipv4Conf(singleMessage(getLink(next(), index, null), "RTM_GETLINK", "ifindex " + index), id);
    }

    /** IPv6 addr_gen_mode none on link INDEX: the kernel gives it no link-local address of its own. */
    public synchronized void disableAddressGeneration(int index) throws NativeException {
        ack(RtNetlinkCodec.noAddressGeneration(index, next()), "RTM_NEWLINK", "ifindex " + index + " addr_gen_mode");
    }

    // ---- addresses

    /** Every address on every link (IPv4 and IPv6). */
    public synchronized List<HostAddress> addresses() throws NativeException {
        return collect(dump(RTM_GETADDR, AF_UNSPEC, next()), RTM_NEWADDR, RtNetlinkCodec::address, "RTM_GETADDR");
    }

    public List<HostAddress> addresses(int ifindex) throws NativeException {
        return addresses().stream().filter(a -> a.interfaceIndex() == ifindex).toList();
    }

    /**
     * The address VRRP adverts leave from on interface IFINDEX when no unicast_src_ip is set, as keepalived picks
     * it: for IPv4 the interface's first primary (not secondary) address, for IPv6 its link-local address (RFC 5798
     * 5.1.2.1). Null when there is none (or, for IPv6, it is still tentative).
     */
    public InetAddress primaryAddress(int ifindex, boolean ipv6) throws NativeException {
        for (HostAddress a : addresses(ifindex)) {
            if (a.isIpv6() != ipv6) {
                continue;
            }
            if (ipv6) {
                if (a.address().isLinkLocalAddress() && (a.flags() & HostAddress.IFA_F_TENTATIVE) == 0) {
                    return a.address();
                }
            } else if ((a.flags() & HostAddress.IFA_F_SECONDARY) == 0) {
                return a.address();
            }
        }
        return null;
    }

    /** ip addr add; {@link NativeException.AlreadyExistsException} (EEXIST) when it is already there. */
    public synchronized void addAddress(HostAddress address) throws NativeException {
        ack(RtNetlinkCodec.address(RTM_NEWADDR, address, next()), "RTM_NEWADDR", address);
    }

    /** ip addr del; {@link NativeException.NotFoundException} (EADDRNOTAVAIL) when it is not there. */
    public synchronized void removeAddress(HostAddress address) throws NativeException {
        ack(RtNetlinkCodec.address(RTM_DELADDR, address, next()), "RTM_DELADDR", address);
    }

    // ---- routes

    /** Routes of one family in TABLE (254 main, 255 local ...), or in every table when TABLE is 0. */
    public synchronized List<Route> routes(boolean ipv6, int table) throws NativeException {
        List<Route> all = collect(dump(RTM_GETROUTE, ipv6 ? AF_INET6 : AF_INET, next()), RTM_NEWROUTE,
                RtNetlinkCodec::route, "RTM_GETROUTE");
        return table == 0 ? all : all.stream().filter(r -> r.table() == table).toList();
    }

    public synchronized void addRoute(Route route) throws NativeException {
        ack(RtNetlinkCodec.route(RTM_NEWROUTE, route, next()), "RTM_NEWROUTE", route);
    }

    public synchronized void removeRoute(Route route) throws NativeException {
        ack(RtNetlinkCodec.route(RTM_DELROUTE, route, next()), "RTM_DELROUTE", route);
    }

    // ---- rules

    public synchronized List<Rule> rules(boolean ipv6) throws NativeException {
        return collect(dump(RTM_GETRULE, ipv6 ? AF_INET6 : AF_INET, next()), RTM_NEWRULE, RtNetlinkCodec::rule,
                "RTM_GETRULE");
    }

    public synchronized void addRule(Rule rule) throws NativeException {
        ack(RtNetlinkCodec.rule(RTM_NEWRULE, rule, next()), "RTM_NEWRULE", rule);
    }

    public synchronized void removeRule(Rule rule) throws NativeException {
        ack(RtNetlinkCodec.rule(RTM_DELRULE, rule, next()), "RTM_DELRULE", rule);
    }

    // ---- plumbing

    private final int firstSequence = sequence.get();

    private int next() {
        return sequence.incrementAndGet();
    }

    /** Requests sent so far (each takes a sequence number). */
    int requestsSent() {
        return sequence.get() - firstSequence;
    }

    private static int seqOf(byte[] request) {
        return ByteBuffer.wrap(request).order(java.nio.ByteOrder.nativeOrder()).getInt(8);
    }

    /**
     * Sends REQUEST and waits for its acknowledgement. SUBJECT (an address, route or rule) is described for an error
     * message only, and only then: naming its interface costs a netlink round trip, which a VIP added at failover
     * must not wait for (nor for a lambda's class, made at its first use).
     */
    private void ack(byte[] request, String what, Object subject) throws NativeException {
        int seq = seqOf(request);
        socket.send(request, what);
        for (int guard = 0; guard < 1000; guard++) {
            for (Message m : split(socket.receive(what))) {
                if (m.seq() == seq && m.type() == NLMSG_ERROR) {
                    if (errorOf(m) == 0) {
                        return;
                    }
                    throw failure(m, what, describe(subject));
                }
            }
        }
        throw new IllegalStateException("no acknowledgement of " + what);
    }

    private <T> List<T> collect(byte[] request, int type, Function<Message, T> decode, String what) throws NativeException {
        int seq = seqOf(request);
        socket.send(request, what);
        List<T> out = new ArrayList<>();
        // A dump comes in several datagrams, ended by NLMSG_DONE.
        for (int guard = 0; guard < 100_000; guard++) {
            for (Message m : split(socket.receive(what))) {
                if (m.seq() != seq) {
                    continue;
                }
                if (m.type() == NLMSG_DONE) {
                    return out;
                }
                if (m.type() == NLMSG_ERROR) {
                    throw failure(m, what, "dump");
                }
                if (m.type() == type) {
                    T item = decode.apply(m);
                    if (item != null) {
                        out.add(item);
                    }
                }
            }
        }
        throw new IllegalStateException(what + " dump did not end");
    }

    private NativeException failure(Message m, String what, String context) {
        String kernel = extendedAckMessage(m, socket.cappedAcks);
        String detail = kernel == null ? context : context + " (kernel: " + kernel + ")";
        return NativeException.of(what, errorOf(m), detail, Capabilities.CAP_NET_ADMIN);
    }

    private String describe(HostAddress a) {
        StringBuilder sb = new StringBuilder(a.address().getHostAddress()).append('/').append(a.prefixLength());
        sb.append(" dev ").append(linkName(a.interfaceIndex()));
        if (a.label() != null) {
            sb.append(" label ").append(a.label());
        }
        return sb.toString();
    }

    private String describe(Object subject) {
        if (subject instanceof HostAddress a) {
            return describe(a);
        }
        return subject instanceof Route r ? describe(r) : String.valueOf(subject);
    }

    private String describe(Route r) {
        String s = r.toString();
        return r.interfaceIndex() == 0 ? s : s.replace("ifindex " + r.interfaceIndex(), "dev " + linkName(r.interfaceIndex()));
    }

    /** The link's name for messages ("ifindex N" when it cannot be found). */
    private String linkName(int index) {
        try {
            return single(getLink(next(), index, null), "RTM_GETLINK", "").name();
        } catch (NativeException | RuntimeException e) {
            return "ifindex " + index;
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
