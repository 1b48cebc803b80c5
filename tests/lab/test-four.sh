#!/bin/bash
# SPDX-License-Identifier: ISC
# test-four.sh: four tunnels on one gateway: two VPN connections to the
# same VGW for redundancy (LAB_TUNNELS=4), all IPv4.  Connection A is
# vti0/vti1 (preference 200 and 190), connection B vti2/vti3 (100 and
# 90), each prepending as it ranks, so that the VGW's return traffic
# follows the same order.  Checked: four sessions Established and
# `show summary` aligned; the kernel's primary on the best tunnel and
# its standby on the next; successive carrier losses move the traffic
# down the order (route get, a ping crossing, the tunnel's counters, the
# VGW's return route) and the way back up again; a drill on each of the
# four passes; a reload that ranks connection B first moves primary and
# standby without a session reset; a silent loss of B's first tunnel
# points its group at the tunnel ranked next (vti3), not at the first
# one configured, and steers the return traffic there.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
t_need_lab jq

export LAB_TUNNELS=4
P=10.10.0.0/16
PROBE='probe { interval 200ms misses 3 }'
lab_up || { t_fail "lab_up"; t_done; }
ctl() { "$VTIBGPCTL" -s "$LAB_DIR/ctl.sock" "$@"; }

# four_conf PREF0 PREF1 PREF2 PREF3: the config, each tunnel with its
# preference and a prepend by its rank (0 for the best, 1, 2, 3).
four_conf() {
	local p=("$@") i j rank
	cat <<CONF
router-id 172.100.0.1
local-as 65000
network 172.100.0.0/16
defaults { hold-time 30 keepalive 10 connect-retry 1 }
import { allow 10.10.0.0/16 le 24 }
CONF
	local addr=("$LAB_VGW_IP1" "$LAB_VGW_IP2" "$LAB_VGW_IP3" "$LAB_VGW_IP4")
	for i in 0 1 2 3; do
		rank=0
		for j in 0 1 2 3; do
			[ "${p[j]}" -gt "${p[i]}" ] && rank=$((rank + 1))
		done
		echo "neighbor ${addr[i]} { interface vti$i remote-as 64512" \
		    "preference ${p[i]} prepend $rank $PROBE }"
	done
}
conf="$LAB_DIR/vtibgpd.conf"
log="$LAB_DIR/vtibgpd.log"
four_conf 200 190 100 90 >"$conf"
chmod 644 "$conf"
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
# into N: the route of $P at metric M forwards into tunnel N (its
# group holds N's nexthop alone: after a carrier loss the primary may sit
# on the dead tunnel's group, made again pointing at the tunnel that is
# best now, so that the way back is one group rewrite).
into() {
	local g
	g=$(route_nhid $P "$1")
	[ -n "$g" ] && [ "$(group_members "$g")" = "$(nh "$2")" ]
}
# settled PRI SB: the primary of $P forwards into tunnel PRI, its
# standby (metric 21) into SB (SB "none": no standby).
settled() {
	into 20 "$1" || return 1
	if [ "$2" = none ]; then
		# none, or one left where the primary forwards (harmless)
		[ -z "$(route_nhid $P 21)" ] || into 21 "$1"
	else
		into 21 "$2"
	fi
}
# dev_of NS ADDR: the interface the kernel of NS sends ADDR out of.
dev_of() { lab_exec "$1" ip -j route get "$2" | jq -r '.[0].dev'; }
tx_of() {
	lab_exec cgw ip -j -s link show "$1" | jq -r '.[0].stats64.tx.packets'
}
# crosses N: a ping from the LAN host to the VPC host gets its answers,
# and its 5 requests left through tunnel N.
crosses() {
	local ifc="vti$(($1 - 1))" before after
	before=$(tx_of "$ifc")
	lab_exec lan ping -c 5 -i 0.2 -W 1 -q "$LAB_VPC_HOST" >/dev/null ||
	    return 1
	after=$(tx_of "$ifc")
	[ $((after - before)) -ge 5 ]
}
returns_into() { [ "$(dev_of vgw "$LAB_LAN_HOST")" = "$1" ]; }
# on N SB [SECS]: everything of tunnel N as the best: routes settled,
# the kernel's choice, a ping crossing, the VGW's return route (within
# SECS, default 30).
on() {
	local ifc="vti$(($1 - 1))" sb=none
	[ "$2" = none ] || sb="vti$(($2 - 1))'s"
	t_check "the primary is on $ifc's group, the standby on $sb" \
	    lab_wait 20 settled "$1" "$2"
	t_eq "ip route get: $LAB_VPC_HOST leaves through $ifc" "$ifc" \
	    "$(dev_of cgw "$LAB_VPC_HOST")"
	t_check "a ping from the LAN crosses $ifc" crosses "$1"
	if lab_wait "${3:-30}" returns_into "$ifc"; then
		t_ok "the VGW sends the return traffic into $ifc (prepends)"
	else
		t_fail "the VGW sends the return traffic into $ifc (prepends)"
		lab_exec vgw ip route | sed 's/^/# vgw: /'
		lab_birdc show route 172.100.0.0/16 all | sed 's/^/# bird: /'
		grep 'steering\|Established' "$log" | tail -n 12 |
		    sed 's/^/# log: /'
	fi
}

