package halo.vrrp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything one VRRP state machine needs, named after keepalived's vrrp_instance keywords. keepalived's configuration
 * corrections (nopreempt cleared with {@code state MASTER} or priority 255, preempt_delay cleared with nopreempt...) are
 * the config layer's job; this record takes the values in force.
 *
 * @param name                    vrrp_instance NAME (used in every log line: {@code (VI_1) ...})
 * @param virtualRouterId         virtual_router_id 1..255
 * @param version                 2 (RFC 3768) or 3 (RFC 5798/9568)
 * @param ipv6                    address family of the instance
 * @param interfaceName           interface the instance runs on (log lines only)
 * @param priority                1..255; 255 is the address owner
 * @param advertInterval          advert_int: v2 whole seconds 1..255, v3 0.01..40.95 s in centiseconds
 * @param state                   initial preference: MASTER or BACKUP. Only the owner acts on MASTER at once; anyone
 *                                else starts in BACKUP and waits a full Master_Down_Interval
 * @param nopreempt               a backup accepts any advert (never preempts a lower-priority master)
 * @param preemptDelay            preempt_delay: a backup accepts lower-priority adverts for this long before preempting
 * @param accept                  accept mode (non-owner master answers traffic to the VIPs)
 * @param virtualIpAddresses      virtual_ipaddress list (put in adverts, added when master)
 * @param sourceAddress           our primary address (unicast_src_ip or the interface's), for the tie-break; may be
 *                                {@code null} when not known (then an equal-priority advert never wins the tie-break)
 * @param garpMasterDelay         second GARP batch this long after becoming master (zero: none)
 * @param garpMasterRepeat        GARPs per VIP per batch on becoming master
 * @param garpMasterRefresh       while master, a refresh batch at the first advert after this interval (zero: off)
 * @param garpMasterRefreshRepeat GARPs per VIP per refresh batch
 * @param garpLowerPrioDelay      after a lower-priority advert, second batch after this delay (zero: none)
 * @param garpLowerPrioRepeat     GARPs per VIP per batch when a lower-priority advert is received (0: none)
 * @param higherPrioSendAdvert    a master seeing a higher priority sends one advert before becoming backup
 * @param lowerPrioNoAdvert       a master seeing a lower priority does not answer with an advert at once
 * @param downTimerAdverts        adverts missed before the master is declared down (3)
 * @param startupDelay            global vrrp_startup_delay: backups wait this long before their down timers start
 * @param skipCheckAdvAddr        a backup checks the address list only when the master's address changes
 * @param dontTrackPrimary        ignore the instance's own interface going down
 * @param trackers                tracked objects with their weights (sync group trackers added by the caller)
 * @param notifyScripts           notify_master/backup/fault/stop, notify, notify_master_rx_lower_pri
 * @param notifyPriorityChanges   write MASTER_PRIORITY / BACKUP_PRIORITY FIFO lines when the priority changes
 * @param logDetail               keepalived's -D: also log the detail lines (setting VIPs, GARPs, timeouts)
 */
public record InstanceSpec(
        String name,
        int virtualRouterId,
        int version,
        boolean ipv6,
        String interfaceName,
        int priority,
        Duration advertInterval,
        VrrpState state,
        boolean nopreempt,
        Duration preemptDelay,
        boolean accept,
        List<IpAddress> virtualIpAddresses,
        IpAddress sourceAddress,
        Duration garpMasterDelay,
        int garpMasterRepeat,
        Duration garpMasterRefresh,
        int garpMasterRefreshRepeat,
        Duration garpLowerPrioDelay,
        int garpLowerPrioRepeat,
        boolean higherPrioSendAdvert,
        boolean lowerPrioNoAdvert,
        int downTimerAdverts,
        Duration startupDelay,
        boolean skipCheckAdvAddr,
        boolean dontTrackPrimary,
        List<TrackerSpec> trackers,
        NotifyCommands notifyScripts,
        boolean notifyPriorityChanges,
        boolean logDetail) {

    public static final int PRIORITY_OWNER = 255;

    public InstanceSpec {
        Objects.requireNonNull(name, "name");
        if (virtualRouterId < 1 || virtualRouterId > 255) {
            throw new IllegalArgumentException("(" + name + ") virtual_router_id " + virtualRouterId + " not in 1..255");
        }
        if (version != 2 && version != 3) {
            throw new IllegalArgumentException("(" + name + ") version " + version + " is neither 2 nor 3");
        }
        if (ipv6 && version != 3) {
            throw new IllegalArgumentException("(" + name + ") IPv6 needs VRRP version 3");
        }
        if (priority < 1 || priority > 255) {
            throw new IllegalArgumentException("(" + name + ") priority " + priority + " not in 1..255");
        }
        long us = advertInterval.toNanos() / 1000;
        if (version == 2 && (us % 1_000_000 != 0 || us < 1_000_000 || us > 255_000_000)) {
            throw new IllegalArgumentException("(" + name + ") VRRPv2 advert_int must be whole seconds 1..255: " + advertInterval);
        }
        if (version == 3 && (us % 10_000 != 0 || us < 10_000 || us > 40_950_000)) {
            throw new IllegalArgumentException("(" + name + ") VRRPv3 advert_int must be centiseconds 0.01..40.95 s: " + advertInterval);
        }
        if (state != VrrpState.MASTER && state != VrrpState.BACKUP) {
            throw new IllegalArgumentException("(" + name + ") initial state must be MASTER or BACKUP");
        }
        if (downTimerAdverts < 1 || downTimerAdverts > 100) {
            throw new IllegalArgumentException("(" + name + ") down_timer_adverts " + downTimerAdverts + " not in 1..100");
        }
        virtualIpAddresses = List.copyOf(virtualIpAddresses);
        trackers = List.copyOf(trackers);
        Objects.requireNonNull(preemptDelay);
        Objects.requireNonNull(garpMasterDelay);
        Objects.requireNonNull(garpMasterRefresh);
        Objects.requireNonNull(garpLowerPrioDelay);
        Objects.requireNonNull(startupDelay);
        notifyScripts = notifyScripts == null ? NotifyCommands.NONE : notifyScripts;
        interfaceName = interfaceName == null ? "" : interfaceName;
    }

    public boolean isAddressOwner() {
        return priority == PRIORITY_OWNER;
    }

    /** The advert interval as it goes on the wire: seconds for v2, centiseconds for v3. */
    public int advertIntervalOnWire() {
        long us = advertInterval.toNanos() / 1000;
        return (int) (version == 2 ? us / 1_000_000 : us / 10_000);
    }

    public static Builder builder(String name, int virtualRouterId) {
        return new Builder(name, virtualRouterId);
    }

    public Builder toBuilder() {
        Builder b = new Builder(name, virtualRouterId);
        b.version = version;
        b.ipv6 = ipv6;
        b.interfaceName = interfaceName;
        b.priority = priority;
        b.advertInterval = advertInterval;
        b.state = state;
        b.nopreempt = nopreempt;
        b.preemptDelay = preemptDelay;
        b.accept = accept;
        b.virtualIpAddresses = new ArrayList<>(virtualIpAddresses);
        b.sourceAddress = sourceAddress;
        b.garpMasterDelay = garpMasterDelay;
        b.garpMasterRepeat = garpMasterRepeat;
        b.garpMasterRefresh = garpMasterRefresh;
        b.garpMasterRefreshRepeat = garpMasterRefreshRepeat;
        b.garpLowerPrioDelay = garpLowerPrioDelay;
        b.garpLowerPrioRepeat = garpLowerPrioRepeat;
        b.higherPrioSendAdvert = higherPrioSendAdvert;
        b.lowerPrioNoAdvert = lowerPrioNoAdvert;
        b.downTimerAdverts = downTimerAdverts;
        b.startupDelay = startupDelay;
        b.skipCheckAdvAddr = skipCheckAdvAddr;
        b.dontTrackPrimary = dontTrackPrimary;
        b.trackers = new ArrayList<>(trackers);
        b.notifyScripts = notifyScripts;
        b.notifyPriorityChanges = notifyPriorityChanges;
        b.logDetail = logDetail;
        return b;
    }

    /** keepalived's defaults: v2, IPv4, priority 100, advert_int 1 s, state BACKUP, GARP 5 at once and 5 after 5 s. */
    public static final class Builder {
        private final String name;
        private final int virtualRouterId;
        private int version = 2;
        private boolean ipv6;
        private String interfaceName = "";
        private int priority = 100;
        private Duration advertInterval = Duration.ofSeconds(1);
        private VrrpState state = VrrpState.BACKUP;
        private boolean nopreempt;
        private Duration preemptDelay = Duration.ZERO;
        private boolean accept = true;
        private List<IpAddress> virtualIpAddresses = new ArrayList<>();
        private IpAddress sourceAddress;
        private Duration garpMasterDelay = Duration.ofSeconds(5);
        private int garpMasterRepeat = 5;
        private Duration garpMasterRefresh = Duration.ZERO;
        private int garpMasterRefreshRepeat = 1;
        private Duration garpLowerPrioDelay = Duration.ofSeconds(5);
        private int garpLowerPrioRepeat = 5;
        private boolean higherPrioSendAdvert;
        private boolean lowerPrioNoAdvert;
        private int downTimerAdverts = 3;
        private Duration startupDelay = Duration.ZERO;
        private boolean skipCheckAdvAddr;
        private boolean dontTrackPrimary;
        private List<TrackerSpec> trackers = new ArrayList<>();
        private NotifyCommands notifyScripts = NotifyCommands.NONE;
        private boolean notifyPriorityChanges;
        private boolean logDetail;

        private Builder(String name, int virtualRouterId) {
            this.name = name;
            this.virtualRouterId = virtualRouterId;
        }

        public Builder version(int v) { this.version = v; return this; }
        public Builder ipv6(boolean v) { this.ipv6 = v; if (v) { this.version = 3; } return this; }
        public Builder interfaceName(String v) { this.interfaceName = v; return this; }
        public Builder priority(int v) { this.priority = v; return this; }
        public Builder advertInterval(Duration v) { this.advertInterval = v; return this; }
        public Builder state(VrrpState v) { this.state = v; return this; }
        public Builder nopreempt(boolean v) { this.nopreempt = v; return this; }
        public Builder preemptDelay(Duration v) { this.preemptDelay = v; return this; }
        public Builder accept(boolean v) { this.accept = v; return this; }
        public Builder virtualIpAddresses(List<IpAddress> v) { this.virtualIpAddresses = new ArrayList<>(v); return this; }
        public Builder virtualIpAddress(String literal) { this.virtualIpAddresses.add(IpAddress.parse(literal)); return this; }
        public Builder sourceAddress(IpAddress v) { this.sourceAddress = v; return this; }
        public Builder sourceAddress(String literal) { this.sourceAddress = IpAddress.parse(literal); return this; }
        public Builder garpMasterDelay(Duration v) { this.garpMasterDelay = v; return this; }
        public Builder garpMasterRepeat(int v) { this.garpMasterRepeat = v; return this; }
        public Builder garpMasterRefresh(Duration v) { this.garpMasterRefresh = v; return this; }
        public Builder garpMasterRefreshRepeat(int v) { this.garpMasterRefreshRepeat = v; return this; }
        public Builder garpLowerPrioDelay(Duration v) { this.garpLowerPrioDelay = v; return this; }
        public Builder garpLowerPrioRepeat(int v) { this.garpLowerPrioRepeat = v; return this; }
        public Builder higherPrioSendAdvert(boolean v) { this.higherPrioSendAdvert = v; return this; }
        public Builder lowerPrioNoAdvert(boolean v) { this.lowerPrioNoAdvert = v; return this; }
        public Builder downTimerAdverts(int v) { this.downTimerAdverts = v; return this; }
        public Builder startupDelay(Duration v) { this.startupDelay = v; return this; }
        public Builder skipCheckAdvAddr(boolean v) { this.skipCheckAdvAddr = v; return this; }
        public Builder dontTrackPrimary(boolean v) { this.dontTrackPrimary = v; return this; }
        public Builder trackers(List<TrackerSpec> v) { this.trackers = new ArrayList<>(v); return this; }
        public Builder tracker(TrackerSpec v) { this.trackers.add(v); return this; }
        public Builder notifyScripts(NotifyCommands v) { this.notifyScripts = v; return this; }
        public Builder notifyPriorityChanges(boolean v) { this.notifyPriorityChanges = v; return this; }
        public Builder logDetail(boolean v) { this.logDetail = v; return this; }

        public InstanceSpec build() {
            return new InstanceSpec(name, virtualRouterId, version, ipv6, interfaceName, priority, advertInterval, state,
                    nopreempt, preemptDelay, accept, virtualIpAddresses, sourceAddress, garpMasterDelay, garpMasterRepeat,
                    garpMasterRefresh, garpMasterRefreshRepeat, garpLowerPrioDelay, garpLowerPrioRepeat,
                    higherPrioSendAdvert, lowerPrioNoAdvert, downTimerAdverts, startupDelay, skipCheckAdvAddr,
                    dontTrackPrimary, trackers, notifyScripts, notifyPriorityChanges, logDetail);
        }
    }
}
