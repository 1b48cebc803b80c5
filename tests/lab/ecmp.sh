# SPDX-License-Identifier: ISC
# tests/lab/ecmp.sh: what the ECMP tests (test-ecmp.sh, test-ecmp6.sh)
# count and ask, sourced after lab_up: nftables counters of UDP flows
# per tunnel, the flows, our routes' groups, route writes in a monitor.
# ECMP_FWD and ECMP_RET are the VPC and LAN hosts the flows go to;
# ECMP_MON_RE matches our prefixes' lines in `ip monitor`.  FLOWS flows.

# ecmp_counters: counters: what the CGW sends into each tunnel
# (postrouting, so that a packet sent into a dead tunnel counts too),
# what reaches the VPC host, and what the TGW sends back into each tunnel
# (prerouting in cgw).
ecmp_counters() {
	lab_exec cgw nft -f - <<'EOF'
table inet ecmpcnt {
	counter out0 {}
	counter out1 {}
	counter ret0 {}
	counter ret1 {}
	chain post {
		type filter hook postrouting priority 0; policy accept;
		oifname "vti0" udp dport 9000 counter name out0
		oifname "vti1" udp dport 9000 counter name out1
	}
	chain pre {
		type filter hook prerouting priority -300; policy accept;
		iifname "vti0" udp dport 9001 counter name ret0
		iifname "vti1" udp dport 9001 counter name ret1
	}
}
EOF
	lab_exec vpc nft -f - <<'EOF'
table inet ecmpcnt {
	counter got {}
	chain input {
		type filter hook input priority 0; policy accept;
		udp dport 9000 counter name got
	}
}
EOF
}

# count NS NAME: packets of counter NAME in namespace NS
count() {
	lab_exec "$1" nft -j list counter inet ecmpcnt "$2" |
	    jq '.nftables[] | select(.counter) | .counter.packets'
}
# flows NS DST PORT: FLOWS UDP datagrams to DST:PORT, each from a socket
# of its own (a new source port: a new flow)
flows() {
	# shellcheck disable=SC2016  # expanded by the inner bash
	lab_exec "$1" bash -c 'for ((i = 0; i < $0; i++)); do
	    echo x >"/dev/udp/$1/$2"; done 2>/dev/null' "$FLOWS" "$2" "$3"
}
# spread: send the flows lan -> vpc; sets s0 s1 (per tunnel) and got
# (at the VPC host)
spread() {
	local a0 a1 g
	a0=$(count cgw out0) a1=$(count cgw out1) g=$(count vpc got)
	flows lan "$ECMP_FWD" 9000
	sleep 0.3
	s0=$(( $(count cgw out0) - a0 )) s1=$(( $(count cgw out1) - a1 ))
	got=$(( $(count vpc got) - g ))
	echo "# $FLOWS flows lan -> vpc: tunnel 1 $s0, tunnel 2 $s1, arrived $got"
}
# spread_back: the flows vpc -> lan; sets r0 r1 (per tunnel, at the CGW)
spread_back() {
	r0=$(count cgw ret0) r1=$(count cgw ret1)
	flows vpc "$ECMP_RET" 9001
	sleep 0.3
	r0=$(( $(count cgw ret0) - r0 )) r1=$(( $(count cgw ret1) - r1 ))
	echo "# $FLOWS flows vpc -> lan: tunnel 1 $r0, tunnel 2 $r1"
}
# nhid PREFIX: the nexthop id of our route to PREFIX (the only one: no
# standby)
nhid() {
	t_routes "$1" | jq -r --arg p "$1" '[.[] | select(.dst == $p)] |
	    if length == 1 then .[0].nhid else "\(length) routes" end'
}
# all_on GROUP: every prefix in PFX has its one route on nexthop GROUP
all_on() {
	local p
	for p in $PFX; do
		[ "$(nhid "$p")" = "$1" ] || return 1
	done
}
members() { group_members "$1"; }
# via_ctl PREFIX: the kernel routes `show routes` reports for PREFIX, as
# "primary|standby:interfaces it forwards into"
via_ctl() {
	ctl -j show routes "$1" | jq -r '[.routes[0].kernel[] |
	    "\(if .primary then "primary" else "standby" end):\(
	    [.members[].interface] | sort | join(","))"] | join(" ")'
}
# route writes for our prefixes in the monitor since line $1
writes_since() {
	tail -n +"$(( $1 + 1 ))" "$LAB_DIR/monitor.txt" |
	    grep -E "^(Deleted )?($ECMP_MON_RE)" || true
}
mon_lines() { wc -l <"$LAB_DIR/monitor.txt"; }
ctl() { "$VTIBGPCTL" -s "$LAB_DIR/ctl.sock" "$@"; }

