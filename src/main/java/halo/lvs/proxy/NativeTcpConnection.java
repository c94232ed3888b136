package halo.lvs.proxy;

import static halo.lvs.proxy.NativeTcp.EPOLLERR;
import static halo.lvs.proxy.NativeTcp.EPOLLET;
import static halo.lvs.proxy.NativeTcp.EPOLLHUP;
import static halo.lvs.proxy.NativeTcp.EPOLLIN;
import static halo.lvs.proxy.NativeTcp.EPOLLOUT;
import static halo.lvs.proxy.NativeTcp.EPOLLRDHUP;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

/**
 * One proxied TCP connection on the native path: the client's socket and the one to its real server, relayed both
 * ways. Both sockets are in the loop's epoll once, edge-triggered, for reading, writing and the peer's FIN, and never
 * modified: what each edge said is kept in its {@link Side}. Bytes are read into the loop's buffer and written
 * straight on; what the other side cannot take yet waits in a pending buffer, and the side it came from is not read
 * until it is written (back-pressure: the kernel's buffers then fill and the sender slows). A FIN is passed on
 * (shutdown SHUT_WR) once what came before it is written; when both sides have sent theirs, both sockets close.
 * A read error or a reset from either side closes both.
 */
final class NativeTcpConnection implements NativeTcpLoop.Owner {
    enum State {
        /** Connecting to the real server; the client is not read. */
        CONNECTING,
        /** Relaying both ways. */
        ESTABLISHED,
        /** One side has sent its FIN (passed on to the other); the other still talks. */
        HALF_CLOSED,
        /** Gone; the balancer has been told. */
        CLOSED
    }

    /** One socket of the connection and what is known of it. */
    static final class Side {
        int fd = -1;
        /** An edge said there is something to read (data, a FIN, an error), and it was not read dry since. */
        boolean readable;
        /** The peer's FIN has arrived: a read that leaves the socket dry has read everything. */
        boolean peerFin;
        /** An edge said the socket has an error (a reset): its reads capture errno from the first. */
        boolean error;
        /** Read to the end (the FIN). */
        boolean inputEnded;
        /** The socket can take more (no write on it has come short since its last writable edge). */
        boolean writable = true;
        /** Our FIN has been sent on this socket (or will be, by its close). */
        boolean outputShut;
        /** What the other side sent that this socket could not take yet. */
        MemorySegment pending;
        int pendingOffset;
        int pendingLength;
    }

    private static final int SOCKET_EVENTS = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;

    private final NativeTcpService service;
    private final NativeTcpLoop tcp;
    private final InetSocketAddress clientAddress;
    private final Picked picked;
    private final ProxyService spec;
    private final Side client = new Side();
    private final Side server = new Side();
    private State state = State.CONNECTING;
    /** When the connection last moved bytes or a FIN (when connecting: when it started). */
    private long lastActivityNanos;
    private long inPackets;
    private long outPackets;
    private long inBytes;
    private long outBytes;
    /** The service's list of connections. */
    NativeTcpConnection previous;
    NativeTcpConnection next;

    NativeTcpConnection(NativeTcpService service, int clientFd, InetSocketAddress clientAddress, Picked picked,
                        ProxyService spec) {
        this.service = service;
        this.tcp = service.tcp;
        this.client.fd = clientFd;
        this.clientAddress = clientAddress;
        this.picked = picked;
        this.spec = spec;
        this.lastActivityNanos = System.nanoTime();
    }

    InetSocketAddress destination() {
        return picked.destination();
    }

    State state() {
        return state;
    }

    private void transition(State next, String reason) {
        if (ProxyEngine.LOG.isLoggable(Level.FINEST)) {
            ProxyEngine.LOG.finest("proxy " + service.name() + " " + Endpoints.text(clientAddress) + " -> "
                    + Endpoints.text(destination()) + ": " + state + " -> " + next + " (" + reason + ")");
        }
        state = next;
    }

