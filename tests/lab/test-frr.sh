#!/bin/bash
# SPDX-License-Identifier: ISC
# test-frr.sh: interoperability with FRR on its defaults.  FRR 8 (zebra +
# bgpd, started by hand in the VGW namespace in a pathspace of its own)
# replaces BIRD as the VGW pair and runs as AWS does: AS 64512, timers
# 10/30, MED 100 on both tunnels, what it learns on one tunnel passed on
# to the other; otherwise FRR's stock eBGP settings: no TTL security, no
# password (TTL 1 out).  vtibgpd runs on its defaults (no ttl-security
# line).  Checks: both sessions reach Established with hold 30 /
# keepalive 10 and stay up past a hold time; the BGP segments of both
# sides carry TTL 1; FRR has our network with our AS_PATH; 10.10.0.0/16
# is installed (primary and standby) and a ping crosses; MED steering
# from FRR moves it both ways without a session reset; carrier loss on
# tunnel 1 moves it to tunnel 2 and tunnel 1 comes back as the standby.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
FRR_LIB=/usr/lib/frr
t_need_lab jq vtysh "$FRR_LIB/zebra" "$FRR_LIB/bgpd"
id frr >/dev/null 2>&1 || t_skip_or_fail "no user frr (package frr)"

# FRR's pathspace (-N): /var/run/frr/LAB_ID, owned by frr (its daemons
# read their configs after dropping to that user).  Its processes are
# stopped by PID, then the directory is removed (before the lab goes;
# LAB_KEEP=1 leaves both, as the lab).
FRR_DIR="" FRR_PIDS=""
frr_down() {
	local p
	[ "${LAB_KEEP:-0}" = 1 ] && return 0
	for p in $FRR_PIDS; do lab_stop_pid "$p"; done
	FRR_PIDS=""
	case "$FRR_DIR" in
	/var/run/frr/vtb*) rm -rf -- "$FRR_DIR" ;;
	esac
	FRR_DIR=""
}
trap 'frr_down; lab_down' EXIT
trap 'frr_down; lab_down; exit 130' INT
trap 'frr_down; lab_down; exit 143' TERM

lab_up || { t_fail "lab_up"; t_done; }
# FRR takes BIRD's place (both would listen on port 179).
bird=$(lab_bird_pid)
kill "$bird"
lab_wait 10 lab_pid_dead "$bird" || t_fail "BIRD did not stop"

# BGP segments on each tunnel by TTL (tests/lab/ttlcount.sh)
. "$top_srcdir/tests/lab/ttlcount.sh"
ttl_count_setup || t_fail "nft counters in vgw"

# What the "VPC" announces: a blackhole in the vgw kernel, which zebra
# reads, so that `network 10.10.0.0/16` is in FRR's RIB (no staticd).
lab_exec vgw ip route add blackhole 10.10.0.0/16

FRR_DIR="/var/run/frr/$LAB_ID"
install -d -o frr -g frr -m 750 "$FRR_DIR"
cat >"$FRR_DIR/zebra.conf" <<EOF
hostname vgw-zebra
log file $FRR_DIR/zebra.log informational
EOF
# The AWS profile on FRR's defaults: timers 10/30 (AWS's), MED 100 on
# each tunnel (a route-map out per neighbor, which AWS steering changes),
# everything accepted (FRR 8 refuses eBGP routes without a policy:
# `bgp ebgp-requires-policy`, so route-maps in and out are needed).
cat >"$FRR_DIR/bgpd.conf" <<EOF
hostname vgw-bgpd
log file $FRR_DIR/bgpd.log informational
route-map AWS-IN permit 10
route-map TUN1-OUT permit 10
 set metric 100
route-map TUN2-OUT permit 10
 set metric 100
router bgp 64512
 bgp router-id $LAB_VGW_IP1
 timers bgp 10 30
 neighbor $LAB_CGW_IP1 remote-as 65000
 neighbor $LAB_CGW_IP2 remote-as 65000
 address-family ipv4 unicast
  network 10.10.0.0/16
  neighbor $LAB_CGW_IP1 route-map AWS-IN in
  neighbor $LAB_CGW_IP1 route-map TUN1-OUT out
  neighbor $LAB_CGW_IP2 route-map AWS-IN in
  neighbor $LAB_CGW_IP2 route-map TUN2-OUT out
 exit-address-family
