#!/bin/bash
# SPDX-License-Identifier: ISC
# test-gr-receiver.sh: RFC 4724 4.2, vtibgpd as the receiving speaker,
# every MUST and SHOULD, against a scripted peer (fakepeer.pl) on tunnel
# 2 that restarts (its session ends without a NOTIFICATION) and comes
# back as the case needs; BIRD, graceful restart on as well, is tunnel 1.
#  - a stale path kept because no other tunnel has the prefix forwards
#    into its own tunnel, as `show routes` says: the group of tunnel 2,
#    pointed at tunnel 1 by the failover, does not take it there;
#  - the restart timer stops when the session is back: stale paths then
#    wait for End-of-RIB, which removes those not announced again;
#  - back with the Forwarding State bit clear, or without the capability:
#    the stale paths go at once;
#  - the stale-path timer (stalepath-time) bounds the wait for End-of-RIB;
#  - a second restart before End-of-RIB keeps what was announced again,
#    once, and deletes what was still stale;
#  - a tunnel that loses its link has its stale paths deleted.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
t_need_lab jq

export LAB_GR=1
T_GLOBAL="stalepath-time 15s" t_fake_lab
ctl() { "$VTIBGPCTL" -s "$LAB_DIR/ctl.sock" "$@"; }

VGW2=$T_VGW2
ONLY7=10.10.7.0/24 ONLY8=10.10.8.0/24
# fake N ARGS...: scripted session N from tunnel 2's VGW address, in the
# background until fake_end N (its End-of-RIB is for ARGS to send).
fake() {
	local n=$1
	shift
	( t_fake --echo-keepalive --pidfile "$LAB_DIR/fake$n.pid" \
	    --wait 300 "$@" >"$LAB_DIR/fake$n.out" 2>&1 ) &
	lab_record_pid $!
}
state2() { ctl -j show neighbor vti1 | jq -r '.neighbors[0].state // "IDLE"'; }
up2() { [ "$(state2)" = ESTABLISHED ]; }
# fake_end N: the peer restarts: its session ends without a NOTIFICATION
fake_end() {
	kill -TERM "$(cat "$LAB_DIR/fake$1.pid")"
	lab_wait 5 eval '! up2'
}
# in_kernel PREFIX: a primary route of ours for it
in_kernel() { [ -n "$(route_nhid "$1" 20)" ]; }
stale2() { ctl -j show routes "$1" | jq -r '[.routes[0].paths[]? |
    select(.interface == "vti1") | .stale] |
    if length == 0 then "none" else .[0] end'; }
# truth PREFIX ADDRESS: the tunnel its best path is on, the tunnel show
# routes says its primary forwards into, and the device the kernel uses
# for ADDRESS (ip route get), "best kernel-says kernel-does"
truth() {
	ctl -j show routes "$1" | jq -r '.routes[0] |
	    [.paths[] | select(.best) | .interface] as $best |
	    [.kernel[] | select(.primary) | .members[].interface] as $kernel |
	    "\($best | join(",")) \($kernel | join(","))"' | tr '\n' ' '
	lab_exec cgw ip -j route get "$2" | jq -r '.[0].dev'
}

# --- a restart with no other tunnel for two prefixes ------------------------
fake 1 --gr 8:f --msg "$(t_upd $VGW2 64512 10.10.0.0/16 $ONLY7 $ONLY8)" \
    --msg $T_EOR
t_check "the scripted peer's session is up" lab_wait 20 up2
t_check "its two prefixes are installed" lab_wait 5 eval \
    'in_kernel $ONLY7 && in_kernel $ONLY8'
t_eq "10.10.0.0/16 prefers it (no MED)" "vti1 vti1 vti1" \
    "$(truth 10.10.0.0/16 10.10.200.1)"
fake_end 1
lost=$(lab_now_us)
t_check "its restart keeps the two prefixes only it has" grep -q \
    'graceful restart (RFC 4724): 2 prefixes without another tunnel kept for up to 8s' "$log"
t_eq "10.10.0.0/16 moved to tunnel 1 (its stale path is not kept)" \
    "vti0 vti0 vti0" "$(truth 10.10.0.0/16 10.10.200.1)"
t_eq "$ONLY7: show routes and the kernel agree: into tunnel 2, its own" \
    "vti1 vti1 vti1" "$(truth $ONLY7 10.10.7.1)"
t_eq "$ONLY8 likewise" "vti1 vti1 vti1" "$(truth $ONLY8 10.10.8.1)"
t_eq "show routes flags the path stale" true "$(stale2 $ONLY7)"
t_eq "the primary is on tunnel 2's nexthop, not its group" \
    "$NH1 true" "$(ctl -j show routes $ONLY7 | jq -r '.routes[0].kernel[] |
    select(.primary) | "\(.nexthop_group) \(.tunnel_nexthop)"')"
t_eq "tunnel 2's group points at tunnel 1" "$NH0" "$(group_members $G1)"
t_eq "show summary counts 2 stale paths" 2 \
    "$(ctl -j show summary | jq .rib_stale)"
t_check "the text form flags them S" eval 'ctl show routes $ONLY7 |
    grep -q "^>S $ONLY7 "'

# --- back in time, End-of-RIB after the restart time --------------------------
# Its restart time runs from the loss above (8 s; the checks since took
# part of it); its End-of-RIB comes 12 s after it is back, so at least
# 3.5 s after the restart time ran out, and 3 s before the stale-path
# time (15 s) would flush the stale paths anyway.
fake 2 --gr 20:f --msg "$(t_upd $VGW2 64512 $ONLY7)" --sleep 12 \
    --msg $T_EOR
