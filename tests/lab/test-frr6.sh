#!/bin/bash
# SPDX-License-Identifier: ISC
# test-frr6.sh: FRR as the TGW over IPv6 inside addresses.  The lab with
# LAB_IPV6="1 2" (fd00:N::/126 in each tunnel); FRR 8 (tests/lab/frr.sh)
# replaces BIRD, on its stock eBGP settings plus AWS's timers 10/30 and
# MED 100 on both tunnels, IPv6 unicast only, `maximum-paths 2` (ECMP on
# its side, as a TGW).  Checks: both sessions Established over IPv6; FRR
# has our 2001:db8:172::/48 with our AS (prepended on tunnel 2); we
# install its 2001:db8:10::/56 on IPv6 nexthop objects (primary and
# standby) and an IPv6 ping crosses; carrier loss of tunnel 1 moves it
# to tunnel 2 and back; MED steering from FRR moves it both ways without
# a session reset.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
export LAB_IPV6="1 2"
FRR_AF=ipv6 FRR_NBR1=fd00:1::2 FRR_NBR2=fd00:2::2
. "$top_srcdir/tests/lab/frr.sh"
VPC6=$LAB_VPC_NET6 NET6=2001:db8:172::/48
frr_lab_up
frr_start "$VPC6" 2

t_conf6 <<CONF
neighbor fd00:1::1 { interface vti0 remote-as 64512 }
neighbor fd00:2::1 { interface vti1 remote-as 64512 prepend 2 }
CONF
lab_spawn cgw "$VTIBGPD" -d -f "$conf" -s "$LAB_DIR/ctl.sock" 2>"$log"
daemon=$LAB_SPAWN_PID
# ctl, ping_vpc, our_timers, our_meds, installed, first_best
IOP_PFX=$VPC6 IOP_HOST=$LAB_VPC_HOST6
. "$top_srcdir/tests/lab/interop.sh"

t_check "both IPv6 sessions with FRR reach Established" lab_wait 30 both_up
t_eq "FRR's session 1 is over IPv6" "fd00:1::1 fd00:1::2" \
    "$(vtysh -c "show bgp neighbors $FRR_NBR1 json" | jq -r --arg a \
    "$FRR_NBR1" '"\(.[$a].hostLocal) \(.[$a].hostForeign)"')"
t_eq "hold time 30 and keepalive 10 in use on both sessions" "30/10 30/10" \
    "$(our_timers vti0) $(our_timers vti1)"
t_check "FRR has our network from tunnel 1 with AS_PATH 65000" \
    lab_wait 10 eval '[ "$(frr_aspath $FRR_NBR1 $NET6)" = 65000 ]'
t_check "and from tunnel 2 with AS_PATH 65000 65000 65000" \
    lab_wait 10 eval '[ "$(frr_aspath $FRR_NBR2 $NET6)" = \
    "65000 65000 65000" ]'
t_check "we have $VPC6 from both tunnels with FRR's MED 100" \
    lab_wait 10 eval '[ "$(our_meds)" = "vti0 100 vti1 100" ]'
first=$(first_best)
t_check "$VPC6 is installed: primary on tunnel $first's group, standby" \
    lab_wait 10 installed "$first"
t_eq "tunnel 1's nexthop: FRR's IPv6 address on vti0" "vti0 fd00:1::1" \
    "$(nexthop_of $NH0)"
t_eq "tunnel 2's nexthop: FRR's IPv6 address on vti1" "vti1 fd00:2::1" \
    "$(nexthop_of $NH1)"
t_eq "no IPv4 route of ours" "" "$(lab_exec cgw ip -4 -j route show \
    table main proto bgp | jq -r '.[].dst')"
t_check "an IPv6 ping crosses the tunnel (lan -> vpc)" lab_wait 10 ping_vpc

