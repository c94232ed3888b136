package halo.os;

import java.io.IOException;

/**
 * A failed system call: which call (and on what), and the errno with its C name. Subclasses name the failures a
 * caller reacts to differently (missing privilege, already there, no such device, not found).
 */
public class NativeException extends IOException {
    private final String syscall;
    private final Errno errno;
    private final int errnoNumber;

    protected NativeException(String syscall, int errnoNumber, String detail) {
        super(message(syscall, errnoNumber, detail));
        this.syscall = syscall;
        this.errno = Errno.of(errnoNumber);
        this.errnoNumber = errnoNumber;
    }

    /** The system call (or netlink request) that failed, for example {@code "setsockopt(IP_ADD_MEMBERSHIP)"}. */
    public String syscall() {
        return syscall;
    }

    public Errno errno() {
        return errno;
    }

    /** The raw errno number (useful when {@link #errno()} is {@link Errno#UNKNOWN}). */
    public int errnoNumber() {
        return errnoNumber;
    }

    /**
     * The typed exception for an errno. {@code context} says what the call was about ("on eth0", "192.0.2.10/32
     * dev eth0"); {@code capability} names the capability the call needs (CAP_NET_RAW, CAP_NET_ADMIN) or is null.
     */
    public static NativeException of(String syscall, int errno, String context, String capability) {
        return switch (Errno.of(errno)) {
            case EPERM, EACCES -> new PermissionDeniedException(syscall, errno, context, capability);
            case EEXIST -> new AlreadyExistsException(syscall, errno, context);
            case ENODEV, ENXIO -> new NoSuchDeviceException(syscall, errno, context);
            case ENOENT, ESRCH, EADDRNOTAVAIL -> new NotFoundException(syscall, errno, context);
            default -> new NativeException(syscall, errno, context);
        };
    }

    public static NativeException of(String syscall, int errno, String context) {
        return of(syscall, errno, context, null);
    }

    static String message(String syscall, int errnoNumber, String detail) {
        Errno e = Errno.of(errnoNumber);
        String name = e == Errno.UNKNOWN ? "errno " + errnoNumber : e.name() + " (" + e.description() + ")";
        StringBuilder sb = new StringBuilder(syscall);
        if (detail != null && !detail.isEmpty()) {
            sb.append(' ').append(detail);
        }
        return sb.append(" failed: ").append(name).toString();
    }

    /** EPERM or EACCES: the process lacks a capability (or a security module said no). */
    public static final class PermissionDeniedException extends NativeException {
        private final String capability;

        PermissionDeniedException(String syscall, int errno, String context, String capability) {
            super(syscall, errno, context == null ? hint(capability) : context + hint(capability));
            this.capability = capability;
        }

        /** The capability that the call needs, or null when unknown. */
        public String capability() {
            return capability;
        }

        private static String hint(String capability) {
            if (capability == null) {
                return "";
            }
            return " (needs " + capability + ": run as root or grant " + capability
                    + (Capabilities.has(capability) ? "; the process has it, so a security module may deny it" : "")
                    + ")";
        }
    }

    /** EEXIST: the address, route or rule is already there. */
    public static final class AlreadyExistsException extends NativeException {
        AlreadyExistsException(String syscall, int errno, String context) {
            super(syscall, errno, context);
        }
    }

    /** ENODEV / ENXIO: no such interface. */
    public static final class NoSuchDeviceException extends NativeException {
        NoSuchDeviceException(String syscall, int errno, String context) {
            super(syscall, errno, context);
        }
    }

    /** ENOENT, ESRCH, EADDRNOTAVAIL: what the call names (file, route, rule, address) is not there. */
    public static final class NotFoundException extends NativeException {
        NotFoundException(String syscall, int errno, String context) {
            super(syscall, errno, context);
        }
    }
}
