#!/bin/bash
# SPDX-License-Identifier: ISC
# test-drill.sh: failover drills end to end against the BIRD VGW pair.
# A drill passes (text and JSON), moves every route to tunnel 2 and back
# as the kernel shows, and the VPC host answers through tunnel 2 during
# it; BIRD gets our Administrative Shutdown "failover drill"; a drill
# aborted by Ctrl-C or by the client dying, or whose backup dies,
# restores tunnel 1; one drill at a time; a drill is refused when the
# backup lacks a prefix; show drills lists them all.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
t_need_lab jq

export T_PREF2=90 LAB_EXTRA_STATIC="10.10.1.0/24 10.10.2.0/24 10.10.9.0/24"
lab_up || { t_fail "lab_up"; t_done; }
t_start_vtibgpd
ctl() { "$VTIBGPCTL" -s "$LAB_DIR/ctl.sock" "$@"; }

# on_tunnel N: every primary route of ours forwards into tunnel N.
on_tunnel() {
	local want=$((0x76740000 + $1)) nh members n=0
	for nh in $(lab_exec cgw ip -j route show table main proto bgp | jq -r '.[] | select(.metric == 20) | .nhid'); do
		members=$(lab_exec cgw ip -j nexthop show id "$nh" | jq -r '[.[0].group[]?.id] | join(" ")')
		[ -z "$members" ] && members=$nh
		[ "$members" = "$want" ] || return 1
		n=$((n + 1))
	done
	[ "$n" -eq 4 ]
}
both_up() { t_bird_established tun1 && t_bird_established tun2; }
vti0_state() { ctl -j show neighbor vti0 | jq -r '.neighbors[0].state'; }
vti0_admin() { [ "$(ctl -j show neighbor vti0 | jq -r '.neighbors[0].admin_down')" = true ]; }

t_check "both sessions reach Established" lab_wait 20 both_up
t_check "all 4 prefixes forward into tunnel 1" lab_wait 10 on_tunnel 1

# --- a drill end to end (text) ----------------------------------------------
"$VTIBGPCTL" -s "$LAB_DIR/ctl.sock" drill failover --from vti0 --probe 10.10.0.10 --hold 3 >"$LAB_DIR/drill1.txt" 2>&1 &
drill=$!
t_check "during the drill every route forwards into tunnel 2" lab_wait 5 on_tunnel 2
t_check "BIRD got our Administrative Shutdown" lab_wait 5 grep -qi 'Received: Administrative shutdown' "$LAB_DIR/bird.log"
t_check "with the drill's message (RFC 8203)" lab_wait 5 grep -q 'failover drill' "$LAB_DIR/bird.log"
wait "$drill"
rc=$?
sed 's/^/# /' "$LAB_DIR/drill1.txt"
t_eq "the drill exits 0" 0 "$rc"
for s in "ok   preflight" "ok   probe before the drill" "ok   take out of service" \
    "ok   traffic on the backup" "ok   probe through the backup" "ok   hold" \
    "ok   put back in service" "ok   traffic back" "Drill 1 passed"; do
	t_check "the report has: $s" grep -q "$s" "$LAB_DIR/drill1.txt"
done
t_check "the backup carried all 4 primary routes" grep -q '4 of 4 primary routes forward into vti1, none into vti0' "$LAB_DIR/drill1.txt"
t_check "the drill's probes log the drill and the interface of the answer" eval \
    'grep -q "drill 1: probe: 10.10.0.10 answers on vti0 (rtt" "$log" &&
     grep -q "drill 1: probe: 10.10.0.10 answers on vti1 (rtt" "$log"'
t_check "and no line names a fake neighbor" eval '! grep -q "neighbor drill" "$log"'
t_check "after the drill all routes forward into tunnel 1 again" lab_wait 10 on_tunnel 1
t_eq "tunnel 1's session is Established again" ESTABLISHED "$(vti0_state)"

# --- JSON ------------------------------------------------------------------------
ctl -j drill failover --hold 1 >"$LAB_DIR/drill2.json" 2>&1
rc=$?
t_eq "a JSON drill exits 0" 0 "$rc"
last=$(tail -n 1 "$LAB_DIR/drill2.json")
t_eq "its last line is the result: passed" DRILL_PASSED "$(jq -r '.result.outcome' <<<"$last")"
t_eq "from the best tunnel (no --from): vti0" vti0 "$(jq -r '.result.from_interface' <<<"$last")"
t_eq "to vti1" vti1 "$(jq -r '.result.to_interface' <<<"$last")"
t_check "failover time in microseconds" test "$(jq -r '.result.failover_us' <<<"$last")" -gt 0
t_check "failback time too" test "$(jq -r '.result.failback_us' <<<"$last")" -gt 0
t_eq "steps, all ok" "true true true true true true" \
    "$(jq -r '[.result.steps[].ok] | map(tostring) | join(" ")' <<<"$last")"