t_check "four sessions reach Established" lab_wait 30 all_up
t_eq "vtibgpctl sees four neighbors Established" \
    "ESTABLISHED ESTABLISHED ESTABLISHED ESTABLISHED" \
    "$(ctl -j show summary | jq -r '[.neighbors[].state] | join(" ")')"
on 1 2

# --- show summary with four neighbors stays readable ------------------------
ctl show summary >"$LAB_DIR/summary.txt"
sed 's/^/# /' "$LAB_DIR/summary.txt"
table=$(sed -n '/^Neighbor /,$p' "$LAB_DIR/summary.txt")
t_eq "a header and four neighbor lines" 5 "$(wc -l <<<"$table")"
t_eq "all of the same width" 1 \
    "$(awk '{ print length($0) }' <<<"$table" | sort -u | wc -l)"
# offsets NAME TEXT: where the column NAME starts in the header, then
# where TEXT starts in each neighbor line, distinct: "N N" when aligned
offsets() {
	awk -v h="$1" -v s="$2" 'NR == 1 { print index($0, h) }
	    NR > 1 { print index($0, s) }' <<<"$table" | uniq | tr '\n' ' '
}
hdr() { awk -v h="$1" 'NR == 1 { print index($0, h) " " }' <<<"$table"; }
t_eq "the interface column is aligned" "$(hdr Interface)" \
    "$(offsets Interface vti)"
t_eq "the state column is aligned" "$(hdr State)" \
    "$(offsets State Established)"
t_eq "the AS column is right-aligned" "$(hdr ' AS ')" \
    "$(awk 'NR == 1 { print index($0, " AS ") }
    NR > 1 { print index($0, "64512") + 2 }' <<<"$table" | uniq | tr '\n' ' ')"
for i in 0 1 2 3; do
	t_check "vti$i has its own line" grep -q "^[0-9.]* *vti$i " <<<"$table"
done

# --- failover order: successive carrier losses ------------------------------
lab_link_down 1
on 2 3
lab_link_down 2
on 3 4
lab_link_down 3
on 4 none
t_eq "no route of ours was left without a nexthop" 0 \
    "$(lab_exec cgw ip -j route show table main proto bgp |
    jq '[.[] | select(.nhid == null)] | length')"

# --- the way back up, one tunnel at a time ----------------------------------
lab_link_up 3
t_check "tunnel 3 comes back" lab_wait 30 t_bird_established tun3
on 3 4
lab_link_up 2
t_check "tunnel 2 comes back" lab_wait 30 t_bird_established tun2
on 2 3
lab_link_up 1
t_check "tunnel 1 comes back" lab_wait 30 t_bird_established tun1
on 1 2

# --- a drill on each tunnel -------------------------------------------------
# (the backup is where the traffic goes: the next by preference for the
# best tunnel, the best one for the others)
for d in "vti0 vti1" "vti1 vti0" "vti2 vti0" "vti3 vti0"; do
	set -- $d
	ctl -j drill failover --from "$1" --hold 1 \
	    >"$LAB_DIR/drill-$1.json" 2>&1
	rc=$?
	last=$(tail -n 1 "$LAB_DIR/drill-$1.json")
	t_eq "a drill on $1 exits 0" 0 "$rc"
	t_eq "and passed" DRILL_PASSED "$(jq -r '.result.outcome' <<<"$last")"
	t_eq "its backup: $2" "$2" "$(jq -r '.result.to_interface' <<<"$last")"
	[ "$rc" = 0 ] || sed 's/^/# /' "$LAB_DIR/drill-$1.json"
	t_check "all four Established again" lab_wait 30 all_up
	t_check "the routes as before" lab_wait 20 settled 1 2
done