t_check "the peer is back within its restart time" lab_wait 8 up2
left=$(( lost + 8500000 - $(lab_now_us) ))
[ "$left" -gt 0 ] && sleep "$(printf '%d.%06d' $((left / 1000000)) \
    $((left % 1000000)))"
t_check "past the restart time (8 s), before End-of-RIB: $ONLY8 is kept" \
    in_kernel $ONLY8
t_eq "still stale" true "$(stale2 $ONLY8)"
t_eq "$ONLY7, announced again, is fresh" false "$(stale2 $ONLY7)"
t_check "End-of-RIB removes what was not announced again" lab_wait 15 eval \
    '! in_kernel $ONLY8'
t_check "and says so" grep -q 'graceful restart done: 1 stale prefixes not announced again are withdrawn (End-of-RIB)' "$log"
t_check "$ONLY7 is back on tunnel 2's group" lab_wait 5 eval \
    '[ "$(route_nhid $ONLY7 20)" = "$G1" ]'
t_eq "and agrees with show routes" "vti1 vti1 vti1" "$(truth $ONLY7 10.10.7.1)"

# --- back with the Forwarding State bit clear: stale paths go at once ---------
fake_end 2
t_eq "$ONLY7 kept stale across the restart" true "$(stale2 $ONLY7)"
fake 3 --gr 20 --sleep 3 --msg "$(t_upd $VGW2 64512 $ONLY7)" --msg $T_EOR
t_check "the peer is back" lab_wait 3 up2
t_check "F bit clear: $ONLY7 goes at once, not after its restart time (20 s)" \
    lab_wait 1 eval '! in_kernel $ONLY7'
t_check "and that is logged" grep -q 'withdrawn (the peer came back without its forwarding state for IPv4 unicast)' "$log"
t_check "then it comes again, fresh" lab_wait 5 in_kernel $ONLY7

# --- back without the capability at all -----------------------------------------
fake_end 3
t_eq "$ONLY7 kept stale (F was clear, GR was still advertised)" true \
    "$(stale2 $ONLY7)"
fake 4 --sleep 3 --msg "$(t_upd $VGW2 64512 $ONLY7)" --msg $T_EOR
t_check "the peer is back, no graceful restart" lab_wait 3 up2
t_check "no capability: $ONLY7 goes at once" lab_wait 1 eval '! in_kernel $ONLY7'
t_check "and that is logged" grep -q 'withdrawn (the peer came back without graceful restart)' "$log"
t_check "then it comes again" lab_wait 5 in_kernel $ONLY7

# --- no End-of-RIB: the stale-path timer (15 s here) --------------------------
fake_end 4
t_check "without the capability its restart keeps nothing" lab_wait 2 eval \
    '! in_kernel $ONLY7'
fake 5 --gr 30:f --msg "$(t_upd $VGW2 64512 $ONLY7 $ONLY8)" --msg $T_EOR
t_check "a peer with graceful restart again" lab_wait 10 eval \
    'up2 && in_kernel $ONLY7 && in_kernel $ONLY8'
fake_end 5
fake 6 --gr 30:f
t_check "it is back and sends nothing" lab_wait 3 up2
sleep 5
t_check "5 s later the stale paths wait for its End-of-RIB" eval \
    'in_kernel $ONLY7 && in_kernel $ONLY8'
t_check "at most the stale-path time (15 s), not its restart time (30 s)" \
    lab_wait 12 eval '! in_kernel $ONLY7 && ! in_kernel $ONLY8'
t_check "and that is logged" grep -q 'withdrawn (stale-path time over, no End-of-RIB)' "$log"

# --- a second restart before End-of-RIB --------------------------------------------
fake_end 6
fake 7 --gr 30:f --msg "$(t_upd $VGW2 64512 $ONLY7 $ONLY8)" --msg $T_EOR
t_check "both prefixes again" lab_wait 10 eval \
    'up2 && in_kernel $ONLY7 && in_kernel $ONLY8'
fake_end 7
fake 8 --gr 30:f --msg "$(t_upd $VGW2 64512 $ONLY7)"
t_check "back, $ONLY7 announced again, no End-of-RIB yet" lab_wait 5 eval \
    'up2 && [ "$(stale2 $ONLY7)" = false ]'
fake_end 8
t_check "restarting again: kept is $ONLY7, once" grep -q \
    'graceful restart (RFC 4724): 1 prefixes without another tunnel kept for up to 30s' "$log"
t_eq "$ONLY8, still stale from the first restart, is deleted" "" \
    "$(lab_exec cgw ip route show $ONLY8 proto bgp)"
t_eq "$ONLY7 stays, stale, into tunnel 2" "true vti1 vti1 vti1" \
    "$(stale2 $ONLY7) $(truth $ONLY7 10.10.7.1)"
t_eq "the neighbor counts 1 stale prefix" 1 \
    "$(ctl -j show neighbor vti1 | jq .neighbors[0].counters.prefixes_stale)"

# --- the tunnel's link goes down: no forwarding state any more -------------------
lab_link_down 2
t_check "carrier loss: the stale path is deleted" lab_wait 3 eval \
    '[ "$(stale2 $ONLY7)" = none ] && ! in_kernel $ONLY7'
t_check "and that is logged" grep -q 'withdrawn (tunnel interface down)' "$log"
lab_link_up 2

t_fake_done
