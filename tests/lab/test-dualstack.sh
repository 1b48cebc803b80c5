#!/bin/bash
# SPDX-License-Identifier: ISC
# test-dualstack.sh: a dual-stack site, as AWS builds it: an IPv4 VPN
# connection (vti0, vti1: IPv4 sessions) and an IPv6 one (vti2, vti3:
# sessions over fd00:3::/126 and fd00:4::/126), LAB_TUNNELS=4 with
# LAB_IPV6="3 4", to the same VGW (BIRD).  Each family's routes and
# failovers stay among its own tunnels: 10.10.0.0/16 on vti0 with its
# standby on vti1, 2001:db8:10::/56 on vti2 with its standby on vti3,
# whatever the preferences across families say; a silent or carrier loss
# of an IPv6 tunnel points its group at the other IPv6 tunnel (never at
# an IPv4 tunnel ranked higher), and the same for IPv4; pings of both
# families cross; return steering after a silent loss announces the
# halves of that family's networks only.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
t_need_lab jq

export LAB_TUNNELS=4 LAB_IPV6="3 4"
P4=10.10.0.0/16
P6=2001:db8:10::/56
PROBE='probe { interval 200ms misses 3 }'
lab_up || { t_fail "lab_up"; t_done; }
ctl() { "$VTIBGPCTL" -s "$LAB_DIR/ctl.sock" "$@"; }

conf="$LAB_DIR/vtibgpd.conf"
log="$LAB_DIR/vtibgpd.log"
# The IPv4 tunnels rank above the IPv6 ones: a group that picked its
# survivor by preference alone would point an IPv6 group at vti0.
cat >"$conf" <<CONF
router-id 172.100.0.1
local-as 65000
network 172.100.0.0/16
network 2001:db8:172::/48
defaults { hold-time 30 keepalive 10 connect-retry 1 }
import { allow 10.10.0.0/16 le 24  allow 2001:db8:10::/48 le 64 }
neighbor $LAB_VGW_IP1 { interface vti0 remote-as 64512 preference 200
	$PROBE }
neighbor $LAB_VGW_IP2 { interface vti1 remote-as 64512 preference 190
	prepend 1 $PROBE }
neighbor fd00:3::1 { interface vti2 remote-as 64512 preference 100
	$PROBE }
neighbor fd00:4::1 { interface vti3 remote-as 64512 preference 90
	prepend 1 $PROBE }
CONF
chmod 644 "$conf"
t_check "the configuration passes vtibgpd -n" "$VTIBGPD" -n -f "$conf"
lab_spawn cgw "$VTIBGPD" -d -f "$conf" -s "$LAB_DIR/ctl.sock" 2>"$log"
daemon=$LAB_SPAWN_PID

all_up() {
	local t
	for t in tun1 tun2 tun3 tun4; do
		t_bird_established $t || return 1
	done
}
# nh N / grp N: the nexthop and the group of tunnel N (1..4 = vti0..vti3)
nh() { echo $((0x76740000 + $1)); }
grp() { echo $((0x767400ff + $1)); }
# nhid FAMILY PREFIX METRIC: the nexthop id of our route, or nothing.
nhid() {
	lab_exec cgw ip "-$1" -j route show table main proto bgp | jq -r \
	    --arg p "$2" --argjson m "$3" \
	    '.[] | select(.dst == $p and .metric == $m) | .nhid // empty'
}
# placed FAMILY PREFIX PRI SB: the primary on tunnel PRI's group, the
# standby on tunnel SB's.
placed() {
	[ "$(nhid "$1" "$2" 20) $(nhid "$1" "$2" 21)" = \
	    "$(grp "$3") $(grp "$4")" ]
}
# points N M: tunnel N's group holds tunnel M's nexthop alone.
points() { [ "$(group_members "$(grp "$1")")" = "$(nh "$2")" ]; }
vgw6_dev() {
	lab_exec vgw ip -6 -j route show exact "$1" | jq -r '.[0].dev'
}
ping4() { lab_exec lan ping -c 1 -W 1 "$LAB_VPC_HOST" >/dev/null 2>&1; }
ping6() { lab_exec lan ping -6 -c 1 -W 1 "$LAB_VPC_HOST6" >/dev/null 2>&1; }
home() {
	placed 4 $P4 1 2 && placed 6 $P6 3 4 && points 1 1 && points 2 2 &&
	    points 3 3 && points 4 4
}

t_check "four sessions reach Established (two IPv4, two IPv6)" \
    lab_wait 30 all_up
t_eq "vtibgpctl sees the four neighbors" \
    "169.254.249.57 169.254.249.61 fd00:3::1 fd00:4::1" \
    "$(ctl -j show summary | jq -r '[.neighbors[].address] | join(" ")')"
