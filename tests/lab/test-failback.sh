#!/bin/bash
# SPDX-License-Identifier: ISC
# test-failback.sh: the way back after a silent failure.  Tunnel 1 is
# best for four prefixes, tunnel 2 (preference 90) the standby.  The
# probes take tunnel 1 down: its group points at tunnel 2 and no route is
# rewritten.  While it is dead the VGW stops announcing 10.10.2.0/24 on
# tunnel 1 and 10.10.3.0/24 on tunnel 2.  When tunnel 1 answers again,
# the route it no longer carries moves to tunnel 2's group on its own,
# then one group rewrite brings the others back; 10.10.3.0/24, which
# only tunnel 1 has, forwards into tunnel 1 at once (if it comes first,
# the group goes back at once and the others follow one by one).  Then the same for
# tunnel 2 (the standby): its group points at tunnel 1 while it is dead.
# Then tunnel 1 again, coming back without one of 150 more prefixes.
# Kernel state is checked against `show routes` throughout.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
t_need_lab jq
. "$top_srcdir/tests/lab/soak.sh"

export LAB_HOLD=12 LAB_KEEPALIVE=4 T_PREF2=90
# (and 150 more, so that one straggler is "all but a few": 1 in 64)
export LAB_EXTRA_STATIC="10.10.1.0/24 10.10.2.0/24 10.10.3.0/24 $(seq -f '10.10.%g.0/24' 100 249 | tr '\n' ' ')"
T_HOLD=12 T_KEEPALIVE=4
PROBE='probe { interval 200ms misses 3 }'
lab_up || { t_fail "lab_up"; t_done; }
t_start_vtibgpd "$PROBE" "$PROBE"

ALL="10.10.0.0/16 10.10.1.0/24 10.10.2.0/24 10.10.3.0/24"
# routes_of PREFIX: "primary-group standby-group" ("none" for no route)
routes_of() {
	local a b
	a=$(route_nhid "$1" 20) b=$(route_nhid "$1" 21)
	echo "${a:-none} ${b:-none}"
}
all_on() {	# PRIMARY-GROUP STANDBY-GROUP PREFIX...
	local p
	for p in "${@:3}"; do
		[ "$(routes_of "$p")" = "$1 $2" ] || return 1
	done
}
# silent_loss N: drop tunnel N; its group must point at the other tunnel
# and no route be rewritten: every prefix forwards into the other.
silent_loss() {
	local n=$1 other=$((3 - $1)) g nh p
	g=$([ "$n" = 1 ] && echo $G0 || echo $G1)
	nh=$([ "$n" = 1 ] && echo $NH1 || echo $NH0)
	lab_drop "$n"
	t_check "the probes point tunnel $n's group at tunnel $other" lab_wait 6 eval \
	    "[ \"\$(group_members $g)\" = $nh ]"
	sleep 1
	t_check "no route was rewritten: primaries on G0, standbys on G1" all_on $G0 $G1 $ALL
	for p in $ALL; do
		t_check "$p forwards into tunnel $other" via_tunnel "$other" "$p"
	done
	t_check "the kernel is what show routes says" kernel_is_rib
}

t_check "both sessions reach Established" lab_wait 20 both_up
t_check "four prefixes: primaries on G0, standbys on G1" lab_wait 10 all_on $G0 $G1 $ALL
t_check "the probes of both tunnels get answers" lab_wait 5 eval \
    '[ "$(ctl -j show neighbor vti0 | jq -r .neighbors[0].probe.state)" = up ]'

# --- silent loss of tunnel 1 ------------------------------------------------
silent_loss 1
LAB_ONLY_TUN2=10.10.2.0/24 LAB_ONLY_TUN1=10.10.3.0/24 lab_bird_reconfigure >/dev/null
t_check "10.10.3.0/24, now on tunnel 1 alone (dead), is withdrawn" lab_wait 10 eval \
    '[ "$(routes_of 10.10.3.0/24)" = "none none" ]'
t_check "the others stay" all_on $G0 $G1 10.10.0.0/16 10.10.1.0/24 10.10.2.0/24

