#!/bin/bash
# SPDX-License-Identifier: ISC
# test-routes.sh: what the routing job puts in the kernel and how it
# fails over.  BIRD (the VGW pair) announces 10.10.0.0/16 with MED 100 on
# both tunnels; vtibgpd installs it with protocol bgp, metric 20, on the
# nexthop group of the best tunnel, with a standby (metric 21) on the
# other; carrier loss, silent loss and MED steering move it; SIGTERM
# removes it.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
t_need_lab jq

# Two knobs of the AWS profile are what this test is about: the hold
# timer (a silent loss without probes) and the MED (AWS steering with it
# during maintenance), so both are set here, on the VGW and on us.
export LAB_HOLD=6 LAB_KEEPALIVE=2 LAB_EXTRA_PREFIXES=3 LAB_MED1=100 LAB_MED2=110
T_HOLD=6 T_KEEPALIVE=2
lab_up || { t_fail "lab_up"; t_done; }
# The return path is the VGW's business: give it a kernel fallback into
# tunnel 2, so that what a ping loses on carrier loss is ours alone.
lab_exec vgw ip route add 172.100.0.0/16 via 169.254.249.62 dev vti1 metric 4000
t_start_vtibgpd

ping_vpc() {
	lab_exec lan ping -c 1 -W 1 10.10.0.10 >/dev/null 2>&1
}
both_up() { t_bird_established tun1 && t_bird_established tun2; }

t_check "both sessions reach Established" lab_wait 20 both_up
t_check "10.10.0.0/16 is installed on tunnel 1's group" lab_wait 10 eval \
    '[ "$(route_nhid 10.10.0.0/16 20)" = "$G0" ]'
t_check "with a standby route on tunnel 2's group, metric 21" lab_wait 5 eval \
    '[ "$(route_nhid 10.10.0.0/16 21)" = "$G1" ]'
t_eq "group of tunnel 1 holds tunnel 1's nexthop" "$NH0" "$(group_members $G0)"
t_eq "the nexthop object has protocol bgp" bgp "$(lab_exec cgw ip -j nexthop show id $NH0 | jq -r '.[0].protocol')"
t_eq "prefixes outside the allow rules are not installed" "" \
    "$(lab_exec cgw ip -j route show table main proto bgp | jq -r '.[] | select(.dst | startswith("10.128.")) | .dst')"
t_check "a ping crosses the tunnel (lan -> vpc)" lab_wait 5 ping_vpc
lab_exec cgw ip route del 10.10.0.0/16 metric 20 proto bgp
t_check "a route of ours deleted by hand is put back" lab_wait 5 eval \
    '[ "$(route_nhid 10.10.0.0/16 20)" = "$G0" ]'
t_check "and that is logged" grep -q 'route 10.10.0.0/16 metric 20 of ours was deleted by someone else: putting it back' "$log"
if [ "${LAB_GR:-0}" = 1 ]; then
	t_eq "the VGW advertised graceful restart" true "$("$VTIBGPCTL" -s \
	    "$LAB_DIR/ctl.sock" -j show neighbor vti0 |
	    jq -r '.neighbors[0].caps_received.graceful_restart.present')"
fi

# --- carrier loss on tunnel 1: the standby forwards at once --------------
lab_exec lan ping -i 0.01 -c 600 -W 1 10.10.0.10 >"$LAB_DIR/ping1.txt" 2>&1 &
pinger=$!
sleep 1
lab_link_down 1
t_check "after carrier loss the route forwards into tunnel 2" lab_wait 5 via_tunnel 2 10.10.0.0/16
# the kernel took the primary with tunnel 1's group; the standby forwards
# at once, and the primary comes back on tunnel 1's group, which now
# points at tunnel 2 (so that the way back is one group rewrite)
t_check "the primary is rebuilt on tunnel 1's group, pointing at tunnel 2" \
    lab_wait 5 eval '[ "$(route_nhid 10.10.0.0/16 20) $(route_nhid 10.10.0.0/16 21)" = "$G0 $G1" ] &&
    [ "$(group_members $G0)" = "$NH1" ]'
