package halo.lvs.ipvs;

import static halo.lvs.ipvs.IpvsNetlink.*;

import halo.os.Errno;

/**
 * What ipvsadm and keepalived say for the kernel's refusals (libipvs's ipvs_strerror table): some errnos mean one
 * thing for one command ("Service already exists" for EEXIST on adding a service), others the same for every
 * command; the rest is strerror's text.
 */
public final class IpvsErrors {
    private IpvsErrors() {}

    public static String message(int command, Errno errno) {
        switch (errno) {
            case EEXIST -> {
                if (command == CMD_NEW_SERVICE) return "Service already exists";
                if (command == CMD_NEW_DEST) return "Destination already exists";
                if (command == CMD_NEW_DAEMON) return "Daemon has already run";
            }
            case ENOENT -> {
                if (command == CMD_NEW_SERVICE || command == CMD_SET_SERVICE) {
                    return "Scheduler or persistence engine not found";
                }
                if (command == CMD_SET_DEST || command == CMD_DEL_DEST) return "No such destination";
            }
            case ESRCH -> {
                return command == CMD_DEL_DAEMON ? "No daemon is running" : "No such service";
            }
            case EPERM -> {
                return "Permission denied (you must be root)";
            }
            case EINVAL -> {
                return "Invalid operation.  Possibly wrong module version, address not unicast, ...";
            }
            case ENOPROTOOPT -> {
                return "Protocol not available";
            }
            case ENOMEM -> {
                return "Memory allocation problem";
            }
            case EOPNOTSUPP -> {
                return "Operation not supported with IPv6";
            }
            case EAFNOSUPPORT -> {
                return "Operation not supported with specified address family";
            }
            case EMSGSIZE -> {
                return "Module is wrong version";
            }
            default -> { }
        }
        return errno.description();
    }
}
