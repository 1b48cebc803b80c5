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