t_eq "one JSON line per step before it" 7 "$(wc -l <"$LAB_DIR/drill2.json")"
t_check "routes back on tunnel 1" lab_wait 10 on_tunnel 1

# --- one at a time; aborted with Ctrl-C -------------------------------------------
"$VTIBGPCTL" -s "$LAB_DIR/ctl.sock" drill failover --hold 60 >"$LAB_DIR/drill3.txt" 2>&1 &
drill=$!
t_check "drill 3 takes tunnel 1 out" lab_wait 5 vti0_admin
out=$(ctl drill failover --hold 5 2>&1)
rc=$?
t_eq "a second drill meanwhile is refused (exit 1)" 1 "$rc"
t_check "and says why" grep -q "drill 3 is running" <<<"$out"
kill -INT "$drill"
wait "$drill"
t_eq "Ctrl-C: vtibgpctl exits 1" 1 "$?"
t_check "Ctrl-C: tunnel 1 is back in service" lab_wait 5 eval '! vti0_admin'
t_check "and its session Established" lab_wait 20 t_bird_established tun1
t_check "and the routes on tunnel 1" lab_wait 10 on_tunnel 1
t_check "show drills: drill 3 aborted" lab_wait 5 eval \
    '[ "$(ctl -j show drills | jq -r ".drills[2].outcome")" = DRILL_ABORTED ]'

# --- the client dies (kill -9) ------------------------------------------------------
"$VTIBGPCTL" -s "$LAB_DIR/ctl.sock" drill failover --hold 60 >/dev/null 2>&1 &
drill=$!
t_check "drill 4 takes tunnel 1 out" lab_wait 5 vti0_admin
kill -KILL "$drill"
wait "$drill" 2>/dev/null
t_check "the client killed: tunnel 1 back in service" lab_wait 5 eval '! vti0_admin'
t_check "routes back on tunnel 1" lab_wait 20 on_tunnel 1
t_eq "drill 4 aborted" DRILL_ABORTED "$(ctl -j show drills | jq -r '.drills[3].outcome')"

# --- the backup dies during the drill -------------------------------------------------
"$VTIBGPCTL" -s "$LAB_DIR/ctl.sock" drill failover --hold 60 >"$LAB_DIR/drill5.txt" 2>&1 &
drill=$!
t_check "drill 5 moves the traffic to tunnel 2" lab_wait 5 on_tunnel 2
lab_link_down 2
wait "$drill"
t_eq "the drill fails (exit 1) when the backup dies" 1 "$?"
t_check "it says so" grep -q 'the backup vti1 went down during the drill' "$LAB_DIR/drill5.txt"
t_check "tunnel 1 is back in service at once" lab_wait 20 t_bird_established tun1
lab_link_up 2
t_check "tunnel 2 returns" lab_wait 20 t_bird_established tun2
t_check "routes on tunnel 1" lab_wait 10 on_tunnel 1

# --- refused: the backup lacks a prefix ----------------------------------------------
LAB_ONLY_TUN1=10.10.9.0/24 lab_bird_reconfigure >/dev/null
t_check "tunnel 2 withdraws 10.10.9.0/24" lab_wait 10 eval \
    '[ "$(ctl -j show routes 10.10.9.0/24 | jq -r "[.routes[0].paths[]?] | length")" = 1 ]'
flaps=$(ctl -j show neighbor vti0 | jq -r '.neighbors[0].counters.flaps')
out=$(ctl drill failover --hold 1 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
t_eq "the drill is refused (exit 1)" 1 "$rc"
t_check "naming the missing prefix" grep -q 'vti1 has no path for 1 of the 4 prefixes that vti0 carries (10.10.9.0/24 first)' <<<"$out"
t_eq "and tunnel 1 was not touched" "$flaps" "$(ctl -j show neighbor vti0 | jq -r '.neighbors[0].counters.flaps')"
t_eq "show drills lists 6 drills" "passed passed aborted aborted failed failed" \
    "$(ctl -j show drills | jq -r '[.drills[].outcome | ascii_downcase | sub("drill_"; "")] | join(" ")')"
t_check "show drills (text)" eval 'ctl show drills | grep -q "^   1 .* vti0 .*vti1 .*10.10.0.10 .*passed"'

kill -TERM "$daemon"
t_check "the daemon exits on SIGTERM" lab_wait 10 lab_pid_dead "$daemon"
t_check "no sanitizer report" eval '! grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$log"'
if [ "$t_failed" -gt 0 ]; then
	echo "# --- vtibgpd log"; sed 's/^/# /' "$log" | tail -100
fi
t_done
