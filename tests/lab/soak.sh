# SPDX-License-Identifier: ISC
# tests/lab/soak.sh: the faults and the checker of the fault soak (sourced
# by test-soak.sh and test-valgrind.sh after lib.sh and lab.sh).
#
# The lab: BIRD announces SOAK_ACCEPTED (inside the allow list) and two
# prefixes outside it on both tunnels, MED 100 on both; our preference
# 90 on tunnel 2 makes tunnel 1 best.  The test sets $daemon, $conf and $log
# (t_start_vtibgpd does) and may replace soak_spawn.
#
# After each fault the checker waits (bounded) for convergence and then
# requires:
#  - the kernel's routes of ours (table main, protocol bgp) are exactly
#    what `vtibgpctl -j show routes` says: each prefix's primary (metric
#    20) and standby (21) on the nexthop group named there, whose members
#    are the nexthops named there, with their gateway and interface;
#  - nothing else of ours: no route of protocol bgp in another table but
#    the foreign one, no nexthop id in 0x76740000-0x7674ffff but the
#    tunnels' NH(i) = 0x76740001 + i and G(i) = 0x76740100 + i; with both
#    tunnels up exactly NH0, NH1, G0 = {NH0}, G1 = {NH1}, each accepted
#    prefix on G0 (metric 20) and G1 (metric 21); with one tunnel down,
#    every route of ours forwards into the other alone;
#  - the routes and nexthops of others are unchanged;
#  - the daemon is alive.
# Each fault is a function that returns 0, or 1 with the reason in $why.

SOAK_ACCEPTED="10.10.0.0/16 10.10.1.0/24 10.10.2.0/24 10.10.3.0/24"
SOAK_NH=($((0x76740001)) $((0x76740002)))
SOAK_G=($((0x76740100)) $((0x76740101)))
SOAK_GW=(169.254.249.57 169.254.249.61)
# waits are multiplied by this (valgrind is slow)
: "${SOAK_WAIT_SCALE:=1}"

# soak_lab_env: the BIRD knobs of the soak (before lab_up).
soak_lab_env() {
	export LAB_HOLD=6 LAB_KEEPALIVE=2 T_PREF2=90
	export LAB_EXTRA_STATIC="${SOAK_ACCEPTED#10.10.0.0/16 }"
	export LAB_EXTRA_PREFIXES=2	# 10.128.0.0/24, 10.128.1.0/24: refused
	T_HOLD=6 T_KEEPALIVE=2
	SOAK_PROBE='probe { interval 200ms misses 3 }'
}

ctl() { "$VTIBGPCTL" -s "$LAB_DIR/ctl.sock" "$@"; }
swait() { lab_wait $(($1 * SOAK_WAIT_SCALE)) "${@:2}"; }

# soak_spawn: start vtibgpd again with the same config (after kill -9).
soak_spawn() {
	lab_spawn cgw "$VTIBGPD" -d -f "$conf" -s "$LAB_DIR/ctl.sock" 2>>"$log"
	daemon=$LAB_SPAWN_PID
}

# soak_foreign_setup: routes and a nexthop of others in cgw, which must
# never change: a static route via tunnel 2, one of protocol bgp in
# another table (only the configured table is ours), a blackhole, and a
# nexthop object with its route on lan0.
soak_foreign_setup() {
	lab_exec cgw ip route add 10.10.200.0/24 via 169.254.249.61 dev vti1 proto static metric 50
	lab_exec cgw ip route add blackhole 198.51.100.0/24 proto static metric 20
	lab_exec cgw ip route add blackhole 10.10.201.0/24 proto bgp metric 20 table 100
	lab_exec cgw ip nexthop add id 4242 via 172.100.0.10 dev lan0
	lab_exec cgw ip route add 10.10.202.0/24 nhid 4242 proto static
	SOAK_FOREIGN=$(soak_foreign)
}

