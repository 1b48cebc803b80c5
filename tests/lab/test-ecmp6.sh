#!/bin/bash
# SPDX-License-Identifier: ISC
# test-ecmp6.sh: `kernel { ecmp on }` with two IPv6 neighbors against the
# lab's TGW profile over IPv6 (LAB_IPV6="1 2": fd00:N::/126 in each
# tunnel; BIRD sends MED 100 on both and merges our two equal paths into
# one multipath route).  The VPC's 2001:db8:10::/56 is installed once, on
# one group of IPv6 nexthop objects holding both tunnels.  With L4
# hashing (net.ipv6.fib_multipath_hash_policy=1) many UDP flows are seen
# on both tunnels, both ways.  Then carrier loss of tunnel 1 (the kernel
# drops the member, vtibgpd writes no route), silent loss (nftables drop
# in the VGW, probes 200ms x 3: the group is rewritten to tunnel 2), and
# after each the group holds both tunnels again.  tests/lab/ecmp.sh has
# the counters and helpers it shares with test-ecmp.sh.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
t_need_lab jq

export LAB_PROFILE=tgw LAB_IPV6="1 2"
FLOWS=64
VPC6=$LAB_VPC_NET6 NET6=2001:db8:172::/48 PFX=$LAB_VPC_NET6
lab_up || { t_fail "lab_up"; t_done; }
conf="$LAB_DIR/vtibgpd.conf"
log="$LAB_DIR/vtibgpd.log"
cat >"$conf" <<CONF
router-id 172.100.0.1
local-as 65000
network $NET6
import { allow 2001:db8:10::/48 le 64 }
kernel { ecmp on }
neighbor fd00:1::1 { interface vti0 remote-as 64512
    probe { interval 200ms misses 3 } }
neighbor fd00:2::1 { interface vti1 remote-as 64512
    probe { interval 200ms misses 3 } }
CONF
chmod 644 "$conf"
# L4 hashing on both ends: the flows differ in their source ports only
lab_sysctl "$LAB_CGW" net.ipv6.fib_multipath_hash_policy 1
lab_sysctl "$LAB_VGW" net.ipv6.fib_multipath_hash_policy 1
ECMP_FWD=$LAB_VPC_HOST6 ECMP_RET=$LAB_LAN_HOST6 ECMP_MON_RE='2001:db8:10:'
. "$top_srcdir/tests/lab/ecmp.sh"
ecmp_counters
lab_spawn cgw "$VTIBGPD" -d -f "$conf" -s "$LAB_DIR/ctl.sock" 2>"$log"
daemon=$LAB_SPAWN_PID
lab_spawn cgw ip monitor route nexthop >"$LAB_DIR/monitor.txt" 2>&1
both_up() { t_bird_established tun1 && t_bird_established tun2; }

t_check "both IPv6 sessions reach Established" lab_wait 20 both_up
t_check "$VPC6 is installed" lab_wait 10 eval \
    '[ "$(nhid $VPC6)" != "0 routes" ]'
G=$(nhid "$VPC6")
t_check "it has one route (no standby), on a group" all_on "$G"
t_eq "that group holds both tunnels' nexthops" "$NH0 $NH1" "$(members "$G")"
nexthop_of() {
	lab_exec cgw ip -j nexthop show id "$1" |
	    jq -r '.[0] | "\(.dev) \(.gateway)"'
}
t_eq "of the VGW's IPv6 addresses in the tunnels" \
    "vti0 fd00:1::1 vti1 fd00:2::1" "$(nexthop_of $NH0) $(nexthop_of $NH1)"
t_eq "show routes: one kernel route, into both tunnels" "primary:vti0,vti1" \
    "$(via_ctl "$VPC6")"

# --- the flows spread over both tunnels, both ways ----------------------
spread
t_check "forward flows go into tunnel 1 ($s0)" test "$s0" -gt 0
t_check "and into tunnel 2 ($s1)" test "$s1" -gt 0
t_eq "every datagram reaches the VPC host" "$FLOWS" "$got"
t_check "TGW profile: the TGW's return route has both tunnels" \
    lab_wait 5 eval '[ "$(lab_exec vgw ip -6 -j route show exact $NET6 |
    jq -r "[.[0].nexthops[]?.dev] | sort | join(\" \")")" = "vti0 vti1" ]'
