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
t_conf6 <<CONF
kernel { ecmp on }
neighbor fd00:1::1 { interface vti0 remote-as 64512
    probe { interval 200ms misses 3 } }
neighbor fd00:2::1 { interface vti1 remote-as 64512
    probe { interval 200ms misses 3 } }
CONF
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
t_eq "of the VGW's IPv6 addresses in the tunnels" \
    "vti0 fd00:1::1 vti1 fd00:2::1" "$(nexthop_of $NH0) $(nexthop_of $NH1)"
t_eq "show routes: one kernel route, into both tunnels" "primary:vti0,vti1" \
    "$(via_ctl "$VPC6")"

# --- the flows spread over both tunnels, both ways ----------------------
# A ping first: the hosts' and the VGW's IPv6 neighbor entries are made
# (a datagram that waits for neighbor discovery may be dropped).
ping6_vpc() {
	lab_exec lan ping -6 -c 1 -W 1 "$LAB_VPC_HOST6" >/dev/null 2>&1
}
t_check "an IPv6 ping crosses" lab_wait 10 ping6_vpc
ecmp_spreads
ecmp_returns "$NET6"

# --- carrier loss of tunnel 1: the kernel drops the member ----------------
ecmp_carrier_loss

lab_link_up 1
ecmp_rejoins
t_check "tunnel 1 rejoined the group" grep -qF \
    "tunnel vti0: back in its ECMP group" "$log"
ecmp_spread_again

# --- silent loss of tunnel 1: the group is rewritten ----------------------
t_check "the probes of tunnel 1 get answers" lab_wait 10 eval \
    '[ "$(ctl -j show neighbor vti0 |
    jq -r ".neighbors[0].probe.state")" = up ]'
ecmp_silent_loss "$VPC6"

lab_undrop 1
ecmp_rejoins "after the drop"
ecmp_spread_again

ecmp_done
