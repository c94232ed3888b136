package halo.lvs.conn;

import halo.lvs.Protocol;
import halo.lvs.IpvsService;
import halo.lvs.ServiceFlag;
import halo.lvs.ServiceKey;
import halo.lvs.sched.Destination;
import halo.lvs.sched.Flow;
import halo.lvs.sched.Locality;
import halo.lvs.sched.Scheduler;
import halo.lvs.sched.Schedulers;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * One IPVS virtual service as a data plane that terminates connections needs it: where a new connection goes
 * (ip_vs_schedule, ip_vs_sched_persist), the connection table and persistence templates (ip_vs_conn.c), the TCP and
 * UDP states and timeouts (ip_vs_proto_tcp.c, ip_vs_proto_udp.c), the real servers' active, inactive and persistent
 * counts that drive the schedulers and the thresholds, and the traffic counters and rates (ip_vs_est.c).
 *
 * <p>Pure: no I/O, no threads; time is passed in as {@code now} (nanoseconds, one monotonic clock), and one thread
 * owns an instance. A data plane calls {@link #open} for a connection's first packet (a TCP proxy: when it accepts),
 * then reports what each side sends with {@link #received} (from the client) and {@link #sent} (from the real server
 * towards the client), and calls {@link #expire} about every second; entries leave the table only there (or when a
 * real server's removal flushes them, with expire_nodest_conn on), each reported to the listener.
 *
 * <p>A TCP proxy's events map onto the segments IPVS would see in NAT mode: accepted = {@code open} (the client's
 * SYN: SYN_RECV); connected to the real server = {@link #established} (its SYN+ACK, then the client's ACK);
 * the client's end of stream = {@code received(FIN)}, the server's = {@code sent(FIN)} (the first gives CLOSE_WAIT or
 * FIN_WAIT, the second TIME_WAIT); a reset = {@code RST} from that side (CLOSE); data = {@code ACK}. A closed
 * connection stays listed as IPVS lists it until its state's timeout.
 *
 * <p>Removed real servers (expire_nodest_conn, {@link Settings#expireNodestConn()}): by default (0) their connections
 * keep their entries until their timeouts; {@link #received} answers {@link Verdict#DROP} for the client's traffic
 * (the kernel drops those packets and does not renew the entry), and if the server is added back first they carry
 * on. With it on, the removal ends them at once (reported to the listener: close them).
 */
public final class ServiceConnections {
    /** What the data plane does with client traffic it reported to {@link #received}. */
    public enum Verdict {
        /** Forward it. */
        FORWARD,
        /** The real server was removed (expire_nodest_conn 0): do not forward; the entry stays until its timeout. */
        DROP,
        /** The entry has ended (expired, or just now: expire_nodest_conn 1): close the connection. */
        CLOSED
    }

    /** FTPPORT: a persistent FTP service's templates carry no ports. */
    static final int FTP_PORT = 21;
    /** ip_vs_conn_expire: a template still controlling connections is looked at again after 60 s. */
    static final long CONTROL_RECHECK_NANOS = 60_000_000_000L;

    private final ServiceKey key;
    private final Settings settings;
    private final RandomGenerator random;
    private final boolean ipv6;
    private final int servicePort;
    private final boolean fwmark;
    private final long virtualHigh, virtualLow;
    private final long fwmarkHigh, fwmarkLow;

    private String schedulerName;
    private int flags;
    private Scheduler scheduler;
    private int persistenceTimeoutSeconds;
    private int netmask;
    private long maskHigh, maskLow;

    private final List<Destination> destinations = new ArrayList<>();
    private final List<RealServer> realServers = new ArrayList<>();
    private final List<RealServer> trash = new ArrayList<>();
    private final Counters counters = new Counters();

    private final ConnectionIndex connections = new ConnectionIndex();
    private final ConnectionIndex templates = new ConnectionIndex();
    private Connection first, last;
    private int entries;
    private Connection[] heap = new Connection[64];
    private int heapSize;

    private Consumer<Connection> listener = c -> {};
    private long now;
    private long nextLocalityCheck;

    /**
     * A service with no real servers yet.
     *
     * @param scheduler          the kernel's scheduler name ({@link Schedulers#NAMES})
     * @param flags              {@link ServiceFlag#bits} bits (one-packet and the scheduler's)
     * @param persistenceTimeout seconds, 0 for no persistence
     * @param netmask            persistence granularity: an IPv4 netmask as a 32-bit number (0xffffffff = /32), or an
     *                           IPv6 prefix length (1..128)
     * @param settings           the timeouts and sysctls this service shares with the others
     * @param random             for twos
     */
    public ServiceConnections(ServiceKey key, String scheduler, int flags, int persistenceTimeout, int netmask,
                              Settings settings, RandomGenerator random, long now) {
        this.key = Objects.requireNonNull(key, "key");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.random = Objects.requireNonNull(random, "random");
        this.now = now;
        this.ipv6 = key.ipv6();
        switch (key) {
            case ServiceKey.Inet inet -> {
                byte[] a = inet.address().getAddress();
                virtualHigh = Connection.high(a);
                virtualLow = Connection.low(a);
                servicePort = inet.port();
                fwmark = false;
                fwmarkHigh = fwmarkLow = 0;
            }
            case ServiceKey.Fwmark f -> {
                virtualHigh = virtualLow = 0;
                servicePort = 0;
                fwmark = true;
                // the template's vaddr is htonl(fwmark) in the address's first 32 bits (ip_vs_sched_persist)
                long mark = f.mark() & 0xffffffffL;
                fwmarkHigh = ipv6 ? mark << 32 : 0;
                fwmarkLow = ipv6 ? 0 : mark;
            }
        }
        edit(scheduler, flags, persistenceTimeout, netmask);
        counters.start(now);
        nextLocalityCheck = now + Locality.CHECK_EXPIRE_INTERVAL_NANOS;
    }

    /** A table for SERVICE's settings (its destinations are added one by one). */
    public static ServiceConnections of(IpvsService service, Settings settings, RandomGenerator random, long now) {
        return new ServiceConnections(service.key(), service.scheduler().kernelName(), ServiceFlag.bits(service.flags()),
                service.persistence().timeoutSeconds(), service.persistence().netmask(), settings, random, now);
    }

    /** {@code ipvsadm -E} with SERVICE's settings. */
    public void edit(IpvsService service) {
        edit(service.scheduler().kernelName(), ServiceFlag.bits(service.flags()), service.persistence().timeoutSeconds(),
                service.persistence().netmask());
    }

    /** The service's counters and rates. */
    public Counters counters() {
        return counters;
    }

    public ServiceKey key() {
        return key;
    }

    /**
     * Receives every connection (not template) as it leaves the table, from within {@link #expire},
     * {@link #open}, {@link #received} or {@link #removeDestination}; the data plane closes it if still open, and
     * does not call back into this service from there.
     */
    public void listener(Consumer<Connection> onEnded) {
        this.listener = Objects.requireNonNull(onEnded, "onEnded");
    }

    /**
     * {@code ipvsadm -E} (ip_vs_edit_service): a new scheduler starts from the current real servers; the scheduler
     * is kept (with its state) when the name is the same. New persistence settings apply to new templates; existing
     * ones keep their timeouts.
     */
    public void edit(String schedulerName, int flags, int persistenceTimeout, int netmask) {
        Objects.requireNonNull(schedulerName, "schedulerName");
        boolean flagsRead = schedulerName.equals("sh") || schedulerName.equals("mh");
        if (!schedulerName.equals(this.schedulerName) || flagsRead && flags != this.flags) {
            // sh and mh take their flags when they are made (the kernel reads svc->flags at each pick): a flag
            // change makes a new one, which builds the same table; other schedulers keep their cursor.
            this.scheduler = Schedulers.byName(schedulerName, flags, random, () -> this.now);
            this.scheduler.update(destinations);
        }
        this.schedulerName = schedulerName;
        this.flags = flags;
        if (persistenceTimeout < 0) {
            throw new IllegalArgumentException("persistence timeout < 0: " + persistenceTimeout);
        }
        this.persistenceTimeoutSeconds = persistenceTimeout;
        this.netmask = netmask;
        if (ipv6) {
            if (netmask < 1 || netmask > 128) {
                throw new IllegalArgumentException("IPv6 prefix length out of 1..128: " + netmask);
            }
            maskHigh = netmask >= 64 ? -1L : -1L << (64 - netmask);
            maskLow = netmask <= 64 ? 0 : netmask == 128 ? -1L : -1L << (128 - netmask);
        } else {
            maskHigh = 0;
            maskLow = netmask & 0xffffffffL;
        }
    }

    public String schedulerName() {
        return schedulerName;
    }

    public int flags() {
        return flags;
    }

    public int persistenceTimeout() {
        return persistenceTimeoutSeconds;
    }

    public int netmask() {
        return netmask;
    }

    /** The real servers in the kernel's list order (newest first), as the scheduler sees them. */
    public List<RealServer> realServers() {
        return Collections.unmodifiableList(realServers);
    }

    /** The real server at ADDRESS:PORT, or null (removed ones are not listed). */
    public RealServer realServer(InetAddress address, int port) {
        for (RealServer r : realServers) {
            if (r.destination.port() == port && r.destination.address().equals(address)) {
                return r;
            }
        }
        return null;
    }

    /**
     * {@code ipvsadm -a} (ip_vs_add_dest): a server removed earlier and still known (its connections or templates
     * remain, or it was removed less than 2 minutes after they ended) comes back with its counts and connections,
     * as the kernel takes it from its trash.
     *
     * @throws IllegalStateException "Destination already exists"
     */
    public RealServer addDestination(InetAddress address, int port, int weight, int upperThreshold,
                                     int lowerThreshold, long now) {
        this.now = now;
        checkDestination(weight, upperThreshold, lowerThreshold);
        if (realServer(address, port) != null) {
            throw new IllegalStateException("Destination already exists");
        }
        RealServer real = null;
        for (int i = 0; i < trash.size(); i++) {
            RealServer r = trash.get(i);
            if (r.destination.port() == port && r.destination.address().equals(address)) {
                real = trash.remove(i);
                break;
            }
        }
        if (real == null) {
            real = new RealServer(new Destination(address, port, weight));
        }
        real.available = true;
        real.idleSince = RealServer.NOT_IDLE;
        real.destination.weight(weight);
        real.destination.thresholds(upperThreshold, lowerThreshold);
        real.counters.start(now);
        realServers.addFirst(real);
        destinations.addFirst(real.destination);
        scheduler.update(destinations);
        return real;
    }

    /**
     * {@code ipvsadm -e} (ip_vs_edit_dest): weight and thresholds; weight 0 quiesces (no new connections, but
     * persistent clients keep coming unless expire_quiescent_template is on).
     *
     * @throws IllegalStateException "No such destination"
     */
    public void editDestination(InetAddress address, int port, int weight, int upperThreshold, int lowerThreshold) {
        checkDestination(weight, upperThreshold, lowerThreshold);
        RealServer real = realServer(address, port);
        if (real == null) {
            throw new IllegalStateException("No such destination");
        }
        real.destination.weight(weight);
        real.destination.thresholds(upperThreshold, lowerThreshold);
        scheduler.update(destinations);
    }

    /**
     * {@code ipvsadm -d} (ip_vs_del_dest): no new connections; its templates are invalidated at their next use.
     * With expire_nodest_conn on, its connections and templates are ended now (ip_vs_expire_nodest_conn_flush).
     *
     * @throws IllegalStateException "No such destination"
     */
    public void removeDestination(InetAddress address, int port, long now) {
        this.now = now;
        RealServer real = realServer(address, port);
        if (real == null) {
            throw new IllegalStateException("No such destination");
        }
        real.available = false;
        real.counters.stop();
        realServers.remove(real);
        destinations.remove(real.destination);
        scheduler.update(destinations);
        trash.add(real);
        if (settings.expireNodestConn()) {
            flushUnavailable();
        }
    }

    private static void checkDestination(int weight, int upper, int lower) {
        if (weight < 0) {
            throw new IllegalArgumentException("server weight less than zero");
        }
        if (lower > upper) {
            throw new IllegalArgumentException("lower threshold is higher than upper threshold");
        }
    }

    /**
     * A connection's first packet from the client reached the virtual service (ip_vs_in): a TCP SYN, or a UDP
     * datagram for which the data plane has no flow. Returns the entry it belongs to: an existing one (a UDP flow;
     * a TCP entry its client reuses while it lingers, when the kernel would not reschedule it), or a new one on the
     * real server the scheduler or the client's persistence template picks. Returns null when the packet must be
     * refused: no real server available, or its entry's server was removed (expire_nodest_conn 0), or a
     * non-persistent service on port 0.
     *
     * @param flow     client address and port, virtual address and port (the scheduler may read it; not kept)
     * @param protocol TCP or UDP (a firewall-mark service carries both)
     */
    public Connection open(Flow flow, Protocol protocol, long now) {
        this.now = now;
        int proto = protocolNumber(protocol);
        byte[] source = flow.sourceAddress();
        byte[] target = flow.destinationAddress();
        long cHigh = Connection.high(source), cLow = Connection.low(source);
        long vHigh = Connection.high(target), vLow = Connection.low(target);
        int dport = flow.destinationPort();
        Connection cp = connections.find(proto, cHigh, cLow, flow.sourcePort(), vHigh, vLow, dport);
        if (cp != null && proto == Connection.IPPROTO_TCP) {
            // conn_reuse_mode 1: a SYN for an entry that is closing (or whose server is quiesced, with
            // expire_nodest_conn) starts a new connection; the old entry expires now.
            boolean reschedule = settings.expireNodestConn() && cp.real.destination.weight() == 0
                    || cp.control == null && (cp.tcpState == TcpState.TIME_WAIT || cp.tcpState == TcpState.CLOSE);
            if (reschedule) {
                end(cp, false);
                cp = null;
            }
        }
        if (cp != null && !cp.real.available) {
            if (!settings.expireNodestConn()) {
                return null;
            }
            end(cp, false);
            cp = null;
        }
        if (cp == null) {
            cp = schedule(flow, proto, cHigh, cLow, vHigh, vLow, dport);
            if (cp == null) {
                return null;
            }
        }
        setState(cp, Segment.SYN, true);
        restartTimer(cp);
        if (cp.onePacket) {
            // ip_vs_conn_put expires a one-packet connection as soon as its packet is through.
            end(cp, false);
        }
        return cp;
    }

    /** The entry a client packet belongs to, if any (ip_vs_conn_in_get), without changing anything. */
    public Connection find(Flow flow, Protocol protocol) {
        byte[] source = flow.sourceAddress();
        byte[] target = flow.destinationAddress();
        return connections.find(protocolNumber(protocol), Connection.high(source), Connection.low(source),
                flow.sourcePort(), Connection.high(target), Connection.low(target), flow.destinationPort());
    }

    /** ip_vs_schedule and ip_vs_sched_persist: a new entry, or null. */
    private Connection schedule(Flow flow, int proto, long cHigh, long cLow, long vHigh, long vLow, int dport) {
        boolean onePacket = (flags & ServiceFlag.ONE_PACKET.bit()) != 0 && proto == Connection.IPPROTO_UDP;
        if (persistenceTimeoutSeconds > 0) {
            return schedulePersistent(flow, proto, cHigh, cLow, vHigh, vLow, dport, onePacket);
        }
        if (!fwmark && dport != servicePort) {
            return null; // "Schedule: port zero only supported in persistent services"
        }
        Destination d = scheduler.schedule(destinations, flow);
        if (d == null) {
            return null;
        }
        RealServer real = realServerOf(d);
        Connection cp = newEntry(proto, cHigh, cLow, flow.sourcePort(), vHigh, vLow, dport, real,
                d.port() != 0 ? d.port() : dport, false, onePacket);
        countConnection(real);
        return cp;
    }

    private Connection schedulePersistent(Flow flow, int proto, long cHigh, long cLow, long vHigh, long vLow,
                                          int dport, boolean onePacket) {
        long netHigh = cHigh & maskHigh, netLow = cLow & maskLow;
        int templateProtocol = proto;
        long tvHigh = vHigh, tvLow = vLow;
        int templatePort = 0;
        if (dport == servicePort) {
            if (servicePort != FTP_PORT) {
                templatePort = dport;
            }
        } else if (fwmark) {
            templateProtocol = Connection.IPPROTO_IP;
            tvHigh = fwmarkHigh;
            tvLow = fwmarkLow;
        }
        Connection ct = templates.find(templateProtocol, netHigh, netLow, 0, tvHigh, tvLow, templatePort);
        RealServer real;
        if (ct == null || !checkTemplate(ct)) {
            Destination d = scheduler.schedule(destinations, flow);
            if (d == null) {
                return null;
            }
            real = realServerOf(d);
            int templateDestinationPort = dport == servicePort && servicePort != FTP_PORT ? d.port() : 0;
            ct = newEntry(templateProtocol, netHigh, netLow, 0, tvHigh, tvLow, templatePort, real,
                    templateDestinationPort, true, false);
            ct.timeoutNanos = Settings.seconds(persistenceTimeoutSeconds);
        } else {
            real = ct.real;
        }
        int connectionPort = dport == servicePort && real.destination.port() != 0 ? real.destination.port() : dport;
        Connection cp = newEntry(proto, cHigh, cLow, flow.sourcePort(), vHigh, vLow, dport, real, connectionPort,
                false, onePacket);
        cp.control = ct;
        ct.controlled++;
        restartTimer(ct); // ip_vs_conn_put(ct)
        countConnection(real);
        return cp;
    }

    /**
     * ip_vs_check_template: a template whose server was removed, or is quiesced with expire_quiescent_template on,
     * is invalidated (destination port 65535, no longer found) and left to expire; its connections carry on.
     */
    private boolean checkTemplate(Connection ct) {
        RealServer real = ct.real;
        if (real.available && !(settings.expireQuiescentTemplate() && real.destination.weight() == 0)) {
            return true;
        }
        templates.remove(ct);
        ct.destinationPort = Connection.INVALID_PORT;
        return false;
    }

    /** ip_vs_conn_new and ip_vs_bind_dest: a new entry, inactive, counted on its server. */
    private Connection newEntry(int proto, long cHigh, long cLow, int cport, long vHigh, long vLow, int vport,
                                RealServer real, int destinationPort, boolean template, boolean onePacket) {
        Connection c = new Connection(ipv6, proto, cHigh, cLow, cport, vHigh, vLow, vport, real, destinationPort,
                template, onePacket);
        c.tcpState = TcpState.NONE;
        c.timeoutNanos = Settings.seconds(3);
        Destination d = real.destination;
        if (template) {
            d.persistentConnections(d.persistentConnections() + 1);
        } else {
            d.inactiveConnections(d.inactiveConnections() + 1);
        }
        d.afterConnectionAdded();
        if (template) {
            templates.add(c);
        } else if (!onePacket) {
            connections.add(c); // one-packet connections are not hashed
        }
        if (last == null) {
            first = c;
        } else {
            last.next = c;
            c.previous = last;
        }
        last = c;
        entries++;
        c.deadline = now + c.timeoutNanos;
        heapAdd(c);
        return c;
    }

    /** ip_vs_conn_stats: a scheduled connection counts on its server and the service. */
    private void countConnection(RealServer real) {
        real.counters.connection();
        counters.connection();
    }

    /**
     * Client traffic on the connection (the kernel's input direction): a segment of that kind for TCP (data is an
     * ACK), any datagram for UDP (SEGMENT is then ignored). PACKETS and BYTES are added to its real server's and the
     * service's counters when it is forwarded.
     */
    public Verdict received(Connection c, Segment segment, long packets, long bytes, long now) {
        this.now = now;
        if (c.ended) {
            if (c.onePacket && c.real.available) {
                count(c, true, packets, bytes);
                return Verdict.FORWARD;
            }
            return Verdict.CLOSED;
        }
        if (!c.real.available) {
            if (settings.expireNodestConn()) {
                end(c, false);
                return Verdict.CLOSED;
            }
            return Verdict.DROP; // not counted, not renewed
        }
        count(c, true, packets, bytes);
        setState(c, segment, true);
        restartTimer(c);
        return Verdict.FORWARD;
    }

    /** Real server traffic towards the client (the kernel's output direction), as {@link #received}. */
    public void sent(Connection c, Segment segment, long packets, long bytes, long now) {
        this.now = now;
        if (c.ended) {
            return;
        }
        if (c.real.available) {
            count(c, false, packets, bytes);
        }
        setState(c, segment, false);
        restartTimer(c);
    }

    /** A TCP proxy connected to the real server: its SYN+ACK, then the client's ACK, as IPVS-NAT would see them. */
    public void established(Connection c, long now) {
        sent(c, Segment.SYN, 0, 0, now);
        received(c, Segment.ACK, 0, 0, now);
    }

    private void count(Connection c, boolean in, long packets, long bytes) {
        // Only the real server's and the service's totals: IPVS keeps no byte counts per connection.
        if (in) {
            c.real.counters.in(packets, bytes);
            counters.in(packets, bytes);
        } else {
            c.real.counters.out(packets, bytes);
            counters.out(packets, bytes);
        }
    }

    /** set_tcp_state / udp_state_transition: the new state, its counts and its timeout. */
    private void setState(Connection c, Segment segment, boolean fromClient) {
        if (c.protocol == Connection.IPPROTO_UDP) {
            c.timeoutNanos = settings.udpTimeoutNanos();
            if (!fromClient) {
                assureTemplate(c);
            }
            return;
        }
        TcpState next = c.tcpState.next(segment, fromClient);
        if (next != c.tcpState) {
            Destination d = c.real.destination;
            if (!c.inactive && !next.active()) {
                d.activeConnections(d.activeConnections() - 1);
                d.inactiveConnections(d.inactiveConnections() + 1);
                c.inactive = true;
            } else if (c.inactive && next.active()) {
                d.activeConnections(d.activeConnections() + 1);
                d.inactiveConnections(d.inactiveConnections() - 1);
                c.inactive = false;
            }
            if (next == TcpState.ESTABLISHED) {
                assureTemplate(c);
            }
            c.tcpState = next;
        }
        c.timeoutNanos = settings.tcpTimeoutNanos(next);
    }

    /** ip_vs_control_assure_ct. */
    private static void assureTemplate(Connection c) {
        if (c.control != null && c.control.template) {
            c.control.assured = true;
        }
    }

    /**
     * Ends what timed out by NOW, in deadline order (ip_vs_conn_expire): a template still controlling connections is
     * looked at again 60 s later (and keeps that 60 s timeout); the rest leave the table, connections reported to the
     * listener. Also runs the rate estimators (call at least every 2 s), lblc's and lblcr's periodic clean-up, and
     * forgets removed servers unused for 2 minutes.
     */
    public void expire(long now) {
        this.now = now;
        while (heapSize > 0) {
            Connection c = heap[0];
            if (c.timerKey - now > 0) {
                break;
            }
            if (c.deadline != c.timerKey) { // renewed since it was queued: move it to its deadline
                c.timerKey = c.deadline;
                siftDown(0);
                continue;
            }
            if (c.controlled > 0) {
                c.timeoutNanos = CONTROL_RECHECK_NANOS;
                c.deadline = c.timerKey = c.deadline + CONTROL_RECHECK_NANOS;
                siftDown(0);
                continue;
            }
            end(c, false);
        }
        if (scheduler instanceof Locality<?> locality && now - nextLocalityCheck >= 0) {
            locality.checkExpire(); // lblc's and lblcr's periodic timer
            nextLocalityCheck = now + Locality.CHECK_EXPIRE_INTERVAL_NANOS;
        }
        counters.estimate(now);
        for (int i = 0, n = realServers.size(); i < n; i++) {
            realServers.get(i).counters.estimate(now);
        }
        for (int i = trash.size() - 1; i >= 0; i--) {
            RealServer r = trash.get(i);
            if (r.references() > 0) {
                r.idleSince = RealServer.NOT_IDLE;
            } else if (r.idleSince == RealServer.NOT_IDLE) {
                r.idleSince = now;
            } else if (now - r.idleSince >= RealServer.TRASH_PERIOD_NANOS) {
                trash.remove(i);
            }
        }
    }

    /**
     * The data plane closed C: its entry leaves the table now, as when it expires (a proxy keeps nothing of a closed
     * connection, where IPVS keeps it in TIME_WAIT for late segments). Nothing happens to an entry already gone.
     */
    public void close(Connection c, long now) {
        this.now = now;
        if (!c.ended) end(c, false);
    }

    /** {@code ipvsadm -Z} for this service: its counters and its real servers'. */
    public void zero() {
        counters.zero();
        for (RealServer r : realServers) {
            r.counters.zero();
        }
    }

    /** Entries in the table: connections and templates. */
    public int size() {
        return entries;
    }

    /** Every entry, in creation order (templates before the connections they control); for listings. */
    public void forEach(Consumer<Connection> action) {
        for (Connection c = first; c != null; c = c.next) {
            if (!c.ended) {
                action.accept(c);
            }
        }
    }

    /** The entries, in creation order, as a new list. */
    public List<Connection> entries() {
        List<Connection> out = new ArrayList<>(entries);
        forEach(out::add);
        return out;
    }

    /**
     * ip_vs_expire_nodest_conn_flush: every entry of a removed server that controls nothing ends, and a template
     * left controlling nothing goes with its connection.
     */
    private void flushUnavailable() {
        for (Connection c = first; c != null; c = c.next) {
            if (c.ended || c.real.available || c.controlled > 0) {
                continue;
            }
            Connection ct = c.control;
            end(c, true);
            if (ct != null && !ct.ended && ct.controlled == 0) {
                end(ct, true);
            }
        }
    }

    /**
     * The entry leaves the table: ip_vs_conn_expire's unlink, control_del and unbind_dest. DROPPED is the kernel's
     * timeout 0 (ip_vs_conn_del): a non-assured template left controlling nothing is dropped with it.
     */
    private void end(Connection c, boolean dropped) {
        c.ended = true;
        if (c.template) {
            templates.remove(c);
        } else {
            connections.remove(c);
        }
        heapRemove(c);
        // Unlink from the list; the entry keeps its own links so that a walk standing on it can go on.
        if (c.previous == null) {
            first = c.next;
        } else {
            c.previous.next = c.next;
        }
        if (c.next == null) {
            last = c.previous;
        } else {
            c.next.previous = c.previous;
        }
        entries--;
        Connection ct = c.control;
        if (ct != null) {
            ct.controlled--;
            if (dropped && ct.controlled == 0 && !ct.ended && !ct.assured) {
                end(ct, true);
            }
        }
        Destination d = c.real.destination;
        if (c.template) {
            d.persistentConnections(d.persistentConnections() - 1);
        } else if (c.inactive) {
            d.inactiveConnections(d.inactiveConnections() - 1);
        } else {
            d.activeConnections(d.activeConnections() - 1);
        }
        d.afterConnectionRemoved();
        if (!c.template) {
            listener.accept(c);
        }
    }

    private void restartTimer(Connection c) {
        long deadline = now + c.timeoutNanos;
        c.deadline = deadline;
        if (c.heapIndex >= 0 && deadline - c.timerKey < 0) {
            c.timerKey = deadline; // earlier than queued: move it up now; later ones move when they come up
            siftUp(c.heapIndex);
        }
    }

    private RealServer realServerOf(Destination d) {
        for (int i = 0, n = realServers.size(); i < n; i++) {
            RealServer r = realServers.get(i);
            if (r.destination == d) {
                return r;
            }
        }
        throw new IllegalStateException("the scheduler picked a destination the service does not have: " + d);
    }

    private static int protocolNumber(Protocol protocol) {
        return switch (protocol) {
            case TCP -> Connection.IPPROTO_TCP;
            case UDP -> Connection.IPPROTO_UDP;
            case SCTP -> throw new IllegalArgumentException("SCTP connections are not tracked here");
        };
    }

    // A binary heap of entries by timerKey (never later than the entry's deadline).

    private void heapAdd(Connection c) {
        if (heapSize == heap.length) {
            heap = java.util.Arrays.copyOf(heap, heapSize * 2);
        }
        c.timerKey = c.deadline;
        heap[heapSize] = c;
        c.heapIndex = heapSize++;
        siftUp(c.heapIndex);
    }

    private void heapRemove(Connection c) {
        int i = c.heapIndex;
        if (i < 0) {
            return;
        }
        c.heapIndex = -1;
        Connection moved = heap[--heapSize];
        heap[heapSize] = null;
        if (moved != c) {
            heap[i] = moved;
            moved.heapIndex = i;
            siftDown(i);
            siftUp(moved.heapIndex);
        }
    }

    private void siftUp(int i) {
        Connection c = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Connection p = heap[parent];
            if (p.timerKey - c.timerKey <= 0) {
                break;
            }
            heap[i] = p;
            p.heapIndex = i;
            i = parent;
        }
        heap[i] = c;
        c.heapIndex = i;
    }

    private void siftDown(int i) {
        Connection c = heap[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= heapSize) {
                break;
            }
            if (child + 1 < heapSize && heap[child + 1].timerKey - heap[child].timerKey < 0) {
                child++;
            }
            if (heap[child].timerKey - c.timerKey >= 0) {
                break;
            }
            heap[i] = heap[child];
            heap[i].heapIndex = i;
            i = child;
        }
        heap[i] = c;
        c.heapIndex = i;
    }
}
