#!/bin/bash
# SPDX-License-Identifier: ISC
# test-mp-bird.sh: the BGP codec's MP-BGP for IPv6 unicast (RFC 4760,
# RFC 2545, RFC 4724 End-of-RIB) on the wire with BIRD 2, before the
# sessions carry IPv6.  Two namespaces of the lab (cgw, vgw) joined by a
# veth pair vti0 with the inside addresses of an IPv6 TGW tunnel,
# fd00:1::1/126 (BIRD, AS 64512, two static IPv6 routes) and fd00:1::2
# (tests/lab/mp_speak: the codec alone as a speaker, AS 65000).  Checks:
# IPv6 unicast is negotiated and the session established; BIRD's
# routes decode with its global and link-local next hops, then its
# End-of-RIB; BIRD installs ours with our next hop and AS_PATH; a
# withdrawal of ours removes one of them and leaves the other; BIRD's
# withdrawals decode; no NOTIFICATION either way.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
t_need_lab
SPEAK="$top_builddir/tests/lab/mp_speak"
[ -x "$SPEAK" ] || t_skip_or_fail "tests/lab/mp_speak not built"

# Only what this test needs of the lab: its names (lab_down removes
# them), two namespaces, one veth pair, BIRD with its own config.
LAB_ID="$(lab_new_id)"
LAB_CGW="${LAB_ID}-cgw" LAB_VGW="${LAB_ID}-vgw"
LAB_LAN="${LAB_ID}-lan" LAB_VPC="${LAB_ID}-vpc"
LAB_DIR="$(mktemp -d "${TMPDIR:-/tmp}/${LAB_ID}.XXXXXX")" || exit 1
: >"$LAB_DIR/pids"
ip netns add "$LAB_CGW" && ip netns add "$LAB_VGW" &&
    lab_veth "$LAB_VGW" vti0 "$LAB_CGW" vti0 ||
    { t_fail "namespaces and veth pair"; t_done; }
for ns in "$LAB_CGW" "$LAB_VGW"; do ip -n "$ns" link set lo up; done
ip -n "$LAB_VGW" addr add fd00:1::1/126 dev vti0 nodad
ip -n "$LAB_CGW" addr add fd00:1::2/126 dev vti0 nodad
ip -n "$LAB_VGW" link set vti0 up
ip -n "$LAB_CGW" link set vti0 up

# BIRD's link-local address, once past DAD: it goes with the global one.
ll_ready() {
	ip -n "$LAB_VGW" -6 -o addr show dev vti0 scope link |
	    grep -v tentative | awk '{ sub("/.*", "", $4); print $4 }' |
	    grep -q .
}
t_check "BIRD's side has a link-local address" lab_wait 10 ll_ready
vgw_ll=$(ip -n "$LAB_VGW" -6 -o addr show dev vti0 scope link |
    awk '{ sub("/.*", "", $4); print $4 }')

cat >"$LAB_DIR/bird.conf" <<EOF
router id 10.0.0.1;
protocol device { scan time 1; }
protocol static st6 {
	ipv6;
	route 2001:db8:10::/48 unreachable;
	route 2001:db8:11::/56 unreachable;
}
protocol bgp g6 {
	local fd00:1::1 as 64512;
	neighbor fd00:1::2 as 65000;
	hold time 30;
	keepalive time 10;
	connect retry time 1;
	error wait time 1, 2;
	ipv6 { import all; export where source = RTS_STATIC; };
}
EOF
ip netns exec "$LAB_VGW" bird -c "$LAB_DIR/bird.conf" \
    -s "$LAB_DIR/bird.ctl" -P "$LAB_DIR/bird.pid" ||
    { t_fail "BIRD starts"; t_done; }
t_check "BIRD answers" lab_wait 10 lab_bird_answers

out="$LAB_DIR/speak.out"
lab_spawn cgw "$SPEAK" fd00:1::1 65000 fd00:1::2 \
    2001:db8:172::/48 2001:db8:173:4::/64 >"$out" 2>&1
speak=$LAB_SPAWN_PID
said() { grep -qxF "$1" "$out"; }

t_check "the session is established" lab_wait 15 t_bird_established g6
t_check "both sides negotiate IPv6 unicast only (families 2)" \
    lab_wait 5 said "open families 2"
t_check "BIRD's /48 decodes with its global and link-local next hops" \
    lab_wait 10 said "announce 2001:db8:10::/48 via fd00:1::1 $vgw_ll"
t_check "BIRD's /56 too" \
    said "announce 2001:db8:11::/56 via fd00:1::1 $vgw_ll"
t_check "BIRD's IPv6 End-of-RIB is recognised" lab_wait 5 said eor6

ours() {
	lab_birdc show route all protocol g6 2>/dev/null
}
has_ours() {
	ours | grep -q "^$1 "
}
t_check "BIRD installs our /48" lab_wait 10 has_ours 2001:db8:172::/48
t_check "and our /64" has_ours 2001:db8:173:4::/64
t_eq "with our next hop" 2 "$(ours | grep -c 'BGP.next_hop: fd00:1::2$')"
t_eq "and our AS_PATH" 2 "$(ours | grep -c 'BGP.as_path: 65000$')"

kill -USR1 "$speak"
t_check "our withdrawal removes the /48 from BIRD" \
    lab_wait 10 eval '! has_ours 2001:db8:172::/48'
t_check "and leaves the /64" has_ours 2001:db8:173:4::/64

lab_birdc disable st6 >/dev/null
t_check "BIRD's withdrawal of the /48 decodes" \
    lab_wait 10 said "withdraw 2001:db8:10::/48"
t_check "and of the /56" said "withdraw 2001:db8:11::/56"

t_check "the session is still established" t_bird_established g6
t_check "the speaker is still running" lab_pid_alive "$speak"
t_eq "no NOTIFICATION or refused message either way" "" \
    "$(grep -E '^(notification|error)' "$out")"
[ "$t_failed" -eq 0 ] || sed 's/^/# /' "$out"
t_done
