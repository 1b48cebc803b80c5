# SPDX-License-Identifier: ISC
# tests/lab/ttlcount.sh: count the BGP segments on each tunnel by TTL, with
# nftables counters in the vgw namespace (sourced by the interop tests,
# after lab_up).  Counters of table inet vtbttl, for tunnel N (1: vti0,
# 2: vti1):
#   outN_msg_ttl1   segments the VGW's BGP speaker sent with TTL 1 that
#                   carry BGP messages (PSH: the last segment of a write)
#   outN_msg_other  the same with another TTL
#   outN_rest_other all others with another TTL (SYN-ACKs of a listening
#                   socket, ACKs sent before the speaker set the TTL of a
#                   connection it accepted, FINs of one it refused, RSTs
#                   of the kernel: the system's default TTL, 64)
#   inN_...         the same for what the CGW (vtibgpd) sent
# Port 179 either way (the speaker connected or accepted).

# ttl_count_setup: create the table (once, after lab_up).
ttl_count_setup() {
	local n d c hook m p r
	{
		echo "table inet vtbttl {"
		for d in out in; do
			for n in 1 2; do
				for c in msg_ttl1 msg_other rest_other; do
					echo "counter ${d}${n}_$c { }"
				done
			done
		done
		for d in out:output:oifname in:input:iifname; do
			IFS=: read -r c hook m <<<"$d"
			echo "chain $c { type filter hook $hook priority 0; policy accept;"
			for n in 1 2; do
				for p in sport dport; do
					r="$m vti$((n - 1)) tcp $p 179"
					echo "$r tcp flags & psh == psh ip ttl 1 counter name ${c}${n}_msg_ttl1"
					echo "$r tcp flags & psh == psh ip ttl != 1 counter name ${c}${n}_msg_other"
					echo "$r tcp flags & psh == 0 ip ttl != 1 counter name ${c}${n}_rest_other"
				done
			done
			echo "}"
		done
		echo "}"
	} >"$LAB_DIR/ttlcount.nft"
	lab_exec vgw nft -f "$LAB_DIR/ttlcount.nft"
}

# ttl_packets COUNTER: packets a counter of table inet vtbttl has counted.
ttl_packets() {
	lab_exec vgw nft -j list counter inet vtbttl "$1" |
	    jq -r '.nftables[] | select(.counter) | .counter.packets'
}

# ttl_positive COUNTER: it counted something.
ttl_positive() {
	local n
	n=$(ttl_packets "$1")
	[ -n "$n" ] && [ "$n" -gt 0 ]
}

# ttl_report: one TAP comment line per tunnel with all the counts.
ttl_report() {
	local n
	for n in 1 2; do
		echo "# tunnel $n, BGP segments with TTL 1 / another TTL / other segments with another TTL:" \
		    "VGW $(ttl_packets out${n}_msg_ttl1)/$(ttl_packets out${n}_msg_other)/$(ttl_packets out${n}_rest_other)," \
		    "vtibgpd $(ttl_packets in${n}_msg_ttl1)/$(ttl_packets in${n}_msg_other)/$(ttl_packets in${n}_rest_other)"
	done
}

# ttl_checks WHO: TAP checks that on each tunnel the VGW's speaker (WHO)
# and vtibgpd sent BGP messages with TTL 1, and none with another TTL.
ttl_checks() {
	local n
	for n in 1 2; do
		t_check "$1's BGP segments on tunnel $n carry TTL 1" ttl_positive "out${n}_msg_ttl1"
		t_eq "$1 sent none with another TTL on tunnel $n" 0 "$(ttl_packets "out${n}_msg_other")"
		t_check "ours on tunnel $n carry TTL 1" ttl_positive "in${n}_msg_ttl1"
		t_eq "we sent none with another TTL on tunnel $n" 0 "$(ttl_packets "in${n}_msg_other")"
	done
}
