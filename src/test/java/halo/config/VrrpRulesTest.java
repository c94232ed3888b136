package halo.config;

import static halo.config.Loading.ip;
import static halo.config.Loading.loadText;
import static halo.config.Loading.prefix;
import static halo.config.Loading.warnings;
import static org.assertj.core.api.Assertions.assertThat;

import halo.config.source.Diagnostic;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** keepalived's vrrp_instance rules, each checked against what keepalived 2.2.7 -t prints for the same input. */
class VrrpRulesTest {

    @TempDir
    Path dir;

    static String instance(String body) {
        return "vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n" + body
                + "    virtual_ipaddress {\n        192.0.2.10/24\n    }\n}\n";
    }

    VrrpInstance only(LoadResult r) {
        assertThat(r.config()).isNotNull();
        assertThat(r.config().vrrpInstances()).hasSize(1);
        return r.config().vrrpInstances().getFirst();
    }

    @Test
    void defaults() {
        LoadResult r = loadText(dir, instance(""));
        assertThat(r.diagnostics()).isEmpty();
        assertThat(r.exitStatus()).isZero();
        VrrpInstance i = only(r);
        assertThat(i.state()).isEqualTo(InitialState.BACKUP);
        assertThat(i.priority()).isEqualTo(100);
        assertThat(i.advertInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(i.version()).isEqualTo(2);
        assertThat(i.family()).isEqualTo(AddressFamily.IPV4);
        assertThat(i.preempt()).isTrue();
        assertThat(i.preemptDelay()).isZero();
        assertThat(i.accept()).isTrue();
        assertThat(i.strictMode()).isFalse();
        assertThat(i.downTimerAdverts()).isEqualTo(3);
        assertThat(i.multicastGroup()).isEqualTo(ip("224.0.0.18"));
        assertThat(i.garp()).isEqualTo(new GarpSettings(Duration.ofSeconds(5), 5, Duration.ZERO, 1, Duration.ofSeconds(5), 5));
        assertThat(i.virtualAddresses()).extracting(VirtualAddress::address).containsExactly(prefix("192.0.2.10/24"));
    }

    @Test
    void nopreemptAndPreemptDelayClearedWithStateMaster() {
        LoadResult r = loadText(dir, instance("    state MASTER\n    nopreempt\n    preempt_delay 10\n"));
        assertThat(warnings(r)).containsExactly(
                "5: (VI_1) Warning - nopreempt will not work with initial state MASTER - clearing",
                "6: (VI_1) Warning - preempt delay will not work with initial state MASTER - clearing");
        assertThat(r.exitStatus()).isEqualTo(5);
        VrrpInstance i = only(r);
        assertThat(i.preempt()).isTrue();
        assertThat(i.preemptDelay()).isZero();
        assertThat(i.state()).isEqualTo(InitialState.MASTER);
    }

    @Test
    void preemptDelayClearedWithNopreempt() {
        LoadResult r = loadText(dir, instance("    nopreempt\n    preempt_delay 5\n"));
        assertThat(warnings(r)).containsExactly("5: (VI_1) preempt_delay is incompatible with nopreempt mode - resetting");
        VrrpInstance i = only(r);
        assertThat(i.preempt()).isFalse();
        assertThat(i.preemptDelay()).isZero();
    }

    @Test
    void preemptDelayKeptAlone() {
        VrrpInstance i = only(loadText(dir, instance("    preempt_delay 2.5\n")));
        assertThat(i.preemptDelay()).isEqualTo(Duration.ofMillis(2500));
    }

    @Test
    void preemptDelayOutOfRange() {
        LoadResult r = loadText(dir, instance("    preempt_delay 2000\n"));
        assertThat(warnings(r)).containsExactly(
                "4: number '2000' outside range [0, 1000]",
                "4: (VI_1) Preempt_delay not valid! must be between 0-1000");
        assertThat(only(r).preemptDelay()).isZero();
    }

    @Test
    void nopreemptClearedForAddressOwner() {
        LoadResult r = loadText(dir, instance("    priority 255\n    nopreempt\n"));
        assertThat(warnings(r)).containsExactly("5: (VI_1) nopreempt is incompatible with priority 255. resetting nopreempt");
        VrrpInstance i = only(r);
        assertThat(i.preempt()).isTrue();
        assertThat(i.isAddressOwner()).isTrue();
    }

    @Test
    void vridOutOfRangeDropsTheInstance() {
        LoadResult r = loadText(dir, "vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 300\n"
                + "    virtual_ipaddress {\n        192.0.2.10/24\n    }\n}\n");
        assertThat(warnings(r)).containsExactly(
                "3: number '300' outside range [1, 255]",
                "3: (VI_1): VRID '300' not valid - must be between 1 & 255",
                "1: (VI_1) the virtual router id must be set - ignoring instance VI_1");
        assertThat(r.config().vrrpInstances()).isEmpty();
        assertThat(r.exitStatus()).isEqualTo(5);
    }

    @Test
    void vridZeroIsInvalidToo() {
        LoadResult r = loadText(dir, instance("").replace("virtual_router_id 51", "virtual_router_id 0"));
        assertThat(warnings(r)).first().isEqualTo("3: number '0' outside range [1, 255]");
    }

    @Test
    void priorityOutOfRangeUsesDefault() {
        LoadResult r = loadText(dir, instance("    priority 256\n"));
        assertThat(warnings(r)).containsExactly(
                "4: number '256' outside range [1, 255]",
                "4: (VI_1) Priority not valid! must be between 1 & 255. Using default 100");
        assertThat(only(r).priority()).isEqualTo(100);
        LoadResult zero = loadText(dir, instance("    priority 0\n"));
        assertThat(warnings(zero)).first().isEqualTo("4: number '0' outside range [1, 255]");
    }

    @Test
    void advertIntervalV2IsRounded() {
        LoadResult r = loadText(dir, instance("    advert_int 1.5\n"));
        assertThat(warnings(r)).containsExactly("4: (VI_1) VRRPv2 advertisement interval 1.500000s must be an integer. rounding");
        assertThat(only(r).advertInterval()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void advertIntervalV2BelowOneSecondRoundsToOne() {
        LoadResult r = loadText(dir, instance("    advert_int 0.3\n"));
        assertThat(warnings(r)).containsExactly("4: (VI_1) VRRPv2 advertisement interval 0.300000s must be an integer. rounding");
        assertThat(only(r).advertInterval()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void advertIntervalV3KeepsCentiseconds() {
        LoadResult r = loadText(dir, instance("    version 3\n    advert_int 0.25\n"));
        assertThat(r.diagnostics()).isEmpty();
        VrrpInstance i = only(r);
        assertThat(i.version()).isEqualTo(3);
        assertThat(i.advertInterval()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void advertIntervalV3AboveMaximum() {
        LoadResult r = loadText(dir, instance("    version 3\n    advert_int 50\n"));
        assertThat(warnings(r)).containsExactly(
                "5: (VI_1) VRRPv3 advertisement interval 50.00s is out of range. Must be less than 40.96s. Setting to 40.95s");
        assertThat(only(r).advertInterval()).isEqualTo(Duration.ofMillis(40950));
    }

    @Test
    void advertIntervalOutsideWhatKeepalivedReadsIsIgnored() {
        LoadResult r = loadText(dir, instance("    advert_int 300\n"));
        assertThat(warnings(r)).containsExactly(
                "4: number '300' outside range [0.01, 255]: (VI_1) Advert interval (300) not valid - ignoring");
        assertThat(only(r).advertInterval()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void ipv6ForcesVersion3() {
        String text = "vrrp_instance VI_6 {\n    interface eth0\n    virtual_router_id 52\n    version 2\n"
                + "    virtual_ipaddress {\n        fe80::1\n        2001:db8::1/64\n    }\n}\n";
        LoadResult r = loadText(dir, text);
        assertThat(warnings(r)).containsExactly("4: (VI_6) cannot use IPv6 with VRRP version 2; setting version 3");
        VrrpInstance i = only(r);
        assertThat(i.version()).isEqualTo(3);
        assertThat(i.family()).isEqualTo(AddressFamily.IPV6);
        assertThat(i.multicastGroup()).isEqualTo(ip("ff02::12"));
        assertThat(i.virtualAddresses()).extracting(VirtualAddress::address)
                .containsExactly(prefix("fe80::1/128"), prefix("2001:db8::1/64"));
    }

    @Test
    void ipv6WithoutExplicitVersionIsSilentlyV3AndTheFirstAddressShouldBeLinkLocal() {
        String text = "vrrp_instance VI_6 {\n    interface eth0\n    virtual_router_id 52\n"
                + "    virtual_ipaddress {\n        2001:db8::1/64\n    }\n}\n";
        LoadResult r = loadText(dir, text);
        // keepalived 2.2.7 -t exits 0 here: outside strict mode it only logs it (vrrp.c, log_message)
        assertThat(warnings(r)).isEmpty();
        assertThat(Loading.messages(r, Diagnostic.Severity.INFO))
                .containsExactly("5: (VI_6) the first IPv6 VIP address should be link local");
        assertThat(only(r).version()).isEqualTo(3);
    }

    @Test
    void mixedFamiliesKeepTheFirst() {
        LoadResult r = loadText(dir, instance("").replace("192.0.2.10/24\n", "192.0.2.10/24\n        2001:db8::1\n"));
        assertThat(warnings(r)).containsExactly("6: (VI_1) address family must match VRRP instance [2001:db8::1] - ignoring");
        assertThat(only(r).virtualAddresses()).hasSize(1);
    }

    @Test
    void invalidAddressAndPrefix() {
        LoadResult r = loadText(dir, instance("").replace("192.0.2.10/24\n",
                "192.0.2.10/24\n        192.0.2.300/24\n        192.0.2.11/33\n        bogus\n"));
        assertThat(warnings(r)).containsExactly(
                "6: VRRP parsed invalid IP 192.0.2.300/24. skipping IP...",
                "7: Invalid address prefix len 33 for address 192.0.2.11/33 - using 32",
                "8: VRRP parsed invalid IP bogus. skipping IP...");
        assertThat(only(r).virtualAddresses()).extracting(VirtualAddress::address)
                .containsExactly(prefix("192.0.2.10/24"), prefix("192.0.2.11/32"));
    }

    @Test
    void vipOptionsAsIpAddr() {
        LoadResult r = loadText(dir, instance("").replace("192.0.2.10/24\n",
                "192.0.2.10/24 brd 192.0.2.255 dev eth1 scope link label eth1:vip no_track\n"));
        assertThat(r.diagnostics()).isEmpty();
        VirtualAddress a = only(r).virtualAddresses().getFirst();
        assertThat(a).isEqualTo(new VirtualAddress(prefix("192.0.2.10/24"), ip("192.0.2.255"), "eth1", "link",
                "eth1:vip", null, false, false, false, false, true));
    }

    @Test
    void strictModeRules() {
        String text = "global_defs {\n    vrrp_strict\n}\n" + instance("    state MASTER\n    preempt_delay 4\n"
                + "    authentication {\n        auth_type PASS\n        auth_pass 123456789\n    }\n");
        LoadResult r = loadText(dir, text);
        assertThat(warnings(r)).containsExactly(
                "11: Truncating auth_pass to 8 characters",
                "7: (VI_1) State MASTER must match being address owner",
                "9: (VI_1) Strict mode does not support authentication. Ignoring.",
                "8: (VI_1) preempt_delay is incompatible with strict mode - resetting");
        VrrpInstance i = only(r);
        assertThat(i.strictMode()).isTrue();
        assertThat(i.state()).isEqualTo(InitialState.BACKUP);
        assertThat(i.authentication()).isNull();
        assertThat(i.preemptDelay()).isZero();
        assertThat(i.accept()).isFalse(); // RFC 5798 Accept_Mode default for a non-owner
    }

    @Test
    void strictOwnerAcceptsAndMayStartMaster() {
        String text = "global_defs {\n    vrrp_strict\n}\n" + instance("    state MASTER\n    priority 255\n");
        LoadResult r = loadText(dir, text);
        assertThat(r.diagnostics()).isEmpty();
        VrrpInstance i = only(r);
        assertThat(i.state()).isEqualTo(InitialState.MASTER);
        assertThat(i.accept()).isFalse(); // strict mode's default
        assertThat(i.acceptsTraffic()).isTrue(); // but the owner's addresses are its own
    }

    @Test
    void strictModeClearsHigherPrioSendAdvertAndSetsLowerPrioNoAdvert() {
        // keepalived 2.2.7 -t: both messages, exit 5; the global settings are overridden without a word
        String text = "global_defs {\n    vrrp_strict\n    vrrp_higher_prio_send_advert\n}\n"
                + instance("    higher_prio_send_advert\n    lower_prio_no_advert false\n");
        LoadResult r = loadText(dir, text);
        assertThat(warnings(r)).containsExactlyInAnyOrder(
                "9: (VI_1) Strict mode requires no lower priority advert. resetting",
                "8: (VI_1) strict mode requires higher_prio_send_advert to be clear. resetting");
        VrrpInstance i = only(r);
        assertThat(i.higherPrioSendAdvert()).isFalse();
        assertThat(i.lowerPrioNoAdvert()).isTrue();

        LoadResult quiet = loadText(dir, "global_defs {\n    vrrp_strict\n    vrrp_higher_prio_send_advert\n}\n"
                + instance("    priority 255\n"));
        assertThat(quiet.diagnostics()).isEmpty();
        assertThat(only(quiet).higherPrioSendAdvert()).isFalse();
        assertThat(only(quiet).lowerPrioNoAdvert()).isTrue();
    }

    @Test
    void aVipIsRequiredInStrictModeAndWithVersion3() {
        String noVip = "vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n}\n";
        assertThat(warnings(loadText(dir, "global_defs {\n    vrrp_strict\n}\n" + noVip)))
                .containsExactly("4: (VI_1) No VIP specified; at least one is required");
        assertThat(warnings(loadText(dir, "global_defs {\n    vrrp_version 3\n}\n" + noVip)))
                .containsExactly("4: (VI_1) No VIP specified; at least one is required");
        assertThat(warnings(loadText(dir, noVip))).containsExactly("1: (VI_1) No VIP specified; at least one is sensible");
    }

    @Test
    void aGlobalFirstIpv6VipIsAnErrorOnlyInStrictMode() {
        String v6 = "vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n"
                + "    virtual_ipaddress {\n        2001:db8::100/64\n    }\n}\n";
        // keepalived 2.2.7 -t exits 0: it only logs "should be link local"
        assertThat(warnings(loadText(dir, v6))).isEmpty();
        assertThat(warnings(loadText(dir, "global_defs {\n    vrrp_strict\n}\n" + v6)))
                .containsExactly("8: (VI_1) the first IPv6 VIP address must be link local");
    }

    @Test
    void anInvalidStrictModeLeavesTheGlobalOne() {
        // keepalived 2.2.7 -t: "(VI_1) invalid strict_mode maybe specified", exit 5; vrrp_strict still applies
        LoadResult r = loadText(dir, "global_defs {\n    vrrp_strict\n}\n" + instance("    strict_mode maybe\n"));
        assertThat(warnings(r)).containsExactly("7: (VI_1) invalid strict_mode maybe specified");
        assertThat(only(r).strictMode()).isTrue();
        LoadResult off = loadText(dir, instance("    strict_mode Yes\n"));
        assertThat(warnings(off)).containsExactly("4: (VI_1) invalid strict_mode Yes specified");
        assertThat(only(off).strictMode()).isFalse();
    }

    @Test
    void firewallKeywordsAsKeepalivedReadsThem() {
        String text = "global_defs {\n    nftables foo\n    nftables bar\n    nftables_priority x\n"
                + "    nftables_counters\n    nftables_ifindex\n}\n" + instance("    no_accept\n");
        LoadResult r = loadText(dir, text);
        assertThat(warnings(r)).containsExactly("3: nftables already specified - ignoring", "4: invalid number 'x'",
                "4: invalid nftables chain priority 'x'");
        assertThat(r.config().global().otherSettings()).extracting(RawSetting::keyword)
                .containsExactly("nftables", "nftables_counters", "nftables_ifindex");
        assertThat(r.config().global().otherSettings().getFirst().args()).containsExactly("foo");
        assertThat(only(r).acceptsTraffic()).isFalse();

        LoadResult iptables = loadText(dir, "global_defs {\n    vrrp_iptables\n}\n" + instance(""));
        assertThat(warnings(iptables)).containsExactly("2: iptables not supported, using nftables instead. Please"
                + " replace 'vrrp_iptables and 'vrrp_ipsets' with 'nftables' config option");
        assertThat(Loading.notUsed(iptables)).isEmpty();
    }

    @Test
    void passwordTruncatedToEightBytes() {
        LoadResult r = loadText(dir, instance("    authentication {\n        auth_type PASS\n        auth_pass 123456789\n    }\n"));
        assertThat(warnings(r)).containsExactly("6: Truncating auth_pass to 8 characters");
        assertThat(only(r).authentication()).isEqualTo(new Authentication(Authentication.Type.PASS, "12345678"));
    }

    @Test
    void version3DropsAuthentication() {
        LoadResult r = loadText(dir, instance("    version 3\n    authentication {\n        auth_type AH\n        auth_pass x\n    }\n"));
        assertThat(warnings(r)).containsExactly("5: (VI_1) VRRP version 3 does not support authentication. Ignoring.");
        assertThat(only(r).authentication()).isNull();
    }

    @Test
    void trackScriptMustBeDefinedBeforeUse() {
        String text = instance("    track_script {\n        chk_a\n        chk_b weight -20\n    }\n")
                + "vrrp_script chk_b {\n    script /bin/true\n}\n";
        String withA = "vrrp_script chk_a {\n    script /bin/true\n    weight -10\n    fall 2\n}\n" + text;
        LoadResult r = loadText(dir, withA);
        // keepalived looks the name up as it reads: chk_b is defined after the instance
        assertThat(warnings(r)).containsExactly("11: (VI_1) track script chk_b not found, ignoring...");
        VrrpInstance i = only(r);
        assertThat(i.trackScripts()).containsExactly(TrackRef.of("chk_a"));
        VrrpScript a = r.config().vrrpScript("chk_a").orElseThrow();
        assertThat(a.weight()).isEqualTo(-10);
        assertThat(a.fall()).isEqualTo(2);
        assertThat(a.rise()).isEqualTo(1);
        assertThat(a.interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(a.timeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(r.config().vrrpScripts()).extracting(VrrpScript::name).containsExactly("chk_a", "chk_b");
    }

    @Test
    void trackerWeights() {
        String text = "vrrp_script s1 {\n    script /bin/true\n    weight 300\n    interval 0\n}\n"
                + instance("    track_script {\n        s1 weight 300\n        s1\n    }\n"
                + "    track_interface {\n        eth1 weight -30 reverse\n        eth2 weight 300\n    }\n");
        LoadResult r = loadText(dir, text);
        assertThat(warnings(r)).containsExactly(
                "3: number '300' outside range [-253, 253]",
                "3: vrrp_script s1 weight 300 must be in [-253, 253]",
                "4: (s1): vrrp script interval must be greater than 0, setting to 1",
                "10: number '300' outside range [-254, 254]",
                "10: track script s1: weight must be between [-253..253] inclusive, ignoring...",
                "11: duplicate track_script s1 - ignoring",
                "15: number '300' outside range [-254, 254]",
                "15: weight 300 for eth2 must be between [-253..253] inclusive. Ignoring...");
        VrrpInstance i = only(r);
        assertThat(i.trackScripts()).containsExactly(TrackRef.of("s1"));
        assertThat(i.trackInterfaces()).containsExactly(new TrackedInterface("eth1", -30, true), new TrackedInterface("eth2", 0, false));
    }

    @Test
    void addressOwnerDropsWeightedTrackers() {
        String text = "vrrp_script s1 {\n    script /bin/true\n    weight 10\n}\n"
                + "vrrp_script s0 {\n    script /bin/true\n}\n"
                + instance("    priority 255\n    track_script {\n        s1\n        s0\n    }\n");
        LoadResult r = loadText(dir, text);
        assertThat(warnings(r)).containsExactly("8: (VI_1) ignoring tracked script s1 with weights due to address_owner");
        assertThat(only(r).trackScripts()).containsExactly(TrackRef.of("s0"));
    }

    @Test
    void ownInterfaceTrackedWithoutWeightIsDropped() {
        LoadResult r = loadText(dir, instance("    track_interface {\n        eth0\n    }\n"));
        assertThat(warnings(r)).containsExactly("1: (VI_1) Ignoring track_interface eth0 since own interface");
        assertThat(only(r).trackInterfaces()).isEmpty();
    }

    @Test
    void duplicateVridOnOneInterface() {
        String text = instance("") + instance("").replace("VI_1", "VI_2").replace("192.0.2.10", "192.0.2.11");
        LoadResult r = loadText(dir, text);
        assertThat(warnings(r)).containsExactly(
                "8: VI_1 and VI_2 both use VRID 51 with IPv4 on interface eth0 - ignoring VI_2");
        assertThat(r.config().vrrpInstances()).extracting(VrrpInstance::name).containsExactly("VI_1");
    }

    @Test
    void sameVridOnOtherInterfaceOrFamilyIsFine() {
        String text = instance("") + instance("").replace("VI_1", "VI_2").replace("eth0", "eth1");
        assertThat(loadText(dir, text).diagnostics()).isEmpty();
    }

    @Test
    void duplicateInstanceName() {
        LoadResult r = loadText(dir, instance("") + instance("").replace("51", "52"));
        assertThat(warnings(r)).containsExactly("8: vrrp instance VI_1 already defined");
        assertThat(r.config().vrrpInstances()).extracting(VrrpInstance::virtualRouterId).containsExactly(51);
    }

    @Test
    void syncGroupNamingAnUnknownInstance() {
        String text = instance("") + "vrrp_sync_group G1 {\n    group {\n        VI_1\n        VI_9\n    }\n"
                + "    notify_master \"/etc/keepalived/g.sh master\"\n}\n";
        LoadResult r = loadText(dir, text);
        assertThat(warnings(r)).containsExactly(
                "11: Virtual router VI_9 specified in sync group G1 doesn't exist - ignoring",
                "8: Sync group G1 has only 1 virtual router(s) - this probably isn't what you want");
        VrrpSyncGroup g = r.config().syncGroups().getFirst();
        assertThat(g.instances()).containsExactly("VI_1");
        assertThat(g.notifyScripts().master()).isNotNull();
    }

    @Test
    void syncGroupMayComeBeforeItsInstances() {
        String text = "vrrp_sync_group G {\n    group {\n        VI_1 VI_2\n    }\n}\n" + instance("")
                + instance("").replace("VI_1", "VI_2").replace("51", "52");
        LoadResult r = loadText(dir, text);
        assertThat(r.diagnostics()).isEmpty();
        assertThat(r.config().syncGroups().getFirst().instances()).containsExactly("VI_1", "VI_2");
    }

    @Test
    void missingVridOrInterface() {
        LoadResult r = loadText(dir, "vrrp_instance A {\n    interface eth0\n}\nvrrp_instance B {\n    virtual_router_id 3\n}\n");
        assertThat(warnings(r)).containsExactly(
                "1: (A) the virtual router id must be set - ignoring instance A",
                "4: (B) Unknown interface! (no 'interface' and no unicast_peer) - ignoring instance B");
        assertThat(r.config().vrrpInstances()).isEmpty();
    }

    @Test
    void noVipIsAWarning() {
        LoadResult r = loadText(dir, "vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n}\n");
        assertThat(warnings(r)).containsExactly("1: (VI_1) No VIP specified; at least one is sensible");
        assertThat(only(r).virtualAddresses()).isEmpty();
    }

    @Test
    void loopbackInterfaceRefused() {
        LoadResult r = loadText(dir, instance("").replace("interface eth0", "interface lo"));
        assertThat(warnings(r)).first().isEqualTo("2: (VI_1) cannot use a loopback interface (lo) for vrrp - ignoring");
    }

    @Test
    void unicastPeersGarpAndFlags() {
        LoadResult r = loadText(dir, instance("    unicast_src_ip 192.0.2.1\n    unicast_peer {\n        192.0.2.2\n"
                + "        192.0.2.3 min_ttl 10 max_ttl 64\n    }\n    garp_master_delay 1\n    garp_master_refresh 60\n"
                + "    garp_lower_prio_repeat 2\n    use_vmac vrrp51\n    vmac_xmit_base\n    no_accept\n"
                + "    higher_prio_send_advert\n    dont_track_primary\n"
                + "    virtual_routes {\n        198.51.100.0/24 via 192.0.2.254 dev eth0 metric 5\n    }\n"
                + "    virtual_rules {\n        from 192.0.2.10 table 100\n    }\n"));
        assertThat(r.diagnostics().stream().filter(d -> !d.message().endsWith(Loading.NOT_USED))).isEmpty();
        assertThat(Loading.notUsed(r)).isEmpty();
        VrrpInstance i = only(r);
        assertThat(i.isUnicast()).isTrue();
        assertThat(i.sourceAddress()).isEqualTo(ip("192.0.2.1"));
        assertThat(i.unicastPeers()).containsExactly(UnicastPeer.of(ip("192.0.2.2")), new UnicastPeer(ip("192.0.2.3"), 10, 64));
        assertThat(i.garp()).isEqualTo(new GarpSettings(Duration.ofSeconds(1), 5, Duration.ofSeconds(60), 1, Duration.ofSeconds(1), 2));
        assertThat(i.useVmac()).isTrue();
        assertThat(i.vmacInterfaceName()).isEqualTo("vrrp51");
        assertThat(i.vmacXmitBase()).isTrue();
        assertThat(i.accept()).isFalse();
        assertThat(i.higherPrioSendAdvert()).isTrue();
        assertThat(i.dontTrackPrimary()).isTrue();
        assertThat(i.virtualRoutes()).containsExactly(new VirtualRoute("unicast", prefix("198.51.100.0/24"), null,
                ip("192.0.2.254"), "eth0", null, 5, null, false, java.util.List.of()));
        assertThat(i.virtualRules().getFirst().from()).isEqualTo(prefix("192.0.2.10/32"));
        assertThat(i.virtualRules().getFirst().table()).isEqualTo("100");
    }

    @Test
    void globalDefaultsFlowIntoInstances() {
        String text = "global_defs {\n    vrrp_version 3\n    vrrp_mcast_group4 224.0.0.100\n"
                + "    vrrp_garp_master_repeat 3\n    vrrp_garp_master_delay 2\n    vrrp_skip_check_adv_addr\n"
                + "    vrrp_higher_prio_send_advert true\n}\n" + instance("    advert_int 0.5\n");
        LoadResult r = loadText(dir, text);
        assertThat(r.diagnostics()).isEmpty();
        VrrpInstance i = only(r);
        assertThat(i.version()).isEqualTo(3);
        assertThat(i.advertInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(i.multicastGroup()).isEqualTo(ip("224.0.0.100"));
        assertThat(i.garp().masterRepeat()).isEqualTo(3);
        assertThat(i.garp().masterDelay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(i.garp().lowerPrioRepeat()).isEqualTo(3);
        assertThat(i.skipCheckAdvAddr()).isTrue();
        assertThat(i.higherPrioSendAdvert()).isTrue();
    }

    @Test
    void unknownStateDefaultsToBackup() {
        LoadResult r = loadText(dir, instance("    state MSTER\n"));
        assertThat(warnings(r)).containsExactly("4: (VI_1) unknown state 'MSTER', defaulting to BACKUP");
        assertThat(only(r).state()).isEqualTo(InitialState.BACKUP);
    }

    @Test
    void unknownKeywordIsAWarningAndFatalWhenStrict() {
        String text = instance("    prority 100\n");
        LoadResult lax = loadText(dir, text);
        assertThat(warnings(lax)).containsExactly("4: Unknown keyword 'prority'");
        assertThat(lax.exitStatus()).isEqualTo(5);
        assertThat(lax.config()).isNotNull();
        LoadResult strict = loadText(dir, text, true);
        assertThat(Loading.messages(strict, Diagnostic.Severity.FATAL)).containsExactly("4: Unknown keyword 'prority'");
        assertThat(strict.exitStatus()).isEqualTo(4);
        assertThat(strict.config()).isNull();
    }

    @Test
    void misspelledSubBlockClosesTheInstanceEarlyAsKeepalivedDoes() {
        // keepalived ignores the '{' of an unknown keyword, so the block's '}' closes vrrp_instance itself
        String text = "vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n    foo_block {\n        a 1\n    }\n"
                + "    virtual_ipaddress {\n        192.0.2.10/24\n    }\n}\n";
        LoadResult r = loadText(dir, text);
        assertThat(warnings(r)).containsExactly(
                "4: Unknown keyword 'foo_block'",
                "4: Unexpected '{' - ignoring",
                "5: Unknown keyword 'a'",
                "7: Unknown keyword 'virtual_ipaddress'",
                "7: Unexpected '{' - ignoring",
                "8: Unknown keyword '192.0.2.10/24'",
                "7: Unknown keyword '}' (the '{' opened at this line was ignored, so its '}' is extra)",
                "1: Unknown keyword '}' (the '{' opened at this line was ignored, so its '}' is extra)",
                "1: (VI_1) No VIP specified; at least one is sensible");
        assertThat(only(r).virtualAddresses()).isEmpty();
    }

    @Test
    void vrrpScriptWithoutScriptIsRemovedAndItsTrackersDropped() {
        LoadResult r = loadText(dir, "vrrp_script chk {\n    interval 2\n}\n"
                + instance("    track_script {\n        chk\n    }\n"));
        assertThat(warnings(r)).containsExactly(
                "1: No script set for vrrp_script chk - removing",
                "8: (VI_1) track script chk not found, ignoring...");
        assertThat(r.config().vrrpScripts()).isEmpty();
        assertThat(only(r).trackScripts()).isEmpty();
    }

    @Test
    void strictVersion2RefusesAcceptMode() {
        String text = "global_defs {\n    vrrp_strict\n}\ngarp_group {\n    garp_interval 0.001\n    interfaces {\n        eth0\n    }\n}\n"
                + instance("    accept\n");
        LoadResult r = loadText(dir, text);
        assertThat(warnings(r)).containsExactly(
                "10: (VI_1) warning - accept mode for VRRP version 2 does not comply with RFC3768 - resetting");
        assertThat(only(r).accept()).isFalse();
        LoadResult v3 = loadText(dir, text.replace("    accept\n", "    accept\n    version 3\n"));
        assertThat(warnings(v3)).isEmpty();
        assertThat(only(v3).accept()).isTrue(); // RFC 5798 6.1 Accept_Mode
    }

    @Test
    void unicastPeersOfTheWrongFamilyOrMalformedAreSkipped() {
        LoadResult r = loadText(dir, instance("    version 3\n    advert_int 0.015\n    unicast_peer {\n        192.0.2.2\n"
                + "        2001:db8::5\n        bogus\n    }\n"));
        assertThat(warnings(r)).containsExactly(
                "9: Configuration error: VRRP instance[VI_1] malformed unicast peer address[bogus]. Skipping...",
                "8: Configuration error: VRRP instance[VI_1] and unicast peer address[2001:db8::5] MUST be of the same family !!! Skipping...",
                "5: (VI_1) VRRPv3 advertisement interval 0.015000s must be in units of 10ms - rounding");
        VrrpInstance i = only(r);
        assertThat(i.unicastPeers()).containsExactly(UnicastPeer.of(ip("192.0.2.2")));
        assertThat(i.advertInterval()).isEqualTo(Duration.ofMillis(20));
    }

    @Test
    void unicastSourceWithoutPeersFallsBackToMulticast() {
        LoadResult r = loadText(dir, instance("    unicast_src_ip 192.0.2.1\n"));
        assertThat(warnings(r)).containsExactly("1: (VI_1) A unicast keyword has been specified without any unicast peers. "
                + "Defaulting to multicast. This usage is deprecated - please update your configuration.");
        VrrpInstance i = only(r);
        assertThat(i.isUnicast()).isFalse();
        assertThat(i.sourceAddress()).isEqualTo(ip("192.0.2.1"));
    }

    @Test
    void globalDefsValuesCheckedAsKeepalived() {
        String text = "global_defs {\n    vrrp_mcast_group4 192.0.2.1\n    vrrp_version 4\n    smtp_connect_timeout abc\n"
                + "    vrrp_garp_master_repeat 0\n}\n" + instance("    garp_master_repeat 0\n");
        LoadResult r = loadText(dir, text);
        assertThat(warnings(r)).containsExactly(
                "2: vrrp_mcast_group4 [192.0.2.1] is not multicast. Skipping",
                "3: number '4' outside range [2, 3]",
                "3: VRRP Error: Version must be either 2 or 3",
                "4: invalid number 'abc'",
                "4: smtp_connect_timeout 'abc' must be in [0, 4294] - ignoring",
                "5: vrrp_garp_master_repeat must be greater than 0, setting to 1",
                "10: (VI_1): garp_master_repeat must be greater than 0, setting to 1");
        GlobalDefs g = r.config().global();
        assertThat(g.multicastGroup4()).isEqualTo(ip("224.0.0.18"));
        assertThat(g.vrrpVersion()).isEqualTo(2);
        assertThat(g.smtpConnectTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(g.garp().masterRepeat()).isEqualTo(1);
        assertThat(only(r).garp().masterRepeat()).isEqualTo(1);
    }

    @Test
    void anInstanceBelongsToOneSyncGroup() {
        String text = "vrrp_sync_group G1 {\n    group {\n        VI_1\n        VI_2\n    }\n}\n"
                + "vrrp_sync_group G2 {\n    group {\n        VI_1\n        VI_3\n    }\n}\n"
                + instance("") + instance("").replace("VI_1", "VI_2").replace("51", "52")
                + instance("").replace("VI_1", "VI_3").replace("51", "53");
        LoadResult r = loadText(dir, text);
        assertThat(warnings(r)).containsExactly(
                "9: Virtual router VI_1 cannot exist in more than one sync group; ignoring G2",
                "7: Sync group G2 has only 1 virtual router(s) - this probably isn't what you want");
        assertThat(r.config().syncGroups()).extracting(VrrpSyncGroup::instances)
                .containsExactly(java.util.List.of("VI_1", "VI_2"), java.util.List.of("VI_3"));
    }

    @Test
    void timersKeepalivedReadsAsWholeSeconds() {
        String text = "global_defs {\n    vrrp_garp_master_delay 1.5\n    vrrp_garp_master_refresh 1.5\n"
                + "    vrrp_garp_lower_prio_delay 1.5\n    smtp_connect_timeout 1.5\n}\n"
                + "vrrp_script chk {\n    script /bin/true\n    interval 1.5\n    timeout 2.5\n}\n"
                + "vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n    garp_master_delay 1.5\n"
                + "    garp_master_refresh 1.5\n    garp_lower_prio_delay 1.5\n    unicast_peer {\n        192.0.2.3\n    }\n"
                + "    mcast_dst_ip 224.0.0.19\n    virtual_ipaddress {\n        192.0.2.10/24\n    }\n}\n";
        LoadResult r = loadText(dir, text);
        assertThat(warnings(r)).containsExactly(
                "2: invalid number '1.5'", "2: vrrp_garp_master_delay '1.5' invalid - ignoring",
                "3: invalid number '1.5'", "3: Invalid vrrp_garp_master_refresh '1.5' - ignoring",
                "4: invalid number '1.5'", "4: vrrp_garp_lower_prio_delay '1.5' invalid - ignoring",
                "5: invalid number '1.5'", "5: smtp_connect_timeout '1.5' must be in [0, 4294] - ignoring",
                "9: invalid number '1.5'", "9: (chk): vrrp script interval '1.5' must be between 1 and 4294 - ignoring",
                "10: invalid number '2.5'", "10: (chk): vrrp script timeout '2.5' invalid - ignoring",
                "15: invalid number '1.5'", "15: (VI_1): garp_master_delay '1.5' invalid - ignoring",
                "16: invalid number '1.5'", "16: (VI_1): Invalid garp_master_refresh '1.5' - ignoring",
                "17: invalid number '1.5'", "17: (VI_1): garp_lower_prio_delay '1.5' invalid - ignoring",
                "21: (VI_1) multicast destination specified with unicast - ignoring");
        VrrpInstance i = only(r);
        assertThat(i.garp().masterDelay()).isEqualTo(Duration.ofSeconds(5));
        assertThat(i.multicastGroup()).isEqualTo(ip("224.0.0.18"));
        assertThat(r.config().vrrpScript("chk").orElseThrow().interval()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void strictModeResetsDownTimerAndLowerPriorityGarps() {
        String text = "global_defs {\n    vrrp_strict\n}\n"
                + instance("    down_timer_adverts 4\n    garp_lower_prio_repeat 2\n    garp_lower_prio_delay 3\n");
        LoadResult r = loadText(dir, text);
        assertThat(warnings(r)).containsExactly(
                "4: (VI_1) down_timer_adverts is incompatible with strict mode - resetting",
                "9: (VI_1) Strict mode requires no repeat garps. resetting",
                "9: (VI_1) Strict mode requires no repeat garp delay. resetting");
        VrrpInstance i = only(r);
        assertThat(i.downTimerAdverts()).isEqualTo(3);
        assertThat(i.garp().lowerPrioRepeat()).isZero();
        assertThat(i.garp().lowerPrioDelay()).isZero();
        assertThat(i.garp().masterRepeat()).isEqualTo(5); // untouched, as keepalived
    }

    @Test
    void syncGroupWithAnOwnerMemberHasNoWeights() {
        String text = "vrrp_script s1 {\n    script /bin/true\n    weight 10\n}\n"
                + "vrrp_sync_group G1 {\n    group {\n        VI_1\n        VI_2\n    }\n    track_interface {\n"
                + "        eth9 weight 5\n    }\n    track_script {\n        s1\n    }\n}\n"
                + instance("    priority 255\n") + instance("").replace("VI_1", "VI_2").replace("51", "52");
        LoadResult r = loadText(dir, text);
        assertThat(warnings(r)).containsExactly(
                "5: (G1) Cannot have weighted track script 's1' with member having priority 255 - clearing weight",
                "5: (G1) Cannot have weighted track interface 'eth9' with member having priority 255 - clearing weight");
        VrrpSyncGroup g = r.config().syncGroups().getFirst();
        assertThat(g.trackScripts()).containsExactly(new TrackRef("s1", 0, false));
        assertThat(g.trackInterfaces()).containsExactly(new TrackedInterface("eth9", 0, false));
    }
}