t_check "$P4 on vti0's group, standby on vti1's" lab_wait 10 placed 4 $P4 1 2
t_check "$P6 on vti2's group, standby on vti3's" lab_wait 10 placed 6 $P6 3 4
t_eq "vti2's nexthop is the VGW's IPv6 address" "vti2 fd00:3::1" \
    "$(lab_exec cgw ip -j nexthop show id "$(nh 3)" |
    jq -r '.[0] | "\(.dev) \(.gateway)"')"
t_eq "no IPv6 prefix on an IPv4 tunnel, nor the other way round" \
    "" "$(lab_exec cgw ip -j route show table main proto bgp |
    jq -r '.[] | select(.dst != "'$P4'") | .dst')$(lab_exec cgw ip -6 -j \
    route show table main proto bgp | jq -r '.[] | select(.dst != "'$P6'") |
    .dst')"
t_check "an IPv4 ping crosses" lab_wait 5 ping4
t_check "an IPv6 ping crosses" lab_wait 5 ping6
t_check "the VGW learned 172.100.0.0/16 on tunnel 1" lab_wait 10 eval \
    '[ "$(lab_exec vgw ip -j route show exact 172.100.0.0/16 |
    jq -r ".[0].dev")" = vti0 ]'
t_check "and 2001:db8:172::/48 on tunnel 3" lab_wait 10 eval \
    '[ "$(lab_exec vgw ip -6 -j route show exact 2001:db8:172::/48 |
    jq -r ".[0].dev")" = vti2 ]'

# --- silent loss of the first IPv6 tunnel: its group goes to vti3 --------
lab_drop 3
t_check "the probes point vti2's group at vti3 (not at vti0, ranked higher)" \
    lab_wait 6 points 3 4
t_check "one group rewrite: to vti3" grep -q 'tunnel vti2: failover to vti3' \
    "$log"
t_check "the IPv4 routes did not move" placed 4 $P4 1 2
t_check "an IPv6 ping crosses vti3" lab_wait 5 ping6
t_check "return steering: the VGW sends the IPv6 halves into vti3" \
    lab_wait 5 eval '[ "$(vgw6_dev 2001:db8:172::/49) $(vgw6_dev \
    2001:db8:172:8000::/49)" = "vti3 vti3" ]'
t_eq "of the IPv6 networks only: no IPv4 halves (they would stay on vti0)" \
    0 "$(lab_exec vgw ip -j route show exact 172.100.0.0/17 | jq length)"
lab_undrop 3
t_check "vti2 comes back" lab_wait 30 t_bird_established tun3
t_check "and takes its routes back" lab_wait 10 home

# --- carrier loss of the first IPv6 tunnel: the group made again ---------
lab_link_down 3
t_check "after carrier loss of vti2 its group is made again on vti3" \
    lab_wait 5 eval 'placed 6 $P6 3 4 && points 3 4'
t_check "an IPv6 ping crosses" lab_wait 5 ping6
t_check "the IPv4 routes did not move" placed 4 $P4 1 2
lab_link_up 3
t_check "vti2 comes back" lab_wait 30 t_bird_established tun3
t_check "and takes its routes back" lab_wait 10 home

# --- silent loss of the first IPv4 tunnel: its group goes to vti1 --------
lab_drop 1
t_check "the probes point vti0's group at vti1" lab_wait 6 points 1 2
t_check "the IPv6 routes did not move" eval 'placed 6 $P6 3 4 && points 3 3'
t_check "an IPv4 ping crosses vti1" lab_wait 5 ping4
lab_undrop 1
t_check "vti0 comes back" lab_wait 30 t_bird_established tun1
t_check "and takes its routes back" lab_wait 10 home

kill -TERM "$daemon"
t_check "the daemon exits on SIGTERM" lab_wait 10 lab_pid_dead "$daemon"
t_eq "no route of ours is left" "" \
    "$(lab_exec cgw ip -j route show table all proto bgp | jq -r '.[].dst')$(
    lab_exec cgw ip -6 -j route show table all proto bgp | jq -r '.[].dst')"
t_check "no kernel error was logged" eval '! grep -q "kernel refused\|kernel:" \
    "$log"'
t_check "no sanitizer report" eval '! grep -qE \
    "ERROR: (Address|Leak)Sanitizer|runtime error:" "$log"'
if [ "$t_failed" -gt 0 ]; then
	echo "# --- vtibgpd log"; sed 's/^/# /' "$log" | tail -80
	echo "# --- kernel"; lab_exec cgw ip route; lab_exec cgw ip -6 route
	lab_exec cgw ip nexthop
fi
t_done
