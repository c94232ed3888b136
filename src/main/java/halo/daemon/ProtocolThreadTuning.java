package halo.daemon;

import halo.config.KeepalivedConfig;
import halo.config.RawSetting;
import halo.config.VirtualAddress;
import halo.os.Frames;
import halo.os.HostOs;
import halo.os.Link;
import halo.os.NativeException;
import halo.os.ResidentMemory;
import halo.vrrp.HostSetup;
import halo.vrrp.IpAddress;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;

/**
 * What makes the protocol thread wake and take over on time, done once before its loop: its scheduling, the takeover
 * path's code run once, and the start-up-only pages given back.
 */
final class ProtocolThreadTuning {

    private ProtocolThreadTuning() {}

    /**
     * The protocol thread wakes on time: timer slack 1 ns (the kernel's 50 us default batches wake-ups), and SCHED_RR
     * at vrrp_rt_priority / max_auto_priority when configured, as keepalived; with an advert interval under 100 ms and
     * neither given, priority 1 (the lowest realtime one) so that a busy host does not delay adverts past
     * Master_Down_Interval. The loop blocks in poll between events, so it cannot starve the host. Call it on the
     * protocol thread.
     */
    static void schedule(KeepalivedConfig config, HostSetup setup, DaemonLog log) {
        try {
            HostOs.setTimerSlack(1);
        } catch (NativeException | RuntimeException e) {
            log.detail("Cannot set the timer slack: " + e.getMessage());
        }
        int priority = 0;
        for (RawSetting r : config.global().otherSettings()) {
            if (r.keyword().equals("vrrp_rt_priority") && !r.args().isEmpty()) {
                try {
                    priority = Integer.parseInt(r.args().getFirst());
                } catch (NumberFormatException e) {
                    log.info("Invalid vrrp_rt_priority " + r.args().getFirst() + " - ignoring");
                }
            }
        }
        if (priority == 0 && config.global().maxAutoPriority() > 0) {
            priority = config.global().maxAutoPriority();
        }
        long fastest = setup.instances().stream().mapToLong(i -> i.spec().advertInterval().toMillis()).min().orElse(1000);
        if (priority == 0 && fastest < 100) {
            priority = 1;
        }
        if (priority > 0) {
            try {
                HostOs.setRealtimePriority(Math.min(99, priority));
                log.detail("Set realtime priority " + Math.min(99, priority) + " (SCHED_RR) for the VRRP thread");
            } catch (NativeException | RuntimeException e) {
                log.info("Cannot set realtime priority " + priority + ": " + e.getMessage());
            }
        }
    }

    /**
     * Runs once what a backup first runs when it takes over, as far as it can without sending: the gratuitous ARP and
     * neighbour advert frames are built and the VIPs formatted for the log (their code loaded and linked now, not on the
     * way to the first GARP).
     */
    static void prepareTakeover(HostSetup setup, LinuxHostNetwork network) {
        for (HostSetup.Instance i : setup.instances()) {
            // the takeover's "Sending/queueing gratuitous ARPs ... for VIP" line formats each VIP (halo.net.AddressText)
            for (IpAddress vip : i.spec().virtualIpAddresses()) {
                vip.toString();
            }
            if (i.config() == null) {
                continue;
            }
            java.util.List<VirtualAddress> all = new java.util.ArrayList<>(i.config().virtualAddresses());
            all.addAll(i.config().excludedAddresses());
            for (VirtualAddress v : all) {
                Link link = network.link(VipInstaller.device(i, v));
                if (link == null || link.hardwareAddress() == null || link.hardwareAddress().length != 6) {
                    continue;
                }
                if (v.address().address() instanceof Inet4Address v4) {
                    Frames.gratuitousArp(link.hardwareAddress(), v4);
                } else if (v.address().address() instanceof Inet6Address v6) {
                    Frames.unsolicitedNeighbourAdvert(link.hardwareAddress(), v6, true);
                }
            }
        }
    }

    /** The JVM's start-up-only read-only data goes back to the kernel (halo.os.ResidentMemory says what and why). */
    static void releaseStartupPages(DaemonLog log) {
        try {
            long advised = ResidentMemory.pageOutReadOnlyFileData();
            log.detail("advised " + (advised >> 20) + " MB of read-only file mappings out of memory");
        } catch (IOException e) {
            log.detail("cannot page out start-up data: " + e.getMessage());
        }
    }
}