t_check "and that is logged" grep -q 'tunnel vti0: 1 primary routes back on its group, which points at vti1' "$log"
t_check "the session of tunnel 1 went down at once" grep -q 'tunnel interface vti0 down' "$log"
wait "$pinger"
lost=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$LAB_DIR/ping1.txt")
lost=$((600 - ${lost:-0}))
echo "# carrier loss: $lost of 600 pings (10 ms apart) lost"
# A loose bound: the build machines are shared, so the figure is printed
# above and measuring it belongs in a benchmark, not in this test.
t_check "carrier loss loses under a second of pings (lost $lost of 600)" test "$lost" -lt 100
lab_link_up 1
t_check "tunnel 1 comes back" lab_wait 20 t_bird_established tun1
t_check "its nexthop and group are back, holding it" lab_wait 10 eval \
    '[ "$(group_members $G0)" = "$NH0" ]'
t_check "the route returns to tunnel 1 (lower MED)" lab_wait 10 eval \
    '[ "$(route_nhid 10.10.0.0/16 20)" = "$G0" ] && [ "$(route_nhid 10.10.0.0/16 21)" = "$G1" ]'
t_check "by one group rewrite" grep -q 'tunnel vti0: back: its group points at it again (0 routes moved' "$log"

# --- silent loss on tunnel 1 (SA dead, link up): hold timer, one rewrite --
lab_drop 1
t_check "after the hold timer tunnel 1's group forwards into tunnel 2" \
    lab_wait 15 eval '[ "$(group_members $G0)" = "$NH1" ]'
t_check "the group rewrite is logged" grep -q 'tunnel vti0: failover to vti1' "$log"
t_check "the route forwards into tunnel 2" via_tunnel 2 10.10.0.0/16
sleep 0.5
t_eq "and is not rewritten: primary on tunnel 1's group, standby on 2's" \
    "$G0 $G1" "$(route_nhid 10.10.0.0/16 20) $(route_nhid 10.10.0.0/16 21)"
t_check "a ping crosses tunnel 2" lab_wait 5 ping_vpc
lab_undrop 1
t_check "tunnel 1 comes back after the drop" lab_wait 30 t_bird_established tun1
t_check "tunnel 1's group holds tunnel 1 again" lab_wait 10 eval \
    '[ "$(group_members $G0)" = "$NH0" ]'
t_check "the route returns to tunnel 1" lab_wait 10 via_tunnel 1 10.10.0.0/16
t_check "with one group rewrite, no route moved one by one" \
    grep -q 'tunnel vti0: back: its group points at it again (0 routes moved' "$log"

# --- the inside address of tunnel 1 removed, then put back -----------------
lab_exec cgw ip addr del 169.254.249.58/30 dev vti0
t_check "removing the inside address takes session 1 down at once" lab_wait 5 \
    grep -q 'inside address 169.254.249.58 removed from vti0: session down at once' "$log"
t_check "and the route moves to tunnel 2" lab_wait 5 via_tunnel 2 10.10.0.0/16
lab_exec cgw ip addr add 169.254.249.58/30 dev vti0
t_check "with the address back session 1 returns" lab_wait 30 t_bird_established tun1
t_check "and the route returns to tunnel 1" lab_wait 10 via_tunnel 1 10.10.0.0/16

# --- MED steering: AWS lowers the MED on the other tunnel ---------------------
LAB_MED1=100 LAB_MED2=50 lab_bird_reconfigure >/dev/null
t_check "lower MED on tunnel 2 moves the route there" lab_wait 10 via_tunnel 2 10.10.0.0/16
LAB_MED1=100 LAB_MED2=100 lab_bird_reconfigure >/dev/null
sleep 2
t_check "equal MED again: the route stays (best longest, no flap)" via_tunnel 2 10.10.0.0/16
LAB_MED1=50 LAB_MED2=100 lab_bird_reconfigure >/dev/null
t_check "lower MED on tunnel 1 moves it back" lab_wait 10 via_tunnel 1 10.10.0.0/16

# --- SIGTERM: routes and nexthops removed -----------------------------------
kill -TERM "$daemon"
t_check "the daemon exits on SIGTERM" lab_wait 10 lab_pid_dead "$daemon"
t_eq "no route of ours is left" "" "$(lab_exec cgw ip -j route show table all proto bgp | jq -r '.[].dst')"
t_eq "no nexthop of ours is left" "" "$(lab_exec cgw ip -j nexthop show | jq -r '.[] | select(.id >= 1987313664 and .id <= 1987379199) | .id')"
t_check "no sanitizer report" eval '! grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$log"'
if [ "$t_failed" -gt 0 ]; then
	echo "# --- vtibgpd log"; sed 's/^/# /' "$log" | tail -80
	echo "# --- kernel"; lab_exec cgw ip route; lab_exec cgw ip nexthop
fi
t_done