# --- connection B first, by a reload ----------------------------------------
flaps=$(grep -c ': Established -> ' "$log")
four_conf 100 90 200 190 >"$conf"
ctl reload >/dev/null
t_check "reload: the primary goes to vti2, the standby to vti3 (not vti0)" \
    lab_wait 10 settled 3 4
on 3 4
t_eq "no session was reset by the new preferences" "$flaps" \
    "$(grep -c ': Established -> ' "$log")"

# the drill on the best tunnel (no --from) takes vti2 out: its backup is
# vti3, where the traffic goes, not vti0, the first one configured
ctl -j drill failover --hold 1 >"$LAB_DIR/drill-b.json" 2>&1
rc=$?
last=$(tail -n 1 "$LAB_DIR/drill-b.json")
t_eq "a drill on connection B's best tunnel exits 0" 0 "$rc"
t_eq "from vti2" vti2 "$(jq -r '.result.from_interface' <<<"$last")"
t_eq "to vti3" vti3 "$(jq -r '.result.to_interface' <<<"$last")"
t_check "which carried the primary route" grep -q \
    '1 of 1 primary routes forward into vti3, none into vti2' \
    "$LAB_DIR/drill-b.json"
t_check "all four Established again" lab_wait 30 all_up
t_check "the routes as before" lab_wait 20 settled 3 4

# --- a silent loss of vti2: its group points at vti3 ------------------------
failovers=$(ctl -j show summary | jq -r '.kernel.failovers')
ctl watch >"$LAB_DIR/watch.txt" 2>&1 &
watcher=$!
sleep 0.5
lab_drop 3
t_check "the probes point vti2's group at vti3, the next by preference" \
    lab_wait 6 eval '[ "$(group_members "$(grp 3)")" = "$(nh 4)" ]'
t_check "one group rewrite: to vti3" \
    grep -q 'tunnel vti2: failover to vti3' "$log"
sleep 1
t_eq "the primary stayed on vti2's group (no route rewritten)" "$(grp 3)" \
    "$(route_nhid $P 20)"
t_eq "ip route get: it leaves through vti3" vti3 "$(dev_of cgw "$LAB_VPC_HOST")"
# (the VGW must send the answers into vti3 before a ping can cross)
t_check "return steering: the VGW sends our traffic into vti3" \
    lab_wait 20 eval '[ "$(dev_of vgw $LAB_LAN_HOST)" = vti3 ]'
t_check "a ping from the LAN crosses vti3" crosses 4
t_eq "one failover counted" $((failovers + 1)) \
    "$(ctl -j show summary | jq -r '.kernel.failovers')"
kill "$watcher"
wait "$watcher" 2>/dev/null
t_check "watch names the tunnel the traffic moved to" grep -qE \
    "traffic of vti2 moved to vti3: one group rewrite, [0-9]+ us" \
    "$LAB_DIR/watch.txt"
lab_undrop 3
t_check "vti2 comes back" lab_wait 45 t_bird_established tun3
# (the halves stay on the survivors until vti2 has been up a hold time)
on 3 4 45
t_check "return steering ended: the halves withdrawn from vti3" grep -q \
    "neighbor $LAB_VGW_IP4: return steering off" "$log"

# ours_nh: our nexthop objects, "id" or "id:members", sorted
ours_nh() {
	lab_exec cgw ip -j nexthop show | jq -r '.[] |
	    select(.id >= 1987313664 and .id <= 1987379199) |
	    if .group then "\(.id):\([.group[].id] | map(tostring) |
	    join(","))" else "\(.id)" end' | sort | tr '\n' ' '
}
want_nh=$(for i in 1 2 3 4; do echo "$(nh $i)"; echo "$(grp $i):$(nh $i)"
    done | sort | tr '\n' ' ')
t_check "in the end: one nexthop and one group per tunnel, each group home" \
    lab_wait 10 eval '[ "$(ours_nh)" = "$want_nh" ]' ||
    echo "# want: $want_nh" "# got: $(ours_nh)"
t_check "the daemon is still running" lab_pid_alive "$daemon"
t_check "no kernel error was logged" eval '! grep -q "kernel:" "$log"'
t_check "no sanitizer report" eval '! grep -qE \
    "ERROR: (Address|Leak)Sanitizer|runtime error:" "$log"'
if [ "$t_failed" -gt 0 ]; then
	echo "# --- vtibgpd log"
	sed "s/^/# /" "$log" | tail -"${T_LOG_LINES:-60}"
fi
t_done
