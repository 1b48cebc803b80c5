# SPDX-License-Identifier: ISC
# tests/lab/frr.sh: FRR 8 (zebra + bgpd) as the VGW pair, started by hand
# in the VGW namespace in a pathspace of its own, in BIRD's place; for
# test-frr.sh (IPv4) and test-frr6.sh (IPv6).  Sourced after tests/lib.sh
# with FRR_AF (ipv4 or ipv6) and FRR_NBR1, FRR_NBR2 (our addresses on
# tunnels 1 and 2, FRR's neighbors; IPv4 LAB_CGW_IP1, LAB_CGW_IP2 unless
# set).
FRR_LIB=/usr/lib/frr
t_need_lab jq vtysh "$FRR_LIB/zebra" "$FRR_LIB/bgpd"
FRR_NBR1=${FRR_NBR1:-$LAB_CGW_IP1} FRR_NBR2=${FRR_NBR2:-$LAB_CGW_IP2}
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

# frr_lab_up: the lab, BIRD stopped (both would listen on port 179),
# FRR's directory made.
frr_lab_up() {
	local bird
	lab_up || { t_fail "lab_up"; t_done; }
	bird=$(lab_bird_pid)
	kill "$bird"
	lab_wait 10 lab_pid_dead "$bird" || t_fail "BIRD did not stop"
	FRR_DIR="/var/run/frr/$LAB_ID"
	install -d -o frr -g frr -m 750 "$FRR_DIR"
}

# frr_conf PREFIX [MAXPATHS]: bgpd.conf, the AWS profile on FRR's
# defaults: timers 10/30 (AWS's), MED 100 on each tunnel (a route-map
# out per neighbor, which AWS steering changes), everything accepted
# (FRR 8 refuses eBGP routes without a policy: `bgp
# ebgp-requires-policy`, so route-maps in and out are needed); PREFIX
# (the VPC's, a blackhole in the vgw kernel, which zebra reads) in
# FRR_AF, with MAXPATHS ECMP paths on FRR's side.  IPv6 neighbors carry
# IPv6 unicast only, as AWS's IPv6 tunnels do.
frr_conf() {
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
$([ "$FRR_AF" = ipv6 ] && echo " no bgp default ipv4-unicast")
 neighbor $FRR_NBR1 remote-as 65000
 neighbor $FRR_NBR2 remote-as 65000
 address-family $FRR_AF unicast
  network $1
$([ -n "${2:-}" ] && echo "  maximum-paths $2")
$([ "$FRR_AF" = ipv6 ] && echo "  neighbor $FRR_NBR1 activate")
$([ "$FRR_AF" = ipv6 ] && echo "  neighbor $FRR_NBR2 activate")
  neighbor $FRR_NBR1 route-map AWS-IN in
  neighbor $FRR_NBR1 route-map TUN1-OUT out
  neighbor $FRR_NBR2 route-map AWS-IN in
  neighbor $FRR_NBR2 route-map TUN2-OUT out
 exit-address-family
EOF
}

# frr_start PREFIX [MAXPATHS]: the blackhole for PREFIX, zebra and bgpd
# (frr_conf); checks that bgpd answers and has PREFIX to announce.
frr_start() {
	lab_exec vgw ip route add blackhole "$1"
	cat >"$FRR_DIR/zebra.conf" <<EOF
hostname vgw-zebra
log file $FRR_DIR/zebra.log informational
EOF
	frr_conf "$@"
	chown frr:frr "$FRR_DIR"/*.conf
	lab_spawn vgw "$FRR_LIB/zebra" -N "$LAB_ID" -f "$FRR_DIR/zebra.conf" \
	    --vty_socket "$FRR_DIR" -P 0 2>"$LAB_DIR/zebra.err"
	FRR_PIDS="$LAB_SPAWN_PID"
	lab_wait 10 test -S "$FRR_DIR/zserv.api" || t_fail "zebra did not start"
	lab_spawn vgw "$FRR_LIB/bgpd" -N "$LAB_ID" -f "$FRR_DIR/bgpd.conf" \
	    --vty_socket "$FRR_DIR" -P 0 2>"$LAB_DIR/bgpd.err"
	FRR_PIDS="$FRR_PIDS $LAB_SPAWN_PID"
	t_check "FRR's bgpd answers" lab_wait 10 eval \
	    'vtysh -c "show bgp summary" >/dev/null 2>&1'
	t_check "FRR has $1 to announce" lab_wait 10 frr_has "$1"
}
# frr_has PREFIX: FRR has a valid path for PREFIX
frr_has() {
	vtysh -c "show bgp $FRR_AF unicast $1 json" |
	    jq -e ".paths[0].valid" >/dev/null
}

# vtysh against this FRR only (its vty sockets are in FRR_DIR)
vtysh() { timeout 10 vtysh --vty_socket "$FRR_DIR" "$@"; }

# frr_state ADDR: FRR's BGP state of neighbor ADDR
frr_state() {
	vtysh -c "show bgp neighbors $1 json" 2>/dev/null |
	    jq -r --arg a "$1" '.[$a].bgpState // empty'
}
frr_established() { [ "$(frr_state "$1")" = Established ]; }
# frr_conns ADDR: "sessions established, dropped" with ADDR, as FRR counts
frr_conns() {
	vtysh -c "show bgp neighbors $1 json" | jq -r --arg a "$1" \
	    '"\(.[$a].connectionsEstablished) \(.[$a].connectionsDropped)"'
}
both_up() { frr_established "$FRR_NBR1" && frr_established "$FRR_NBR2"; }
# frr_drops: the sessions FRR dropped, all neighbors
frr_drops() {
	vtysh -c "show bgp neighbors json" |
	    jq -r '[.[] | .connectionsDropped] | add'
}
# frr_up_secs ADDR: how long FRR's session with ADDR has been up
frr_up_secs() {
	vtysh -c "show bgp neighbors $1 json" 2>/dev/null | jq -r --arg a "$1" \
	    '.[$a].bgpTimerUpMsec // 0 | . / 1000 | floor'
}
# frr_aspath ADDR PREFIX: the AS_PATH of FRR's route to PREFIX from ADDR
frr_aspath() {
	vtysh -c "show bgp $FRR_AF unicast neighbors $1 routes json" \
	    2>/dev/null | jq -r --arg p "$2" '.routes[$p][0].path // empty'
}
# frr_med N MED: FRR's MED towards tunnel N (its route-map out), then a
# soft clear out so that it is sent at once.
frr_med() {
	local a=$FRR_NBR2
	[ "$1" = 1 ] && a=$FRR_NBR1
	vtysh -c "configure terminal" -c "route-map TUN$1-OUT permit 10" \
	    -c "set metric $2" -c end \
	    -c "clear bgp $FRR_AF unicast $a soft out" >/dev/null
}
