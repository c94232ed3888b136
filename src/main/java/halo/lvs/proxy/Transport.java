package halo.lvs.proxy;

import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.net.Inet6Address;
import java.net.InetSocketAddress;

/**
 * The proxy's socket layer. EPOLL is the default (measured, see bench/proxy-quick/README.md): TCP on event loops
 * whose poller is an epoll instance of Halo's own over FFM ({@link NativeTcpLoop}), UDP on Netty's epoll channels
 * (loops of their own).
 * IO_URING and NIO are Netty's transports for both, kept for comparison. Only the native ones can free-bind a
 * listener and connect transparently.
 */
public enum Transport {
    EPOLL, IO_URING, NIO;

    public boolean isAvailable() {
        return unavailabilityCause() == null;
    }

    /** Why this transport cannot run here, or null. */
    public Throwable unavailabilityCause() {
        return switch (this) {
            case EPOLL -> Epoll.unavailabilityCause();
            case IO_URING -> IoUring.unavailabilityCause();
            case NIO -> null;
        };
    }

    /** The best transport that runs here: EPOLL, else NIO. */
    public static Transport best() {
        return EPOLL.isAvailable() ? EPOLL : NIO;
    }

    IoHandlerFactory ioHandlerFactory() {
        return switch (this) {
            case EPOLL -> EpollIoHandler.newFactory();
            case IO_URING -> IoUringIoHandler.newFactory();
            case NIO -> NioIoHandler.newFactory();
        };
    }

    ServerChannel serverChannel(InetSocketAddress address) {
        SocketProtocolFamily family = family(address);
        return switch (this) {
            case EPOLL -> new EpollServerSocketChannel(family);
            case IO_URING -> new IoUringServerSocketChannel();
            case NIO -> new NioServerSocketChannel();
        };
    }

    SocketChannel socketChannel(InetSocketAddress remote) {
        SocketProtocolFamily family = family(remote);
        return switch (this) {
            case EPOLL -> new EpollSocketChannel(family);
            case IO_URING -> new IoUringSocketChannel();
            case NIO -> new NioSocketChannel();
        };
    }

    DatagramChannel datagramChannel(InetSocketAddress address) {
        SocketProtocolFamily family = family(address);
        return switch (this) {
            case EPOLL -> new EpollDatagramChannel(family);
            case IO_URING -> new IoUringDatagramChannel(family);
            case NIO -> new NioDatagramChannel(family);
        };
    }

    /** IP_FREEBIND (bind to an address the host does not have yet), or null when this transport lacks it. */
    ChannelOption<Boolean> freeBind() {
        return switch (this) {
            case EPOLL -> EpollChannelOption.IP_FREEBIND;
            case IO_URING -> IoUringChannelOption.IP_FREEBIND;
            case NIO -> null;
        };
    }

    /** IP_TRANSPARENT (bind to a foreign address: the client's), or null when this transport lacks it. */
    ChannelOption<Boolean> transparent() {
        return switch (this) {
            case EPOLL -> EpollChannelOption.IP_TRANSPARENT;
            case IO_URING -> IoUringChannelOption.IP_TRANSPARENT;
            case NIO -> null;
        };
    }

    private static SocketProtocolFamily family(InetSocketAddress a) {
        return a.getAddress() instanceof Inet6Address ? SocketProtocolFamily.INET6 : SocketProtocolFamily.INET;
    }
}