EOF
chown frr:frr "$FRR_DIR"/*.conf
lab_spawn vgw "$FRR_LIB/zebra" -N "$LAB_ID" -f "$FRR_DIR/zebra.conf" \
    --vty_socket "$FRR_DIR" -P 0 2>"$LAB_DIR/zebra.err"
FRR_PIDS="$LAB_SPAWN_PID"
lab_wait 10 test -S "$FRR_DIR/zserv.api" || t_fail "zebra did not start"
lab_spawn vgw "$FRR_LIB/bgpd" -N "$LAB_ID" -f "$FRR_DIR/bgpd.conf" \
    --vty_socket "$FRR_DIR" -P 0 2>"$LAB_DIR/bgpd.err"
FRR_PIDS="$FRR_PIDS $LAB_SPAWN_PID"

# vtysh against this FRR only (its vty sockets are in FRR_DIR)
vtysh() { timeout 10 vtysh --vty_socket "$FRR_DIR" "$@"; }
t_check "FRR's bgpd answers" lab_wait 10 eval \
    'vtysh -c "show bgp summary" >/dev/null 2>&1'
t_check "FRR has 10.10.0.0/16 to announce" lab_wait 10 eval \
    'vtysh -c "show bgp ipv4 unicast 10.10.0.0/16 json" | jq -e ".paths[0].valid" >/dev/null'

t_start_vtibgpd
t_check "our config has no ttl-security line" eval '! grep -q ttl-security "$conf"'
# ctl, ping_vpc, our_timers, our_meds, installed, first_best
. "$top_srcdir/tests/lab/interop.sh"

# frr_state ADDR: FRR's BGP state of neighbor ADDR
frr_state() {
	vtysh -c "show bgp neighbors $1 json" 2>/dev/null | jq -r --arg a "$1" '.[$a].bgpState // empty'
}
frr_established() { [ "$(frr_state "$1")" = Established ]; }
# frr_conns ADDR: "sessions established, dropped" with ADDR, as FRR counts
frr_conns() {
	vtysh -c "show bgp neighbors $1 json" |
	    jq -r --arg a "$1" '"\(.[$a].connectionsEstablished) \(.[$a].connectionsDropped)"'
}
both_up() { frr_established "$LAB_CGW_IP1" && frr_established "$LAB_CGW_IP2"; }

t_check "both sessions with FRR reach Established" lab_wait 30 both_up
t_check "our log shows both Established" lab_wait 5 eval \
    '[ "$(grep -c "OpenConfirm -> Established" "$log")" -ge 2 ]'
t_eq "hold time 30 and keepalive 10 in use on both sessions" "30/10 30/10" \
    "$(our_timers vti0) $(our_timers vti1)"
ttl_checks FRR

# FRR learned our network: AS_PATH 65000 on tunnel 1, prepended on 2
frr_aspath() {
	vtysh -c "show bgp ipv4 unicast neighbors $1 routes json" 2>/dev/null |
	    jq -r '.routes["172.100.0.0/16"][0].path // empty'
}
t_check "FRR has our network from tunnel 1 with AS_PATH 65000" lab_wait 10 eval \
    '[ "$(frr_aspath $LAB_CGW_IP1)" = 65000 ]'
t_check "FRR has our network from tunnel 2 with AS_PATH 65000 65000 65000" lab_wait 10 eval \
    '[ "$(frr_aspath $LAB_CGW_IP2)" = "65000 65000 65000" ]'

t_check "we have 10.10.0.0/16 from both tunnels with FRR's MED 100" lab_wait 10 eval \
    '[ "$(our_meds)" = "vti0 100 vti1 100" ]'
first=$(first_best)
t_check "10.10.0.0/16 is installed: primary on tunnel $first's group, standby on the other's" \
    lab_wait 10 installed "$first"
t_check "a ping crosses the tunnel (lan -> vpc)" lab_wait 10 ping_vpc
# FRR passes what it learned on tunnel 1 on to tunnel 2, as a VGW does:
# our own network comes back with our AS in its AS_PATH, a loop.
own_as() {
	ctl -j show neighbor "$1" | jq -r '.neighbors[0].counters.rejected_own_as // 0'
}
t_check "our network, passed back by FRR on tunnel 2, is rejected as a loop" \
    lab_wait 10 eval '[ "$(own_as vti1)" -ge 1 ]'

# --- MED steering, as AWS does it, from FRR -----------------------------------
# frr_med N MED: FRR's MED towards tunnel N (its route-map out), then a
# soft clear out so that it is sent at once.
frr_med() {
	local a
	a=$([ "$1" = 1 ] && echo "$LAB_CGW_IP1" || echo "$LAB_CGW_IP2")
	vtysh -c "configure terminal" -c "route-map TUN$1-OUT permit 10" \
	    -c "set metric $2" -c end -c "clear bgp ipv4 unicast $a soft out" >/dev/null
}
frr_drops() {
	vtysh -c "show bgp neighbors json" | jq -r '[.[] | .connectionsDropped] | add'
}
drops=$(frr_drops)
frr_med 2 200
t_check "MED 200 from FRR on tunnel 2 reaches us" lab_wait 10 eval \
    '[ "$(our_meds)" = "vti0 100 vti1 200" ]'
t_check "and 10.10.0.0/16 is on tunnel 1 (standby on tunnel 2)" lab_wait 10 installed 1
frr_med 2 100
t_check "MED 100 again on tunnel 2 reaches us" lab_wait 10 eval \
    '[ "$(our_meds)" = "vti0 100 vti1 100" ]'
sleep 1
t_check "and the route stays on tunnel 1" installed 1
t_check "a ping crosses tunnel 1" lab_wait 10 ping_vpc
t_eq "MED steering reset no session" "$drops" "$(frr_drops)"

# --- carrier loss on tunnel 1 ---------------------------------------------
lab_link_down 1
t_check "after carrier loss on tunnel 1 the route forwards into tunnel 2" \
    lab_wait 5 via_tunnel 2 10.10.0.0/16
t_check "our session on tunnel 1 went down at once" lab_wait 5 grep -q \
    'neighbor 169.254.249.57: tunnel interface vti0 down: session down at once' "$log"
t_check "FRR's session on tunnel 1 goes down" lab_wait 5 eval '! frr_established $LAB_CGW_IP1'
t_check "a ping crosses tunnel 2" lab_wait 10 ping_vpc
t_check "session 2 stayed up" frr_established "$LAB_CGW_IP2"
lab_link_up 1
t_check "tunnel 1 comes back: a new session" lab_wait 30 eval \
    'frr_established $LAB_CGW_IP1 && [ "$(frr_conns $LAB_CGW_IP1)" = "2 1" ]'
# Both tunnels carry it again.  With equal MEDs the path that has been
# best longest stays best (RFC 5004; rib/decision.c, test_rib.c "best
# longest: a returning tunnel stays standby"): tunnel 2 keeps the
# primary, tunnel 1 gets the standby.
t_check "tunnel 1 is the standby again, tunnel 2 keeps the primary (equal MED)" \
    lab_wait 10 installed 2
t_check "a ping crosses" lab_wait 10 ping_vpc

# --- MED steering both ways ------------------------------------------------------
drops=$(frr_drops)
frr_med 2 200
t_check "MED 200 on tunnel 2 brings 10.10.0.0/16 back to tunnel 1" lab_wait 10 installed 1
t_check "a ping crosses tunnel 1" lab_wait 10 ping_vpc
frr_med 2 100
frr_med 1 200
t_check "MED 200 on tunnel 1 moves it to tunnel 2" lab_wait 10 installed 2
t_check "a ping crosses tunnel 2" lab_wait 10 ping_vpc
frr_med 1 100
t_check "MED 100 again on tunnel 1 reaches us" lab_wait 10 eval \
    '[ "$(our_meds)" = "vti0 100 vti1 100" ]'
sleep 1
t_check "and the route stays on tunnel 2 (best longest)" installed 2
t_eq "MED steering reset no session" "$drops" "$(frr_drops)"

# --- past a hold time ----------------------------------------------------------
frr_up_secs() {
	vtysh -c "show bgp neighbors $1 json" 2>/dev/null |
	    jq -r --arg a "$1" '.[$a].bgpTimerUpMsec // 0 | . / 1000 | floor'
}
t_check "session 2 stays up past a hold time (30 s)" lab_wait 40 eval \
    '[ "$(frr_up_secs $LAB_CGW_IP2)" -gt 31 ]'
t_check "both sessions are up" both_up
t_eq "FRR: session 2 was established once, never dropped" "1 0" "$(frr_conns $LAB_CGW_IP2)"
t_eq "FRR: session 1 dropped once (the carrier loss)" "2 1" "$(frr_conns $LAB_CGW_IP1)"
t_eq "our log: one session left Established (tunnel 1, carrier loss)" 1 \
    "$(grep -c 'Established -> ' "$log")"
for n in 1 2; do
	t_eq "through the test, FRR sent no BGP segment with another TTL than 1 on tunnel $n" \
	    0 "$(ttl_packets out${n}_msg_other)"
	t_eq "nor did we on tunnel $n" 0 "$(ttl_packets in${n}_msg_other)"
done
ttl_report
t_check "no sanitizer report" eval '! grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$log"'
if [ "$t_failed" -gt 0 ]; then
	echo "# --- vtibgpd log"; sed 's/^/# /' "$log" | tail -60
	echo "# --- FRR bgpd log"; sed 's/^/# /' "$FRR_DIR/bgpd.log" | tail -40
	echo "# --- FRR"; vtysh -c "show bgp summary" | sed 's/^/# /'
	echo "# --- cgw kernel"; lab_exec cgw ip route | sed 's/^/# /'
	ctl show routes | sed 's/^/# /'
fi
t_done