# --- MED steering from FRR -------------------------------------------------
drops=$(frr_drops)
frr_med "$first" 200
other=$((3 - first))
t_check "MED 200 on tunnel $first moves $VPC6 to tunnel $other" \
    lab_wait 10 installed "$other"
t_check "a ping crosses tunnel $other" lab_wait 10 ping_vpc
frr_med "$first" 100
frr_med 2 200
t_check "MED 200 on tunnel 2 moves it to tunnel 1" lab_wait 10 installed 1
t_check "a ping crosses tunnel 1" lab_wait 10 ping_vpc
frr_med 2 100
t_check "MED 100 again on tunnel 2 reaches us" lab_wait 10 eval \
    '[ "$(our_meds)" = "vti0 100 vti1 100" ]'
sleep 1
t_check "and the route stays on tunnel 1 (best longest)" installed 1
t_eq "MED steering reset no session" "$drops" "$(frr_drops)"

# --- carrier loss on tunnel 1 ----------------------------------------------
lab_link_down 1
t_check "after carrier loss on tunnel 1 the route forwards into tunnel 2" \
    lab_wait 5 via_tunnel 2 "$VPC6"
t_check "our session on tunnel 1 went down at once" lab_wait 5 grep -q \
    'neighbor fd00:1::1: tunnel interface vti0 down: session down at once' \
    "$log"
t_check "FRR's session on tunnel 1 goes down" lab_wait 5 eval \
    '! frr_established $FRR_NBR1'
t_check "an IPv6 ping crosses tunnel 2" lab_wait 10 ping_vpc
t_check "session 2 stayed up" frr_established "$FRR_NBR2"
lab_link_up 1
# A new session: FRR counts one more established than dropped.  Both
# sides connect when the link comes back; a collision (RFC 4271 6.8) may
# cost one more session on tunnel 1 (FRR may see its own connection
# Established before our Cease for it arrives), never one on tunnel 2.
tunnel1_back() {
	local c
	frr_established "$FRR_NBR1" || return 1
	c=$(frr_conns "$FRR_NBR1")
	[ "${c% *}" -ge 2 ] && [ "${c#* }" = $((${c% *} - 1)) ]
}
t_check "tunnel 1 comes back: a new session" lab_wait 30 tunnel1_back
t_check "tunnel 1 is the standby again (equal MED, best longest)" \
    lab_wait 10 installed 2
t_check "FRR has our network from tunnel 1 again" lab_wait 10 eval \
    '[ "$(frr_aspath $FRR_NBR1 $NET6)" = 65000 ]'
t_check "an IPv6 ping crosses" lab_wait 10 ping_vpc
frr_med 2 200
t_check "MED 200 on tunnel 2 brings it back to tunnel 1" lab_wait 10 \
    installed 1
t_check "an IPv6 ping crosses tunnel 1" lab_wait 10 ping_vpc
t_eq "FRR: session 2 was established once, never dropped" "1 0" \
    "$(frr_conns $FRR_NBR2)"
t_eq "our log: no session on tunnel 2 left Established" 0 \
    "$(grep -c 'neighbor fd00:2::1: Established -> ' "$log")"
t_check "our log: tunnel 1's session left Established on the carrier loss" \
    grep -q 'neighbor fd00:1::1: Established -> ' "$log"
t_check "no sanitizer report" eval '! grep -qE \
    "ERROR: (Address|Leak)Sanitizer|runtime error:" "$log"'
if [ "$t_failed" -gt 0 ]; then
	echo "# --- vtibgpd log"; sed 's/^/# /' "$log" | tail -60
	echo "# --- FRR bgpd log"; sed 's/^/# /' "$FRR_DIR/bgpd.log" | tail -40
	echo "# --- FRR"; vtysh -c "show bgp ipv6 unicast" | sed 's/^/# /'
	echo "# --- cgw kernel"; lab_exec cgw ip -6 route | sed 's/^/# /'
	ctl show routes | sed 's/^/# /'
fi
t_done