# ---- the phases both tests run, on group G and the prefixes in PFX ------
# ecmp_spreads: the flows lan -> vpc are seen on both tunnels and
# all arrive
ecmp_spreads() {
	spread
	t_check "forward flows go into tunnel 1 ($s0)" test "$s0" -gt 0
	t_check "and into tunnel 2 ($s1)" test "$s1" -gt 0
	t_eq "every datagram reaches the VPC host" "$FLOWS" "$got"
}
# ecmp_returns NET: the TGW's route to our NET has both tunnels, and the
# flows vpc -> lan come back on both
ecmp_returns() {
	local net=$1
	t_check "TGW profile: the TGW's return route has both tunnels" \
	    lab_wait 5 eval '[ "$(t_vgw_devs $net)" = "vti0 vti1" ]'
	spread_back
	t_check "return flows arrive on both tunnels ($r0 + $r1)" eval \
	    '[ "$r0" -gt 0 ] && [ "$r1" -gt 0 ] &&
	    [ $((r0 + r1)) = "$FLOWS" ]'
}
# t_vgw_devs NET: the devices of the vgw kernel's multipath route to NET
t_vgw_devs() {
	local f=-4
	case "$1" in *:*) f=-6 ;; esac
	lab_exec vgw ip "$f" -j route show exact "$1" |
	    jq -r '[.[0].nexthops[]?.dev] | sort | join(" ")'
}
# ecmp_all_to_2: every flow goes into tunnel 2 and arrives
ecmp_all_to_2() {
	spread
	t_eq "every flow goes into tunnel 2" "0 $FLOWS" "$s0 $s1"
	t_eq "and arrives" "$FLOWS" "$got"
}
# ecmp_carrier_loss: carrier loss of tunnel 1: the kernel drops the
# member, vtibgpd writes no route, every flow goes into tunnel 2
ecmp_carrier_loss() {
	local mark w
	mark=$(mon_lines)
	lab_link_down 1
	t_check "the kernel drops tunnel 1 from the group" lab_wait 5 eval \
	    '[ "$(members "$G")" = "$NH1" ]'
	t_check "vtibgpd saw the session go" lab_wait 5 eval \
	    '! t_bird_established tun1 &&
	    grep -q "tunnel vti0: link down" "$log"'
	# the RIB drops tunnel 1's paths; give vtibgpd time to write, if it
	# would
	sleep 2
	t_check "the routes stay on the group" all_on "$G"
	w=$(writes_since "$mark")
	t_eq "no route of ours was written after the carrier loss" "" "$w"
	ecmp_all_to_2
}
# ecmp_rejoins HOW: tunnel 1's session comes back (HOW: "after the
# drop", or nothing) and the group holds both tunnels again
ecmp_rejoins() {
	t_check "session 1 comes back${1:+ $1}" lab_wait 30 \
	    t_bird_established tun1
	t_check "the group holds both tunnels again" lab_wait 10 eval \
	    '[ "$(members "$G")" = "$NH0 $NH1" ]'
	t_check "the routes are still on it" all_on "$G"
}
# ecmp_spread_again: the flows spread over both tunnels again
ecmp_spread_again() {
	spread
	t_check "the flows spread again ($s0 + $s1)" eval \
	    '[ "$s0" -gt 0 ] && [ "$s1" -gt 0 ] && [ "$got" = "$FLOWS" ]'
}
# ecmp_silent_loss PREFIX: silent loss of tunnel 1 (nftables drop in the
# VGW): the probes rewrite the group to tunnel 2 alone, no route is
# written, PREFIX forwards into tunnel 2 and every flow goes there
ecmp_silent_loss() {
	local mark w t0
	mark=$(mon_lines)
	t0=$(lab_now_us)
	lab_drop 1
	t_check "the probes rewrite the group to tunnel 2 alone" \
	    lab_wait 6 eval '[ "$(members "$G")" = "$NH1" ]'
	echo "# silent loss to group rewritten (polled):" \
	    "$(( ($(lab_now_us) - t0) / 1000 )) ms"
	t_check "session 1 went down because of the probes" grep -q \
	    'liveness probes lost on vti0: session down at once' "$log"
	sleep 2
	t_check "the routes stay on the group" all_on "$G"
	w=$(writes_since "$mark")
	t_eq "no route of ours was written: one group rewrite" "" "$w"
	t_eq "show routes: it forwards into tunnel 2" "primary:vti1" \
	    "$(via_ctl "$1")"
	t_check "the group rewrite is in the monitor" eval \
	    'tail -n +$((mark + 1)) "$LAB_DIR/monitor.txt" |
	    grep -q "^id $G group $NH1 "'
	ecmp_all_to_2
}

# ecmp_done: SIGTERM: the daemon exits and removes its routes (of PFX's
# family), no sanitizer report; on a failure the ends of its log and of
# the monitor.  Then t_done.
ecmp_done() {
	kill -TERM "$daemon"
	t_check "the daemon exits on SIGTERM" lab_wait 10 lab_pid_dead \
	    "$daemon"
	t_eq "and removes its routes" "" \
	    "$(t_routes "${PFX%% *}" | jq -r '.[].dst')"
	t_check "no sanitizer report" eval '! grep -qE \
	    "ERROR: (Address|Leak)Sanitizer|runtime error:" "$log"'
	if [ "$t_failed" -gt 0 ]; then
		echo "# --- vtibgpd log"; sed 's/^/# /' "$log" | tail -60
		echo "# --- ip monitor"
		sed 's/^/# /' "$LAB_DIR/monitor.txt" | tail -40
	fi
	t_done
}