# --- tunnel 1 answers again --------------------------------------------------
lab_undrop 1
t_check "tunnel 1 comes back" lab_wait 30 t_bird_established tun1
t_check "tunnel 1's group holds tunnel 1 again" lab_wait 10 eval \
    '[ "$(group_members $G0)" = "$NH0" ]'
t_check "10.10.0.0/16 and 10.10.1.0/24 never moved: back on tunnel 1" \
    lab_wait 5 eval 'all_on $G0 $G1 10.10.0.0/16 10.10.1.0/24 &&
    via_tunnel 1 10.10.0.0/16 && via_tunnel 1 10.10.1.0/24'
t_check "10.10.2.0/24, which tunnel 1 no longer has, is on G1 alone" \
    lab_wait 5 eval '[ "$(routes_of 10.10.2.0/24)" = "$G1 none" ] && via_tunnel 2 10.10.2.0/24'
t_check "10.10.3.0/24, which tunnel 1 alone has, forwards into it" \
    lab_wait 5 eval '[ "$(routes_of 10.10.3.0/24)" = "$G0 none" ] && via_tunnel 1 10.10.3.0/24'
# (10.10.2.0/24 at least; if 10.10.3.0/24 arrived before the others
# were announced again, those were moved too: it could not wait)
t_check "the way back: routes moved one by one, then one group rewrite" \
    eval '[ "$(grep -c "tunnel vti0: back: its group points at it again ([1-9][0-9]* routes moved one by one first" "$log")" = 1 ]'
t_check "the kernel is what show routes says" lab_wait 5 kernel_is_rib

# --- silent loss of tunnel 2 (the standby) -------------------------------------
lab_bird_reconfigure >/dev/null
t_check "the VGW announces everything on both again" lab_wait 10 all_on $G0 $G1 $ALL
silent_loss 2
lab_undrop 2
t_check "tunnel 2 comes back" lab_wait 30 t_bird_established tun2
t_check "tunnel 2's group holds tunnel 2 again" lab_wait 10 eval \
    '[ "$(group_members $G1)" = "$NH1" ]'
t_check "with no route moved" \
    grep -q 'tunnel vti1: back: its group points at it again (0 routes moved' "$log"
t_check "steady state: both tunnels, every prefix on G0 and G1" lab_wait 5 all_on $G0 $G1 $ALL

# --- a straggler ------------------------------------------------------------------
# Tunnel 1 comes back without 10.10.2.0/24, and the VGW sends no End-of-RIB
# (graceful restart off): once all the others are back and nothing came
# for a moment, the straggler moves on its own and the group goes home,
# without waiting for the quiet time that stands in for End-of-RIB.
silent_loss 1
LAB_ONLY_TUN2=10.10.2.0/24 lab_bird_reconfigure >/dev/null
lab_undrop 1
t_check "tunnel 1 comes back" lab_wait 30 t_bird_established tun1
t_check "tunnel 1's group holds tunnel 1 again" lab_wait 10 eval \
    '[ "$(group_members $G0)" = "$NH0" ]'
t_check "when all but the straggler were back: 1 route moved, then the group" \
    grep -q 'tunnel vti0: back: its group points at it again (1 routes moved one by one first, [0-9]* us; all but 1 of the 15[0-9] routes on it want it)' "$log"
t_check "10.10.2.0/24 forwards into tunnel 2 alone" \
    lab_wait 5 eval '[ "$(routes_of 10.10.2.0/24)" = "$G1 none" ] && via_tunnel 2 10.10.2.0/24'
lab_bird_reconfigure >/dev/null
t_check "when tunnel 1 announces it again, it comes back" lab_wait 10 all_on $G0 $G1 $ALL
t_check "the kernel is what show routes says" lab_wait 5 kernel_is_rib
t_check "no kernel error was logged" eval '! grep -q "kernel:" "$log"'
t_check "no sanitizer report" sanitizer_clean
if [ "$t_failed" -gt 0 ]; then
	echo "# --- vtibgpd log"; sed 's/^/# /' "$log" | tail -40
fi
t_done
