#!/usr/bin/env bash
# Captures real keepalived adverts for the halo.vrrp.wire byte-exact tests.
#
# For each <scenario>.conf next to this script: builds two network namespaces joined by a veth pair
# (A = 192.0.2.1/24 + 2001:db8::1/64, MAC 02:00:00:00:00:01; B = 192.0.2.2/24 + 2001:db8::2/64,
# MAC 02:00:00:00:00:02), runs keepalived (VRRP only, in the foreground) in A with the scenario's
# config (@IF@ replaced by A's veth), captures adverts on B's veth with tcpdump -w and stores them as
# <scenario>.pcap here. Every namespace, veth and process it starts is removed on exit, even on failure.
#
# Usage (root): capture.sh [scenario ...]      default: every *.conf here
# Needs: keepalived (Debian 2.2.7 was used for the committed captures), tcpdump, iproute2.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-$HERE}
[[ $(id -u) -eq 0 ]] || { echo "capture.sh: needs root" >&2; exit 1; }
command -v keepalived >/dev/null && command -v tcpdump >/dev/null || { echo "capture.sh: needs keepalived and tcpdump" >&2; exit 1; }

RND=$(printf '%04x' $((RANDOM % 65536)))
NS_A=halo-cap-a-$RND
NS_B=halo-cap-b-$RND
IF_A=hcapa$RND
IF_B=hcapb$RND
WORK=$(mktemp -d /tmp/halo-capture.XXXXXX)
PIDS=()

cleanup() {
    set +e
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
    sleep 0.5
    for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null; done
    # Anything still running inside our own namespaces was started by this script.
    for ns in "$NS_A" "$NS_B"; do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
        ip netns del "$ns" 2>/dev/null
    done
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

ip netns add "$NS_A"
ip netns add "$NS_B"
for ns in "$NS_A" "$NS_B"; do
    # No duplicate address detection: keepalived must be able to send from the link-local address at once.
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
    ip -n "$ns" link set lo up
done
ip link add "$IF_A" netns "$NS_A" address 02:00:00:00:00:01 type veth peer name "$IF_B" netns "$NS_B" address 02:00:00:00:00:02
ip -n "$NS_A" addr add 192.0.2.1/24 dev "$IF_A"
ip -n "$NS_B" addr add 192.0.2.2/24 dev "$IF_B"
ip -n "$NS_A" addr add 2001:db8::1/64 dev "$IF_A" nodad
ip -n "$NS_B" addr add 2001:db8::2/64 dev "$IF_B" nodad
ip -n "$NS_A" link set "$IF_A" up
ip -n "$NS_B" link set "$IF_B" up
sleep 1

# scenario -> number of adverts to capture
declare -A COUNT=([v2_pass]=3 [v2_ah]=3 [v3_ipv4]=3 [v3_ipv6]=3 [v3_fast]=10 [v3_unicast]=3 [v2_unicast]=2)

run_scenario() {
    local name=$1 count=${COUNT[$1]:-3}
    local conf=$WORK/$name.conf pcap=$WORK/$name.pcap
    sed "s/@IF@/$IF_A/" "$HERE/$name.conf" >"$conf"
    echo "== $name: capturing $count adverts"
    ip netns exec "$NS_B" timeout 40 tcpdump -i "$IF_B" -U -n -c "$count" -w "$pcap" \
        '(ip proto 112) or (ip proto 51) or (ip6 proto 112)' 2>"$WORK/$name.tcpdump.log" &
    local tcpdump_pid=$!
    PIDS+=("$tcpdump_pid")
    sleep 1
    ip netns exec "$NS_A" keepalived --dont-fork --log-console --log-detail --vrrp \
        --use-file "$conf" --pid "$WORK/$name.pid" --vrrp_pid "$WORK/$name.vrrp.pid" \
        >"$WORK/$name.keepalived.log" 2>&1 &
    local ka_pid=$!
    PIDS+=("$ka_pid")
    local rc=0
    wait "$tcpdump_pid" || rc=$?
    kill "$ka_pid" 2>/dev/null || true
    wait "$ka_pid" 2>/dev/null || true
    if [[ $rc -ne 0 ]]; then
        echo "capture.sh: tcpdump failed for $name (rc $rc); keepalived said:" >&2
        tail -20 "$WORK/$name.keepalived.log" >&2
        return 1
    fi
    cp "$pcap" "$OUT/$name.pcap"
    grep -E 'Entering|Truncating|WARNING' "$WORK/$name.keepalived.log" | sed 's/^/   keepalived: /' || true
    # A readable dump next to the binary capture, for reviewers.
    tcpdump -r "$OUT/$name.pcap" -n -v -XX 2>/dev/null >"$OUT/$name.txt"
}

if [[ $# -eq 0 ]]; then
    set -- $(cd "$HERE" && ls *.conf | sed 's/\.conf$//')
fi
for scenario in "$@"; do
    run_scenario "$scenario"
done
echo "captures written to $OUT"