spread_back
t_check "return flows arrive on both tunnels ($r0 + $r1)" eval \
    '[ "$r0" -gt 0 ] && [ "$r1" -gt 0 ] && [ $((r0 + r1)) = "$FLOWS" ]'

# --- carrier loss of tunnel 1: the kernel drops the member ----------------
mark=$(mon_lines)
lab_link_down 1
t_check "the kernel drops tunnel 1 from the group" lab_wait 5 eval \
    '[ "$(members "$G")" = "$NH1" ]'
t_check "vtibgpd saw the session go" lab_wait 5 eval \
    '! t_bird_established tun1 && grep -q "tunnel vti0: link down" "$log"'
sleep 2
t_check "the route stays on the group" all_on "$G"
w=$(writes_since "$mark")
t_eq "no route of ours was written after the carrier loss" "" "$w"
spread
t_eq "every flow goes into tunnel 2" "0 $FLOWS" "$s0 $s1"
t_eq "and arrives" "$FLOWS" "$got"

lab_link_up 1
t_check "session 1 comes back" lab_wait 30 t_bird_established tun1
t_check "the group holds both tunnels again" lab_wait 10 eval \
    '[ "$(members "$G")" = "$NH0 $NH1" ]'
t_check "the route is still on it" all_on "$G"
t_check "tunnel 1 rejoined the group" grep -qF \
    "tunnel vti0: back in its ECMP group" "$log"
spread
t_check "the flows spread again ($s0 + $s1)" eval \
    '[ "$s0" -gt 0 ] && [ "$s1" -gt 0 ] && [ "$got" = "$FLOWS" ]'

# --- silent loss of tunnel 1: the group is rewritten ----------------------
t_check "the probes of tunnel 1 get answers" lab_wait 10 eval \
    '[ "$(ctl -j show neighbor vti0 |
    jq -r ".neighbors[0].probe.state")" = up ]'
mark=$(mon_lines)
t0=$(lab_now_us)
lab_drop 1
t_check "the probes rewrite the group to tunnel 2 alone" lab_wait 6 eval \
    '[ "$(members "$G")" = "$NH1" ]'
echo "# silent loss to group rewritten (polled):" \
    "$(( ($(lab_now_us) - t0) / 1000 )) ms"
t_check "session 1 went down because of the probes" grep -q \
    'liveness probes lost on vti0: session down at once' "$log"
sleep 1
t_check "the route stays on the group" all_on "$G"
w=$(writes_since "$mark")
t_eq "no route of ours was written: one group rewrite" "" "$w"
t_check "the group rewrite is in the monitor" eval \
    'tail -n +$((mark + 1)) "$LAB_DIR/monitor.txt" |
    grep -q "^id $G group $NH1 "'
t_eq "show routes: it forwards into tunnel 2" "primary:vti1" \
    "$(via_ctl "$VPC6")"
spread
t_eq "every flow goes into tunnel 2" "0 $FLOWS" "$s0 $s1"
t_eq "and arrives" "$FLOWS" "$got"

lab_undrop 1
t_check "session 1 comes back after the drop" lab_wait 30 \
    t_bird_established tun1
t_check "the group holds both tunnels again" lab_wait 10 eval \
    '[ "$(members "$G")" = "$NH0 $NH1" ]'
t_check "the route is still on it" all_on "$G"
spread
t_check "the flows spread again ($s0 + $s1)" eval \
    '[ "$s0" -gt 0 ] && [ "$s1" -gt 0 ] && [ "$got" = "$FLOWS" ]'

kill -TERM "$daemon"
t_check "the daemon exits on SIGTERM" lab_wait 10 lab_pid_dead "$daemon"
t_eq "and removes its routes" "" "$(lab_exec cgw ip -6 -j route show \
    table main proto bgp | jq -r '.[].dst')"
t_check "no sanitizer report" eval '! grep -qE \
    "ERROR: (Address|Leak)Sanitizer|runtime error:" "$log"'
if [ "$t_failed" -gt 0 ]; then
	echo "# --- vtibgpd log"; sed 's/^/# /' "$log" | tail -60
	echo "# --- ip monitor"; sed 's/^/# /' "$LAB_DIR/monitor.txt" | tail -40
fi
t_done