# soak_foreign: every IPv4 route and every nexthop that is not ours.  (The
# gateway and device of a route on a nexthop object are left out: the
# kernel reports them only with net.ipv4.nexthop_compat_mode=1, which
# vtibgpd turns off in its namespace.)
soak_foreign() {
	lab_exec cgw ip -4 -j route show table all | jq -S -c '[.[] |
	    select(((.protocol // "") == "bgp" and (.table // "main") == "main") | not) |
	    if has("nhid") then del(.gateway, .dev) else . end]
	    | sort_by(.table // "main", .dst, .metric // 0)'
	lab_exec cgw ip -j nexthop show | jq -S -c '[.[] |
	    select(.id < 1987313664 or .id > 1987379199)] | sort_by(.id)'
}

# ---- the checker --------------------------------------------------------------
why=""
rib_json() { ctl -j show routes 2>/dev/null; }
# kernel_routes: ours as "prefix metric nhid", sorted.
kernel_routes() {
	lab_exec cgw ip -j route show table main proto bgp |
	    jq -r '.[] | "\(.dst) \(.metric // 0) \(.nhid // "plain")"' | sort
}
# rib_routes JSON: what the RIB says is in the kernel, in the same form.
rib_routes() {
	jq -r '.routes[] | .prefix as $p | .kernel[] | "\($p) \(.metric) \(.nexthop_group)"' <<<"$1" | sort
}
# kernel_nexthops: ours, as "id gateway dev" or "id group m1,m2".
kernel_nexthops() {
	lab_exec cgw ip -j nexthop show | jq -r '.[] |
	    select(.id >= 1987313664 and .id <= 1987379199) |
	    if .group then "\(.id) group \([.group[].id] | sort | map(tostring) | join(","))"
	    else "\(.id) \(.gateway) \(.dev)" end' | sort
}
# rib_nexthops JSON: the groups and nexthops that the RIB's routes use
# (a primary on its tunnel's own nexthop uses no group).
rib_nexthops() {
	jq -r '.routes[].kernel[] |
	    if .tunnel_nexthop then empty else
	    "\(.nexthop_group) group \([.members[].id] | sort | map(tostring) | join(","))" end,
	    (.members[] | "\(.id) \(.gateway) \(.interface)")' <<<"$1" | sort -u
}

# kernel_is_rib: the kernel has exactly the RIB's routes; the groups and
# nexthops they use are as the RIB says; no other id of ours but the
# tunnels' NH and G (the group of a silently failed tunnel points at the
# survivor until it is back); nothing of protocol bgp in another table.
kernel_is_rib() {
	local rib kr rr kn rn extra
	rib=$(rib_json) || { why="show routes failed"; return 1; }
	[ "$(jq -r '.next_page_token // ""' <<<"$rib")" = "" ] || { why="more than one page"; return 1; }
	rr=$(rib_routes "$rib")
	kr=$(kernel_routes)
	[ "$rr" = "$kr" ] || { why="routes: RIB [$(echo $rr)] kernel [$(echo $kr)]"; return 1; }
	kn=$(kernel_nexthops)
	rn=$(rib_nexthops "$rib")
	if [ -n "$(comm -23 <(echo "$rn") <(echo "$kn"))" ]; then
		why="nexthops: RIB [$(echo $rn)] kernel [$(echo $kn)]"
		return 1
	fi
	extra=$(comm -13 <(echo "$rn") <(echo "$kn") | awk -v a="${SOAK_NH[0]}" \
	    -v b="${SOAK_NH[1]}" -v c="${SOAK_G[0]}" -v d="${SOAK_G[1]}" \
	    '$1 != a && $1 != b && $1 != c && $1 != d')
	[ -z "$extra" ] || { why="nexthops of ours that should not exist: [$(echo $extra)]"; return 1; }
	if [ -n "$(lab_exec cgw ip -j route show table all proto bgp | jq -r '.[] |
	    select((.table // "main") != "main" and .table != "100") | .dst')" ]; then
		why="routes of protocol bgp in another table"
		return 1
	fi
	# the RIB agrees with itself: installed iff a path is best iff a
	# route of ours is in the kernel
	if [ -n "$(jq -r '.routes[] | select(.installed != ([.paths[].best] | any)
	    or .installed != (.kernel | length > 0)) | .prefix' <<<"$rib")" ]; then
		why="RIB: 'installed' disagrees with its paths"
		return 1
	fi
}

# steady: both tunnels up and converged.
steady() {
	local want p kn
	want=$(for p in $SOAK_ACCEPTED; do
		echo "$p 20 ${SOAK_G[0]}"; echo "$p 21 ${SOAK_G[1]}"; done | sort)
	[ "$(kernel_routes)" = "$want" ] ||
	    { why="kernel routes not the steady state: [$(kernel_routes | tr '\n' ' ')]"; return 1; }
	kn=$(printf '%s\n' "${SOAK_NH[0]} ${SOAK_GW[0]} vti0" "${SOAK_NH[1]} ${SOAK_GW[1]} vti1" \
	    "${SOAK_G[0]} group ${SOAK_NH[0]}" "${SOAK_G[1]} group ${SOAK_NH[1]}" | sort)
	[ "$(kernel_nexthops)" = "$kn" ] ||
	    { why="nexthops not the steady state: [$(kernel_nexthops | tr '\n' ' ')]"; return 1; }
	kernel_is_rib
}

# one_tunnel N: only tunnel N has paths: each accepted prefix has a route
# of ours, and every route of ours forwards into tunnel N alone, whichever
# group it is on (a failed tunnel's group points at the survivor; after a
# carrier loss the standby forwards).
one_tunnel() {
	local nh=${SOAK_NH[$(($1 - 1))]} p routes bad
	routes=$(kernel_routes)
	for p in $SOAK_ACCEPTED; do
		grep -q "^$p " <<<"$routes" ||
		    { why="$p has no route: [$(echo $routes)]"; return 1; }
	done
	bad=$(awk -v nh="$nh" 'NR == FNR { if ($2 == "group") g[$1] = $3; next }
	    !($3 in g) || g[$3] != nh { print $1 "/" $2 "/" $3 }' \
	    <(kernel_nexthops) <(echo "$routes"))
	[ -z "$bad" ] || { why="not all into tunnel $1 alone: [$(echo $bad)] nexthops [$(kernel_nexthops | tr '\n' ' ')]"; return 1; }
	kernel_is_rib
}

# no_routes: no session up: no route of ours, no path in the RIB.
no_routes() {
	[ -z "$(kernel_routes)" ] || { why="routes left: [$(kernel_routes | tr '\n' ' ')]"; return 1; }
	[ "$(rib_json | jq '[.routes[].paths[]] | length')" = 0 ] || { why="RIB still has paths"; return 1; }
	kernel_is_rib
}

both_up() { t_bird_established tun1 && t_bird_established tun2; }
alive() { lab_pid_alive "$daemon" || { why="vtibgpd (pid $daemon) is gone"; return 1; }; }
foreign_same() {
	local now
	now=$(soak_foreign)
	[ "$now" = "$SOAK_FOREIGN" ] && return 0
	why="routes or nexthops of others changed: $(diff <(jq -c '.[]' <<<"$SOAK_FOREIGN") \
	    <(jq -c '.[]' <<<"$now") | grep '^[<>]' | tr '\n' ' ')"
	return 1
}

# converge [SECS]: wait until both sessions are up and the steady state
# holds, then check that nothing of others changed and vtibgpd lives.
converge() {
	alive || return 1
	swait "${1:-40}" both_up || { why="BIRD sessions not both Established"; return 1; }
	swait "${1:-40}" steady || return 1
	foreign_same && alive
}

# save_state: the kernel's and the RIB's state, for the report of a
# failure (taken before the lab is repaired).
saved=""
save_state() {
	saved=$(echo "# kernel routes:"; kernel_routes | sed 's/^/#   /'
	    echo "# kernel nexthops:"; kernel_nexthops | sed 's/^/#   /'
	    echo "# RIB:"; rib_json | jq -c '.routes[] | {prefix, paths: [.paths[] |
		{interface, best, standby}], kernel: [.kernel[] | {metric, nexthop_group}]}' |
		sed 's/^/#   /')
}

# ---- the faults -----------------------------------------------------------------
flap() {	# N: carrier loss on tunnel N, then back
	lab_link_down "$1"
	swait 10 one_tunnel $((3 - $1)) ||
	    { why="carrier loss of tunnel $1: $why"; save_state; lab_link_up "$1"; return 1; }
	# the kernel flushed the dead tunnel's nexthop: it stays away (its
	# group may live on, pointing at the survivor, when the probes saw
	# the loss before the link did)
	[ -z "$(kernel_nexthops | awk -v a="${SOAK_NH[$1 - 1]}" '$1 == a')" ] ||
	    { why="nexthop of tunnel $1 recreated while its link is down"; save_state; lab_link_up "$1"; return 1; }
	lab_link_up "$1"
	converge
}

soak_drops=0
drop() {	# N: silent loss of tunnel N (the probes see it), then back;
		# every second time its carrier goes too while it is dead
	soak_drops=$((soak_drops + 1))
	lab_drop "$1"
	swait 10 one_tunnel $((3 - $1)) ||
	    { why="drop of tunnel $1: $why"; save_state; lab_undrop "$1"; return 1; }
	[ "$(ctl -j show neighbor "vti$(($1 - 1))" | jq -r '.neighbors[0].probe.state')" = down ] ||
	    { why="drop of tunnel $1: the probes do not say down"; save_state; lab_undrop "$1"; return 1; }
	if [ $((soak_drops % 2)) = 0 ]; then
		lab_link_down "$1"
		sleep 0.5
		swait 10 one_tunnel $((3 - $1)) || { why="drop then carrier loss of tunnel $1: $why"
		    save_state; lab_link_up "$1"; lab_undrop "$1"; return 1; }
		lab_link_up "$1"
	fi
	lab_undrop "$1"
	converge 60
}

bird_restart() {
	lab_bird_stop
	swait 10 no_routes || { why="BIRD stopped: $why"; save_state; lab_bird_start 2>/dev/null; return 1; }
	lab_bird_start 2>/dev/null || { why="BIRD did not start"; return 1; }
	converge
}

drill() {	# vtibgpctl drill failover --hold 1: passed, from vti0 to vti1
	local out rc last
	out=$(ctl -j drill failover --hold 1 2>&1)
	rc=$?
	last=$(tail -n 1 <<<"$out")
	[ "$rc" = 0 ] || { why="drill exit $rc: $last"; return 1; }
	[ "$(jq -r '.result.outcome' <<<"$last")" = DRILL_PASSED ] || { why="drill: $last"; return 1; }
	[ "$(jq -r '"\(.result.from_interface) \(.result.to_interface)"' <<<"$last")" = "vti0 vti1" ] ||
	    { why="drill not from vti0 to vti1: $last"; return 1; }
	[ "$(jq -r '[.result.steps[].ok] | all' <<<"$last")" = true ] ||
	    { why="a drill step failed: $last"; return 1; }
	converge
}

reload() {	# SIGHUP-equivalent over the socket; nothing changes
	ctl reload >/dev/null || { why="vtibgpctl reload failed"; return 1; }
	converge
}

soak_kills=0
kill9() {	# kill -9, routes stay in the kernel, restart, converge
	local before after
	soak_kills=$((soak_kills + 1))
	before="$(kernel_routes) $(kernel_nexthops)"
	kill -KILL "$daemon"
	lab_wait 5 lab_pid_dead "$daemon" || { why="SIGKILL did not kill $daemon"; return 1; }
	wait "$daemon" 2>/dev/null
	after="$(kernel_routes) $(kernel_nexthops)"
	[ "$before" = "$after" ] || { why="our routes changed when vtibgpd was killed"; return 1; }
	foreign_same || return 1
	soak_spawn
	converge 60 || return 1
	# the new run found the 8 routes and kept them all at convergence
	swait 30 eval '[ "$(grep -c "converged: 0 stale routes of an earlier run removed, 8 kept" "$log")" -ge "$soak_kills" ]' ||
	    { why="no 'converged: 0 stale routes ... 8 kept' after restart $soak_kills"; return 1; }
}

# ---- rounds ------------------------------------------------------------------------
soak_failed=0
declare -A soak_n=() soak_ms=()

# round FAULT [ARG]: run one fault and its checks: one TAP line.  After a
# failure, the state is printed and the lab repaired (both tunnels up).
round() {
	local t0 t1 n
	why="" saved=""
	n=$(( ${soak_n[$1]:-0} + 1 ))
	soak_n[$1]=$n
	t0=$(lab_now_us)
	if "$@"; then
		t1=$(lab_now_us)
		soak_ms[$1]=$(( ${soak_ms[$1]:-0} + (t1 - t0) / 1000 ))
		t_ok "$1 $n${2:+ (tunnel $2)}: converged, kernel = RIB, others untouched, alive ($(( (t1 - t0) / 1000 )) ms)"
		return 0
	fi
	t_fail "$1 $n${2:+ (tunnel $2)}: $why"
	soak_failed=$((soak_failed + 1))
	[ -n "$saved" ] || save_state
	printf '%s\n' "$saved"
	lab_undrop 1; lab_undrop 2; lab_link_up 1; lab_link_up 2
	lab_bird_pid >/dev/null || lab_bird_start 2>/dev/null
	lab_pid_alive "$daemon" || soak_spawn
	swait 60 eval 'steady && foreign_same'
	return 1
}

# soak_times: time per fault type, of the rounds that passed.
soak_times() {
	local f
	for f in flap drop bird_restart drill reload kill9; do
		[ -n "${soak_n[$f]:-}" ] || continue
		echo "# $f: ${soak_n[$f]} rounds, $(( ${soak_ms[$f]:-0} / ${soak_n[$f]} )) ms each"
	done
}

sanitizer_clean() {
	! grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$log"
}