    /** Opens the socket to the real server (from the client's own address when transparent) and starts connecting. */
    void connect() {
        InetSocketAddress destination = destination();
        MemorySegment cs = tcp.capture;
        int fd;
        try {
            fd = (int) NativeTcp.SOCKET.invokeExact(cs, NativeTcp.family(destination),
                    NativeTcp.SOCK_STREAM | NativeTcp.SOCK_NONBLOCK | NativeTcp.SOCK_CLOEXEC, 0);
        } catch (Throwable t) {
            throw NativeTcp.unexpected(t);
        }
        if (fd < 0) {
            // no socket to be had (EMFILE, ENFILE): this client is refused, the others keep going
            connectFailed("failed (socket: " + NativeTcp.describe(tcp.errno()) + ")");
            return;
        }
        server.fd = fd;
        tcp.option(fd, NativeTcp.IPPROTO_TCP, NativeTcp.TCP_NODELAY, 1);
        if (spec.transparent() && !bindToClient(fd, destination)) {
            return;
        }
        int length = NativeTcp.encode(destination, tcp.address);
        int rc;
        try {
            rc = (int) NativeTcp.CONNECT.invokeExact(cs, fd, tcp.address, length);
        } catch (Throwable t) {
            throw NativeTcp.unexpected(t);
        }
        if (rc < 0 && tcp.errno() != NativeTcp.EINPROGRESS) {
            connectFailed(why(tcp.errno()));
            return;
        }
        if (!tcp.add(client.fd, SOCKET_EVENTS, this) || !tcp.add(fd, SOCKET_EVENTS, this)) {
            connectFailed("failed (epoll_ctl: " + NativeTcp.describe(tcp.errno()) + ")");
            return;
        }
        if (rc == 0) {
            connected();
        }
    }

    /** Transparent mode: the socket takes the client's address (IP_TRANSPARENT), so the real server sees it. */
    private boolean bindToClient(int fd, InetSocketAddress destination) {
        boolean v6 = destination.getAddress() instanceof Inet6Address;
        boolean set = v6 ? tcp.option(fd, NativeTcp.SOL_IPV6, NativeTcp.IPV6_TRANSPARENT, 1)
                : tcp.option(fd, NativeTcp.SOL_IP, NativeTcp.IP_TRANSPARENT, 1);
        if (!set) {
            connectFailed("failed (IP_TRANSPARENT: " + NativeTcp.describe(tcp.errno()) + ")");
            return false;
        }
        int length = NativeTcp.encode(new InetSocketAddress(clientAddress.getAddress(), 0), tcp.address);
        int rc;
        try {
            rc = (int) NativeTcp.BIND.invokeExact(tcp.capture, fd, tcp.address, length);
        } catch (Throwable t) {
            throw NativeTcp.unexpected(t);
        }
        if (rc < 0) {
            connectFailed("failed (bind to the client's address: " + NativeTcp.describe(tcp.errno()) + ")");
            return false;
        }
        return true;
    }

    private static String why(int errno) {
        return errno == 111 ? "refused (" + NativeTcp.describe(errno) + ")"
                : "failed (" + NativeTcp.describe(errno) + ")";
    }

