# SPDX-License-Identifier: ISC
# tests/lab/interop.sh: what the interop tests (test-frr.sh, test-gobgp.sh)
# ask of our side whatever speaker plays the VGW; sourced after
# t_start_vtibgpd.  IOP_PFX (default 10.10.0.0/16) is the VPC prefix
# they check, IOP_HOST (default LAB_VPC_HOST) the host pinged behind it:
# an IPv6 pair makes them IPv6 checks (test-frr6.sh).
IOP_PFX=${IOP_PFX:-10.10.0.0/16}
IOP_HOST=${IOP_HOST:-$LAB_VPC_HOST}

ctl() { "$VTIBGPCTL" -s "$LAB_DIR/ctl.sock" "$@"; }
ping_vpc() { lab_exec lan ping -c 1 -W 1 "$IOP_HOST" >/dev/null 2>&1; }

# our_timers IFACE: "hold/keepalive" in use, from the OPENs exchanged
# (0 before)
our_timers() {
	ctl -j show neighbor "$1" | jq -r '.neighbors[0].timers |
	    "\(.hold_negotiated_s)/\(.keepalive_s)"'
}

# our_meds: "IFACE MED" of each path we have for IOP_PFX
our_meds() {
	ctl -j show routes "$IOP_PFX" 2>/dev/null | jq -r \
	    '[.routes[0].paths[]? | "\(.interface) \(.med)"] | sort | join(" ")'
}

# installed N: IOP_PFX has its primary (metric 20) on tunnel N's
# group and its standby (21) on the other's, each group holding its own
# tunnel, and forwards into tunnel N
installed() {
	local g=$G0 s=$G1
	[ "$1" = 2 ] && g=$G1 s=$G0
	[ "$(route_nhid "$IOP_PFX" 20) $(route_nhid "$IOP_PFX" 21)" = \
	    "$g $s" ] &&
	[ "$(group_members $G0)" = "$NH0" ] &&
	[ "$(group_members $G1)" = "$NH1" ] &&
	via_tunnel "$1" "$IOP_PFX"
}

# first_best: the tunnel (1 or 2) whose path for IOP_PFX is best.
# With equal paths it depends on which UPDATE came first (the path that
# is best stays best, RFC 5004: rib/decision.c).
first_best() {
	local best
	best=$(ctl -j show routes "$IOP_PFX" |
	    jq -r '.routes[0].paths[] | select(.best) | .interface')
	echo "# first best: ${best:-none}" >&2
	[ "$best" = vti1 ] && echo 2 || echo 1
}
