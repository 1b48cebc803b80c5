#!/bin/bash
# SPDX-License-Identifier: ISC
# test-ecmp.sh: `kernel { ecmp on }` against the lab's TGW profile (a
# transit gateway with ECMP: MED 100 on both tunnels, and both tunnels
# used for its own return traffic).  Nothing on our side prefers one
# tunnel (no preference, no prepend), so the paths tie and each prefix
# is installed once, on one nexthop group holding both tunnels.  With
# L4 hashing (fib_multipath_hash_policy=1) many UDP flows must be seen
# on both tunnels, both ways.  Then:
# - carrier loss of tunnel 1: the kernel drops the dead member from the
#   group and vtibgpd writes no route (no RTM_NEWROUTE for our prefixes
#   follows); every flow goes into tunnel 2;
# - silent loss of tunnel 1 (nftables drop, probes 200ms x 3): the group
#   is rewritten to tunnel 2 alone, the routes stay on it;
# - after each, recovery: the group holds both tunnels again and the
#   flows spread again; a prefix the returning tunnel no longer carries
#   leaves the group before that tunnel joins it.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
t_need_lab jq

export LAB_PROFILE=tgw LAB_EXTRA_PREFIXES=3
FLOWS=64
lab_up || { t_fail "lab_up"; t_done; }
conf="$LAB_DIR/vtibgpd.conf"
log="$LAB_DIR/vtibgpd.log"
cat >"$conf" <<CONF
router-id 172.100.0.1
local-as 65000
network 172.100.0.0/16
import { allow 10.10.0.0/16 le 24  allow 10.128.0.0/9 le 24 }
kernel { ecmp on }
neighbor 169.254.249.57 { interface vti0 remote-as 64512
    probe { interval 200ms misses 3 } }
neighbor 169.254.249.61 { interface vti1 remote-as 64512
    probe { interval 200ms misses 3 } }
CONF
chmod 644 "$conf"
# L4 hashing on both ends: the flows differ in their source ports only
lab_sysctl "$LAB_CGW" net.ipv4.fib_multipath_hash_policy 1
lab_sysctl "$LAB_VGW" net.ipv4.fib_multipath_hash_policy 1
ECMP_FWD=10.10.0.10 ECMP_RET=172.100.0.10 ECMP_MON_RE='10\.(10|128)\.'
. "$top_srcdir/tests/lab/ecmp.sh"
ecmp_counters
lab_spawn cgw "$VTIBGPD" -d -f "$conf" -s "$LAB_DIR/ctl.sock" 2>"$log"
daemon=$LAB_SPAWN_PID
lab_spawn cgw ip monitor route nexthop >"$LAB_DIR/monitor.txt" 2>&1
PFX="10.10.0.0/16 10.128.0.0/24 10.128.1.0/24 10.128.2.0/24"
both_up() { t_bird_established tun1 && t_bird_established tun2; }
t_check "both sessions reach Established" lab_wait 20 both_up
t_check "the VPC prefixes are installed" lab_wait 10 eval \
    '[ "$(nhid 10.128.2.0/24)" != "0 routes" ]'
G=$(nhid 10.10.0.0/16)
t_check "each prefix has one route (no standby), all on one group" all_on "$G"
t_eq "that group holds both tunnels' nexthops" "$NH0 $NH1" "$(members "$G")"
t_eq "it is a group of nexthop objects" true "$(lab_exec cgw ip -j nexthop \
    show id "$G" | jq '.[0].group | length == 2')"
t_eq "show routes: both tunnels best" "vti0 vti1" "$(ctl -j show routes \
    10.10.0.0/16 | jq -r '[.routes[0].paths[] | select(.best) | .interface]
    | sort | join(" ")')"
t_eq "show routes: one kernel route, into both tunnels" "primary:vti0,vti1" \
    "$(via_ctl 10.10.0.0/16)"

# --- the flows spread over both tunnels, both ways ----------------------
ecmp_spreads
ecmp_returns 172.100.0.0/16

# --- carrier loss of tunnel 1: the kernel drops the member ----------------
ecmp_carrier_loss

# --- carrier back: both members again ------------------------------------
lab_link_up 1
ecmp_rejoins
t_check "tunnel 1 joined as soon as every route wanted both" grep -qF \
    "tunnel vti0: back in its ECMP group (0 routes moved one by one first; \
every route on it wants all its tunnels)" "$log"
ecmp_spread_again

# --- silent loss of tunnel 1: the group is rewritten ----------------------
ecmp_silent_loss 10.10.0.0/16

# --- drop lifted: both members again, but for a prefix tunnel 1 lost -------
# Tunnel 1 comes back without 10.128.2.0/24: that route must leave the
# group before tunnel 1 joins it again (it would send half its flows into
# a tunnel without a path), the others stay.
export LAB_ONLY_TUN2=10.128.2.0/24
t_check "the TGW stops announcing 10.128.2.0/24 on tunnel 1" \
    lab_bird_reconfigure
PFX="10.10.0.0/16 10.128.0.0/24 10.128.1.0/24"
lab_undrop 1
ecmp_rejoins "after the drop"
t_eq "10.128.2.0/24, which tunnel 1 lacks now, is on tunnel 2's group" \
    "$G1 $NH1" "$(nhid 10.128.2.0/24) $(members "$(nhid 10.128.2.0/24)")"
t_check "once tunnel 1 had sent its routes" grep -qF \
    "tunnel vti0: back in its ECMP group (1 routes moved one by one first; \
it sent all its routes)" "$log"
ecmp_spread_again

# --- a drill: tunnel 1 out of service and back, the flows through it -----
ctl drill failover --from vti0 --hold 1 >"$LAB_DIR/drill.txt" 2>&1
rc=$?
sed 's/^/# /' "$LAB_DIR/drill.txt"
t_eq "a failover drill passes with ECMP" 0 "$rc"
t_check "and leaves the group with both tunnels" lab_wait 10 eval \
    '[ "$(members "$G")" = "$NH0 $NH1" ]'

ecmp_done