    @Override
    public void ready(int fd, int events) {
        if (state == State.CLOSED) {
            return;
        }
        boolean fromClient = fd == client.fd;
        if (state == State.CONNECTING) {
            if (!fromClient) {
                if ((events & (EPOLLERR | EPOLLHUP)) != 0) {
                    connectFailed(why(tcp.socketError(fd)));
                    return;
                }
                if ((events & EPOLLOUT) == 0) {
                    return;
                }
            } else if ((events & (EPOLLERR | EPOLLHUP)) != 0) {
                // the client reset (or closed both ways) before the real server answered
                closeBoth();
                finish("the client closed while connecting");
                return;
            }
        }
        Side side = fromClient ? client : server;
        if ((events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0) {
            side.readable = true;
        }
        if ((events & (EPOLLRDHUP | EPOLLHUP)) != 0) {
            side.peerFin = true;
        }
        if ((events & EPOLLERR) != 0) {
            side.error = true;
        }
        if ((events & EPOLLOUT) != 0) {
            side.writable = true;
        }
        if (state == State.CONNECTING) {
            if (!fromClient) {
                connected();
            }
            return;
        }
        pump();
    }

    private void connected() {
        transition(State.ESTABLISHED, "the real server accepted");
        service.balancer.established(picked);
        if (spec.proxyProtocol() != ProxyProtocol.NONE) {
            byte[] header = ProxyHeader.encode(spec.proxyProtocol(), clientAddress, localAddress());
            server.pending = tcp.takeBuffer();
            MemorySegment.copy(header, 0, server.pending, ValueLayout.JAVA_BYTE, 0, header.length);
            server.pendingOffset = 0;
            server.pendingLength = header.length;
        }
        lastActivityNanos = System.nanoTime();
        pump();
    }

    /** The address the client connected to (the virtual service's, or the host's for a wildcard listener). */
    private InetSocketAddress localAddress() {
        tcp.addressLength.set(ValueLayout.JAVA_INT, 0, NativeTcp.SOCKADDR_SIZE);
        int rc;
        try {
            rc = (int) NativeTcp.GETSOCKNAME.invokeExact(tcp.capture, client.fd, tcp.address, tcp.addressLength);
        } catch (Throwable t) {
            throw NativeTcp.unexpected(t);
        }
        return rc < 0 ? spec.address() : NativeTcp.decode(tcp.address);
    }

    /** Moves what can move both ways, passes FINs on, and closes when both have been passed. */
    private void pump() {
        if (!relay(client, server, true) || !relay(server, client, false)) {
            return;
        }
        if (client.outputShut && server.outputShut) {
            closeBoth();
            finish("both sides closed");
            return;
        }
        reportTraffic();
    }

    /**
     * FROM to TO: first what TO could not take before, then what FROM has, until FROM is dry or TO is full; then
     * FROM's FIN, if it came and all before it is written. False when the connection closed.
     */
    private boolean relay(Side from, Side to, boolean inbound) {
        if (to.pendingLength > 0) {
            if (!to.writable || !flush(to)) {
                return state != State.CLOSED;
            }
        }
        MemorySegment buffer = tcp.readBuffer;
        MemorySegment cs = tcp.capture;
        while (from.readable && !from.inputEnded && to.pendingLength == 0) {
            long n;
            try {
                // without errno unless an edge reported an error; a read that fails is made again with errno (on
                // a non-blocking socket it fails the same way: EAGAIN; a reset that came between the edge and the
                // read was taken by the first, so the second reads the end: a FIN, passed on as one)
                n = from.error ? -1
                        : (long) NativeTcp.READ_NO_ERRNO.invokeExact(from.fd, buffer, (long) NativeTcpLoop.READ_BUFFER);
                if (n < 0) {
                    n = (long) NativeTcp.READ.invokeExact(cs, from.fd, buffer, (long) NativeTcpLoop.READ_BUFFER);
                }
            } catch (Throwable t) {
                throw NativeTcp.unexpected(t);
            }
            if (n < 0) {
                int errno = tcp.errno();
                if (errno == NativeTcp.EAGAIN) {
                    from.readable = false;
                    break;
                }
                broken(from, errno);
                return false;
            }
            lastActivityNanos = System.nanoTime();
            if (n == 0) {
                from.inputEnded = true;
                from.readable = false;
                break;
            }
            if (inbound) {
                inPackets++;
                inBytes += n;
            } else {
                outPackets++;
                outBytes += n;
            }
            long written;
            try {
                written = (long) NativeTcp.WRITE_NO_ERRNO.invokeExact(to.fd, buffer, n);
                if (written < 0) {
                    // once more with errno: a full socket (EAGAIN) or a broken one fails again, and says which
                    written = (long) NativeTcp.WRITE.invokeExact(cs, to.fd, buffer, n);
                }
            } catch (Throwable t) {
                throw NativeTcp.unexpected(t);
            }
            if (written < n) {
                if (written < 0) {
                    int errno = tcp.errno();
                    if (errno != NativeTcp.EAGAIN) {
                        broken(to, errno);
                        return false;
                    }
                    written = 0;
                }
                // the rest waits for TO's next writable edge; FROM is not read meanwhile
                to.pending = tcp.takeBuffer();
                MemorySegment.copy(buffer, written, to.pending, 0, n - written);
                to.pendingOffset = 0;
                to.pendingLength = (int) (n - written);
                to.writable = false;
            }
            if (n < NativeTcpLoop.READ_BUFFER) {
                // read dry; after the peer's FIN that was everything (saves the read that would return 0)
                from.readable = false;
                if (from.peerFin) {
                    from.inputEnded = true;
                }
            }
        }
        if (from.inputEnded && to.pendingLength == 0 && !to.outputShut) {
            passFin(from, to);
        }
        return true;
    }

    /** Writes TO's pending bytes; true when all are written. */
    private boolean flush(Side to) {
        long written;
        try {
            written = (long) NativeTcp.WRITE.invokeExact(tcp.capture, to.fd,
                    to.pending.asSlice(to.pendingOffset), (long) to.pendingLength);
        } catch (Throwable t) {
            throw NativeTcp.unexpected(t);
        }
        if (written < 0) {
            int errno = tcp.errno();
            if (errno == NativeTcp.EAGAIN) {
                to.writable = false;
                return false;
            }
            broken(to, errno);
            return false;
        }
        to.pendingOffset += (int) written;
        to.pendingLength -= (int) written;
        if (to.pendingLength > 0) {
            to.writable = false;
            return false;
        }
        tcp.giveBack(to.pending);
        to.pending = null;
        return true;
    }

    /** FROM's FIN, everything before it written: TO gets one (by shutdown, or by the close when both are done). */
    private void passFin(Side from, Side to) {
        to.outputShut = true;
        if (state == State.ESTABLISHED) {
            transition(State.HALF_CLOSED, (from == client ? "the client" : "the real server") + " sent FIN");
            service.balancer.halfClosed(picked);
        }
        if (!from.outputShut) {
            try {
                int ignored = (int) NativeTcp.SHUTDOWN.invokeExact(tcp.capture, to.fd, NativeTcp.SHUT_WR);
            } catch (Throwable t) {
                throw NativeTcp.unexpected(t);
            }
        }
    }

    /** A read or write on SIDE failed (a reset, a broken pipe): both close. */
    private void broken(Side side, int errno) {
        String who = side == client ? "the client" : "the real server";
        closeBoth();
        finish(who + " went away (" + NativeTcp.describe(errno) + ")");
    }

    /** The connection to the real server failed: the client gets a reset at once. */
    private void connectFailed(String why) {
        if (state != State.CONNECTING) {
            return;
        }
        service.engine.log().log(Level.WARNING, "connect " + service.name() + " " + Endpoints.text(destination()),
                "proxy " + service.name() + ": connection from " + Endpoints.text(clientAddress)
                        + " to real server " + Endpoints.text(destination()) + " " + why);
        if (server.fd >= 0) {
            tcp.close(server.fd);
            server.fd = -1;
        }
        tcp.reset(client.fd);
        client.fd = -1;
        finish("the real server could not be reached");
    }

    /** Timeouts, from the service's sweep: connecting too long, or idle too long for the state. */
    void checkTimeouts(long now) {
        long idle = now - lastActivityNanos;
        switch (state) {
            case CONNECTING -> {
                if (idle >= spec.connectTimeout().toNanos()) {
                    connectFailed("timed out after " + spec.connectTimeout().toMillis() + " ms");
                }
            }
            case ESTABLISHED, HALF_CLOSED -> {
                ProxyTimeouts t = service.engine.timeouts();
                long timeout = (state == State.HALF_CLOSED ? t.tcpFin() : t.tcp()).toNanos();
                if (idle >= timeout) {
                    ProxyEngine.LOG.fine(() -> "proxy " + service.name() + ": connection from "
                            + Endpoints.text(clientAddress) + " idle for " + TimeUnit.NANOSECONDS.toSeconds(idle)
                            + " s, closed");
                    closeBoth();
                    finish("idle timeout");
                }
            }
            case CLOSED -> { }
        }
    }

    /** Closes both sides with a reset (a removed real server, the proxy stopping); on the loop. */
    void reset(String reason) {
        if (state == State.CLOSED) {
            return;
        }
        if (client.fd >= 0) {
            tcp.reset(client.fd);
            client.fd = -1;
        }
        if (server.fd >= 0) {
            tcp.reset(server.fd);
            server.fd = -1;
        }
        finish(reason);
    }

    private void closeBoth() {
        if (client.fd >= 0) {
            tcp.close(client.fd);
            client.fd = -1;
        }
        if (server.fd >= 0) {
            tcp.close(server.fd);
            server.fd = -1;
        }
    }

    private void reportTraffic() {
        if (inPackets != 0 || outPackets != 0) {
            service.balancer.traffic(picked, inPackets, outPackets, inBytes, outBytes);
            inPackets = 0;
            outPackets = 0;
            inBytes = 0;
            outBytes = 0;
        }
    }

    private void finish(String reason) {
        if (state == State.CLOSED) {
            return;
        }
        reportTraffic();
        transition(State.CLOSED, reason);
        for (Side s : new Side[] {client, server}) {
            if (s.pending != null) {
                tcp.giveBack(s.pending);
                s.pending = null;
                s.pendingLength = 0;
            }
        }
        service.removed(this);
        try {
            service.balancer.closed(picked);
        } catch (RuntimeException e) {
            ProxyEngine.LOG.log(Level.SEVERE, "proxy " + service.name() + ": the balancer failed on close", e);
        }
    }
}
