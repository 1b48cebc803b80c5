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
spread
t_check "forward flows go into tunnel 1 ($s0)" test "$s0" -gt 0
t_check "and into tunnel 2 ($s1)" test "$s1" -gt 0
t_eq "every datagram reaches the VPC host" "$FLOWS" "$got"
t_eq "TGW profile: the TGW's return route has both tunnels" "vti0 vti1" \
    "$(lab_exec vgw ip -j route show exact 172.100.0.0/16 |
    jq -r '[.[0].nexthops[]?.dev] | sort | join(" ")')"
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
# the RIB drops tunnel 1's paths; give vtibgpd time to write, if it would
sleep 2
t_check "the routes stay on the group" all_on "$G"
w=$(writes_since "$mark")
t_eq "no route of ours was written after the carrier loss" "" "$w"
spread
t_eq "every flow goes into tunnel 2" "0 $FLOWS" "$s0 $s1"
t_eq "and arrives" "$FLOWS" "$got"

# --- carrier back: both members again ------------------------------------
lab_link_up 1
t_check "session 1 comes back" lab_wait 30 t_bird_established tun1
t_check "the group holds both tunnels again" lab_wait 10 eval \
    '[ "$(members "$G")" = "$NH0 $NH1" ]'
t_check "the routes are still on it" all_on "$G"
t_check "tunnel 1 joined as soon as every route wanted both" grep -qF \
    "tunnel vti0: back in its ECMP group (0 routes moved one by one first; \
every route on it wants all its tunnels)" "$log"
spread
t_check "the flows spread again ($s0 + $s1)" eval \
    '[ "$s0" -gt 0 ] && [ "$s1" -gt 0 ] && [ "$got" = "$FLOWS" ]'

# --- silent loss of tunnel 1: the group is rewritten ----------------------
mark=$(mon_lines)
t0=$(lab_now_us)
lab_drop 1
t_check "the probes rewrite the group to tunnel 2 alone" lab_wait 6 eval \
    '[ "$(members "$G")" = "$NH1" ]'
echo "# silent loss to group rewritten (polled):" \
    "$(( ($(lab_now_us) - t0) / 1000 )) ms"
t_check "session 1 went down because of the probes" grep -q \
    'liveness probes lost on vti0: session down at once' "$log"
sleep 2
t_check "the routes stay on the group" all_on "$G"
w=$(writes_since "$mark")
t_eq "no route of ours was written: one group rewrite" "" "$w"
t_eq "show routes: it forwards into tunnel 2" "primary:vti1" \
    "$(via_ctl 10.10.0.0/16)"
t_check "the group rewrite is in the monitor" eval \
    'tail -n +$((mark + 1)) "$LAB_DIR/monitor.txt" |
    grep -q "^id $G group $NH1 "'
spread
t_eq "every flow goes into tunnel 2" "0 $FLOWS" "$s0 $s1"
t_eq "and arrives" "$FLOWS" "$got"

# --- drop lifted: both members again, but for a prefix tunnel 1 lost -------
# Tunnel 1 comes back without 10.128.2.0/24: that route must leave the
# group before tunnel 1 joins it again (it would send half its flows into
# a tunnel without a path), the others stay.
export LAB_ONLY_TUN2=10.128.2.0/24
t_check "the TGW stops announcing 10.128.2.0/24 on tunnel 1" \
    lab_bird_reconfigure
PFX="10.10.0.0/16 10.128.0.0/24 10.128.1.0/24"
lab_undrop 1
t_check "session 1 comes back after the drop" lab_wait 30 \
    t_bird_established tun1
t_check "the group holds both tunnels again" lab_wait 10 eval \
    '[ "$(members "$G")" = "$NH0 $NH1" ]'
t_check "the routes are still on it" all_on "$G"
t_eq "10.128.2.0/24, which tunnel 1 lacks now, is on tunnel 2's group" \
    "$G1 $NH1" "$(nhid 10.128.2.0/24) $(members "$(nhid 10.128.2.0/24)")"
t_check "once tunnel 1 had sent its routes" grep -qF \
    "tunnel vti0: back in its ECMP group (1 routes moved one by one first; \
it sent all its routes)" "$log"
spread
t_check "the flows spread again ($s0 + $s1)" eval \
    '[ "$s0" -gt 0 ] && [ "$s1" -gt 0 ] && [ "$got" = "$FLOWS" ]'

# --- a drill: tunnel 1 out of service and back, the flows through it -----
ctl drill failover --from vti0 --hold 1 >"$LAB_DIR/drill.txt" 2>&1
rc=$?
sed 's/^/# /' "$LAB_DIR/drill.txt"
t_eq "a failover drill passes with ECMP" 0 "$rc"
t_check "and leaves the group with both tunnels" lab_wait 10 eval \
    '[ "$(members "$G")" = "$NH0 $NH1" ]'

kill -TERM "$daemon"
t_check "the daemon exits on SIGTERM" lab_wait 10 lab_pid_dead "$daemon"
t_eq "and removes its routes" "" "$(lab_exec cgw ip -j route show table \
    main proto bgp | jq -r '.[].dst')"
t_check "no sanitizer report" eval '! grep -qE \
    "ERROR: (Address|Leak)Sanitizer|runtime error:" "$log"'
if [ "$t_failed" -gt 0 ]; then
	echo "# --- vtibgpd log"; sed 's/^/# /' "$log" | tail -60
	echo "# --- ip monitor"; sed 's/^/# /' "$LAB_DIR/monitor.txt" | tail -40
fi
t_done
