package halo.os;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The libc downcalls Halo uses. Every call that can fail captures errno in the same downcall
 * ({@code captureCallState("errno")}): reading errno afterwards is racy because the JVM may itself make calls.
 * The capture segment is the first argument of each such handle; {@link #errno(MemorySegment)} reads it.
 */
@SuppressWarnings("restricted") // native access is enabled with --enable-native-access (see HostOs)
final class Native {
    static final Linker LINKER = Linker.nativeLinker();
    static final SymbolLookup LIBC = LINKER.defaultLookup();
    static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    // int socket(int domain, int type, int protocol)
    static final MethodHandle SOCKET = downcall("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    // int bind(int fd, const struct sockaddr *addr, socklen_t len)
    static final MethodHandle BIND = downcall("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    // int setsockopt(int fd, int level, int name, const void *value, socklen_t len)
    static final MethodHandle SETSOCKOPT = downcall("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    // int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
    static final MethodHandle GETSOCKNAME = downcall("getsockname",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    // int connect(int fd, const struct sockaddr *addr, socklen_t len)
    static final MethodHandle CONNECT = downcall("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    // ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to, socklen_t tolen)
    static final MethodHandle SENDTO = downcall("sendto",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    // ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
    static final MethodHandle RECVMSG = downcall("recvmsg",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    // ssize_t recv(int fd, void *buf, size_t len, int flags)
    static final MethodHandle RECV = downcall("recv",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    // int close(int fd)
    static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    // int ppoll(struct pollfd *fds, nfds_t n, const struct timespec *timeout, const sigset_t *mask)
    static final MethodHandle PPOLL = downcall("ppoll",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));
    // unsigned if_nametoindex(const char *name)
    static final MethodHandle IF_NAMETOINDEX = downcall("if_nametoindex", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    // int setns(int fd, int nstype)
    static final MethodHandle SETNS = downcall("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    // int open(const char *path, int flags, ...): the mode is variadic and Halo never passes it
    static final MethodHandle OPEN = downcall("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    // int eventfd(unsigned initval, int flags)
    static final MethodHandle EVENTFD = downcall("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    // ssize_t read(int fd, void *buf, size_t n) / write(...)
    static final MethodHandle READ = downcall("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    static final MethodHandle WRITE = downcall("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));

    // int prctl(int option, ...): variadic after the option
    static final MethodHandle PRCTL = LINKER.downcallHandle(LIBC.find("prctl").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG), CAPTURE_ERRNO, Linker.Option.firstVariadicArg(1));
    // int sched_setscheduler(pid_t pid, int policy, const struct sched_param *param); pid 0: the calling thread
    static final MethodHandle SCHED_SETSCHEDULER = downcall("sched_setscheduler",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    // int sched_getscheduler(pid_t pid)
    static final MethodHandle SCHED_GETSCHEDULER = downcall("sched_getscheduler", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    // uid_t geteuid(void): always succeeds, so no errno to capture
    static final MethodHandle GETEUID = LINKER.downcallHandle(LIBC.find("geteuid").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT));

    // socket(2) constants
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int AF_NETLINK = 16;
    static final int AF_PACKET = 17;
    static final int SOCK_RAW = 3;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_NONBLOCK = 0x800;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int O_RDONLY = 0;
    static final int O_CLOEXEC = 0x80000;
    static final int MSG_DONTWAIT = 0x40;
    static final int MSG_TRUNC = 0x20;
    static final int CLONE_NEWNET = 0x40000000;

    static final int IPPROTO_ICMP = 1;
    static final int IPPROTO_UDP = 17;
    static final int IPPROTO_ICMPV6 = 58;

    static final int SOL_SOCKET = 1;
    static final int SO_RCVBUF = 8;
    static final int SO_RCVTIMEO = 20;
    static final int SO_BINDTODEVICE = 25;
    static final int IPPROTO_IP = 0; // the option level of IP_*
    static final int IP_RECVERR = 11;
    static final int IPPROTO_IPV6 = 41; // the option level of IPV6_*
    static final int IPV6_RECVERR = 25;

    private static final ThreadLocal<MemorySegment> CAPTURE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE_LAYOUT));

    private Native() {}

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
        MemorySegment symbol = LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return LINKER.downcallHandle(symbol, descriptor, CAPTURE_ERRNO);
    }

    /** This thread's errno capture segment (allocated once per thread, reused by every call). */
    static MemorySegment capture() {
        return CAPTURE.get();
    }

    static int errno(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }

    static int socket(int domain, int type, int protocol, String what, String capability) throws NativeException {
        MemorySegment cs = capture();
        int fd;
        try {
            fd = (int) SOCKET.invokeExact(cs, domain, type, protocol);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        if (fd < 0) {
            throw NativeException.of("socket", errno(cs), what, capability);
        }
        return fd;
    }

    static void setsockopt(int fd, int level, int name, MemorySegment value, String option, String context)
            throws NativeException {
        MemorySegment cs = capture();
        int rc;
        try {
            rc = (int) SETSOCKOPT.invokeExact(cs, fd, level, name, value, (int) value.byteSize());
        } catch (Throwable t) {
            throw unexpected(t);
        }
        if (rc < 0) {
            throw NativeException.of("setsockopt(" + option + ")", errno(cs), context);
        }
    }

    static void setsockoptInt(int fd, int level, int name, int value, String option, String context)
            throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(JAVA_INT);
            v.set(JAVA_INT, 0, value);
            setsockopt(fd, level, name, v, option, context);
        }
    }

    static void bind(int fd, MemorySegment address, String context) throws NativeException {
        MemorySegment cs = capture();
        int rc;
        try {
            rc = (int) BIND.invokeExact(cs, fd, address, (int) address.byteSize());
        } catch (Throwable t) {
            throw unexpected(t);
        }
        if (rc < 0) {
            throw NativeException.of("bind", errno(cs), context);
        }
    }

    /** sendto(2): the number of bytes sent, or minus errno. {@code address} may be NULL (a connected socket). */
    static long sendto(int fd, MemorySegment buffer, long length, MemorySegment address) {
        MemorySegment cs = capture();
        long n;
        try {
            n = (long) SENDTO.invokeExact(cs, fd, buffer, length, 0, address, (int) address.byteSize());
        } catch (Throwable t) {
            throw unexpected(t);
        }
        return n < 0 ? -errno(cs) : n;
    }

    /** recv(2): the number of bytes received, or minus errno. */
    static long recv(int fd, MemorySegment buffer, long length, int flags) {
        MemorySegment cs = capture();
        long n;
        try {
            n = (long) RECV.invokeExact(cs, fd, buffer, length, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        return n < 0 ? -errno(cs) : n;
    }

    static void close(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(capture(), fd);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** The interface index of NAME in the calling thread's network namespace. */
    static int ifindex(String name) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cs = capture();
            int index = (int) IF_NAMETOINDEX.invokeExact(cs, arena.allocateFrom(name));
            if (index == 0) {
                throw NativeException.of("if_nametoindex", errno(cs), "for interface " + name);
            }
            return index;
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
