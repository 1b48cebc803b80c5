#!/bin/bash
# SPDX-License-Identifier: ISC
# test-soak.sh: fault soak, bounded in count and in time.  One vtibgpd
# (probes on both tunnels, tunnel 1 preferred) lives through
# carrier flaps alternating between the tunnels, BIRD restarts, silent
# drops (nftables, seen by the probes) and failover drills, interleaved;
# then it is killed with SIGKILL and restarted a number of times.  After
# each fault (and in the middle of flaps, drops and BIRD restarts) the
# checker of soak.sh waits, bounded, for convergence and requires that
# the kernel is exactly what the RIB says, that nothing of ours is left
# over, that the routes and nexthops of others are unchanged and that
# the daemon lives.  Memory: VmRSS and open fds of the soaked process
# after the first round of each fault type and at the end: RSS within
# 10% (+ 512 KiB; skipped for an ASan build), fds no more.
#
# Sizes (environment): SOAK_FLAPS (10), SOAK_BIRD_RESTARTS (3),
# SOAK_DROPS (3), SOAK_DRILLS (3), SOAK_KILLS (3); SOAK_TIMEOUT (seconds,
# from the sizes) bounds the whole soak.  The full size:
#   SOAK_FULL=1 make check TESTS=tests/lab/test-soak.sh
# = 200 carrier flaps, 50 BIRD restarts, 20 drops, 20 drills, 20 kill -9.
# SOAK_KEEP_GOING=1 goes on after a failed round (default: stop).
set -u
. "${top_srcdir:-.}/tests/lib.sh"
t_need_lab jq
. "$top_srcdir/tests/lab/soak.sh"

if [ "${SOAK_FULL:-0}" = 1 ]; then
	: "${SOAK_FLAPS:=200}" "${SOAK_BIRD_RESTARTS:=50}" "${SOAK_KILLS:=20}"
	: "${SOAK_DROPS:=20}" "${SOAK_DRILLS:=20}"
fi
: "${SOAK_FLAPS:=10}" "${SOAK_BIRD_RESTARTS:=3}" "${SOAK_KILLS:=3}"
: "${SOAK_DROPS:=3}" "${SOAK_DRILLS:=3}"
: "${SOAK_TIMEOUT:=$((120 + 20 * SOAK_FLAPS + 30 * SOAK_BIRD_RESTARTS + \
    40 * SOAK_KILLS + 40 * SOAK_DROPS + 30 * SOAK_DRILLS))}"
echo "# soak: $SOAK_FLAPS flaps, $SOAK_BIRD_RESTARTS BIRD restarts," \
    "$SOAK_DROPS drops, $SOAK_DRILLS drills, $SOAK_KILLS kill -9;" \
    "bounded to $SOAK_TIMEOUT s"

soak_lab_env
lab_up || { t_fail "lab_up"; t_done; }
soak_start=$(lab_now_us)
deadline=$(( soak_start + SOAK_TIMEOUT * 1000000 ))
soak_foreign_setup

# ASan's allocator (quarantine, redzones, per-size caches) grows the RSS
# with churn whatever the program does (+20% over the full soak, while a
# build without sanitizers stays within 3%): the RSS bound is checked on
# builds without ASan only; the fds, LeakSanitizer and test-valgrind.sh
# cover the ASan build.
soak_asan=false
grep -qa __asan_init "$VTIBGPD" && soak_asan=true
t_start_vtibgpd "$SOAK_PROBE" "$SOAK_PROBE"

rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$daemon/status"; }
nfds() { ls "/proc/$daemon/fd" | wc -l; }
# stop_now: after a failed round (unless SOAK_KEEP_GOING=1) or past the
# deadline.
stop_now() {
	[ "$soak_failed" -gt 0 ] && [ "${SOAK_KEEP_GOING:-0}" != 1 ] && return 0
	[ "$(lab_now_us)" -lt "$deadline" ] && return 1
	t_fail "the soak did not finish within SOAK_TIMEOUT=$SOAK_TIMEOUT s"
	soak_failed=$((soak_failed + 1))
	return 0
}

if converge 40; then
	t_ok "both sessions up, the steady state reached (first convergence)"
else
	t_fail "first convergence: $why"
	soak_failed=1
fi

# the fault types and how many of each are left
declare -A left=([flap]=$SOAK_FLAPS [bird]=$SOAK_BIRD_RESTARTS
    [drop]=$SOAK_DROPS [drill]=$SOAK_DRILLS)
declare -A total=([flap]=$SOAK_FLAPS [bird]=$SOAK_BIRD_RESTARTS
    [drop]=$SOAK_DROPS [drill]=$SOAK_DRILLS)
flap_tun=1 drop_tun=1
next() {
	left[$1]=$(( ${left[$1]} - 1 ))
	case "$1" in
	flap) round flap $flap_tun; flap_tun=$((3 - flap_tun)) ;;
	drop) round drop $drop_tun; drop_tun=$((3 - drop_tun)) ;;
	bird) round bird_restart ;;
	drill) round drill ;;
	esac
}

# warm-up: the first round of each fault type (flaps: one per tunnel)
for f in flap flap bird drop drill; do
	stop_now && break
	[ "${left[$f]}" -gt 0 ] && next $f
done
rss_warm=$(rss) fds_warm=$(nfds)
echo "# after warm-up: VmRSS $rss_warm KiB, $fds_warm open fds (pid $daemon)"

# the rest, interleaved: each time the type with the largest share left
while ! stop_now; do
	best="" best_share=0
	for f in flap bird drop drill; do
		[ "${left[$f]}" -gt 0 ] || continue
		share=$(( ${left[$f]} * 1000000 / ${total[$f]} ))
		[ "$share" -gt "$best_share" ] && best=$f best_share=$share
	done
	[ -n "$best" ] || break
	next "$best"
done

if alive; then
	rss_end=$(rss) fds_end=$(nfds)
	echo "# after the soak: VmRSS $rss_end KiB (after warm-up $rss_warm KiB)," \
	    "$fds_end open fds (after warm-up $fds_warm), pid $daemon"
	limit=$(( rss_warm + rss_warm / 10 + 512 ))
	if $soak_asan; then
		t_ok "memory: VmRSS $rss_end KiB, warm-up $rss_warm KiB # SKIP ASan build: measure RSS without sanitizers"
	else
		t_check "memory is stable: VmRSS $rss_end KiB <= $limit KiB (warm-up $rss_warm + 10% + 512)" \
		    test "$rss_end" -le "$limit"
	fi
	t_check "no fd leak: $fds_end open fds, $fds_warm after warm-up" test "$fds_end" -le "$fds_warm"
	# the soaked process exits cleanly (and LeakSanitizer looks at it)
	kill -TERM "$daemon"
	t_check "the soaked daemon exits on SIGTERM" lab_wait 10 lab_pid_dead "$daemon"
	wait "$daemon" 2>/dev/null
	t_check "SIGTERM removed our routes and nexthops" eval '[ -z "$(kernel_routes)$(kernel_nexthops)" ]'
	foreign_same && t_ok "and nothing of others" || t_fail "SIGTERM: $why"
	soak_spawn
	converge 40 && t_ok "a new daemon converges" || t_fail "a new daemon: $why"
else
	t_fail "vtibgpd died during the soak"
	soak_spawn
fi

# kill -9 last: the RSS comparison above is of one process
for ((k = 1; k <= SOAK_KILLS; k++)); do
	stop_now && break
	round kill9
done

foreign_same && t_ok "routes of others untouched at the end" || t_fail "at the end: $why"
kill -TERM "$daemon"
t_check "the daemon exits on SIGTERM" lab_wait 10 lab_pid_dead "$daemon"
t_check "no route or nexthop of ours is left" eval '[ -z "$(kernel_routes)$(kernel_nexthops)" ]'
t_check "no sanitizer report" sanitizer_clean
soak_times
echo "# soak total: $(( ($(lab_now_us) - soak_start) / 1000000 )) s"
if [ "$t_failed" -gt 0 ]; then
	echo "# --- vtibgpd log"; sed 's/^/# /' "$log" | tail -100
	echo "# --- bird log"; sed 's/^/# /' "$LAB_DIR/bird.log" | tail -30
fi
t_done
