#!/bin/bash
# SPDX-License-Identifier: ISC
# test-valgrind.sh: a short fault soak with vtibgpd under valgrind
# memcheck: 3 carrier flaps alternating between the tunnels, a BIRD
# restart, a silent drop seen by the probes, a failover drill, a reload,
# the control socket's show commands and a watch client, each checked as
# in test-soak.sh (soak.sh); then SIGTERM.  valgrind must report no error
# (no invalid read or write, no use of uninitialised memory, no bad free)
# and no definitely or indirectly lost block.
#
# valgrind and ASan do not mix: when the vtibgpd under test was built with
# ASan, a copy of the source is configured without sanitizers and
# `make vtibgpd` is run in a temporary directory (or in
# VTB_VALGRIND_BUILD, kept for the next run).  VTB_VALGRIND=skip skips.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
if [ "${VTB_VALGRIND:-}" = skip ]; then
	echo "# skip: VTB_VALGRIND=skip"
	exit 77
fi
t_need_lab jq valgrind
. "$top_srcdir/tests/lab/soak.sh"

SOAK_WAIT_SCALE=3
soak_lab_env
lab_up || { t_fail "lab_up"; t_done; }

# ---- a vtibgpd without sanitizers --------------------------------------------
vg_bin="$VTIBGPD"
if grep -qa __asan_init "$VTIBGPD"; then
	vg_build="${VTB_VALGRIND_BUILD:-$LAB_DIR/build}"
	vg_bin="$vg_build/vtibgpd"
	if [ ! -x "$vg_bin" ] || grep -qa __asan_init "$vg_bin"; then
		echo "# $VTIBGPD uses ASan: building one without sanitizers in $vg_build"
		mkdir -p "$vg_build" &&
		tar -C "$top_srcdir" --exclude=./.git --exclude=./_build \
		    --exclude=./_inst --exclude='*.o' --exclude='*.a' -cf - . |
		    tar -C "$vg_build" -xf - &&
		chmod -R u+w "$vg_build" || t_skip_or_fail "cannot copy the source"
		(
			cd "$vg_build" || exit 1
			[ -f Makefile ] && make distclean >/dev/null 2>&1
			[ -x configure ] || autoreconf -fi >/dev/null 2>&1 || exit 1
			./configure --quiet >/dev/null && make -j2 vtibgpd >/dev/null
		) >"$LAB_DIR/build.log" 2>&1
		if [ ! -x "$vg_bin" ] || grep -qa __asan_init "$vg_bin"; then
			sed 's/^/# /' "$LAB_DIR/build.log" | tail -20
			t_fail "a vtibgpd without sanitizers could not be built"
			t_done
		fi
	fi
fi
echo "# under valgrind: $vg_bin"

# ---- the soak -------------------------------------------------------------------
t0=$(lab_now_us)
soak_foreign_setup
conf="$LAB_DIR/vtibgpd.conf"
log="$LAB_DIR/vtibgpd.log"
vglog="$LAB_DIR/valgrind.log"
t_vtibgpd_conf "$conf" "$SOAK_PROBE" "$SOAK_PROBE"
lab_spawn cgw valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect \
    --error-exitcode=99 --track-fds=no --num-callers=30 --log-file="$vglog" \
    "$vg_bin" -d -f "$conf" -s "$LAB_DIR/ctl.sock" 2>"$log"
daemon=$LAB_SPAWN_PID
soak_spawn() { t_fail "no restart under valgrind"; }

if converge 60; then
	t_ok "under valgrind: both sessions up, the steady state reached"
else
	t_fail "first convergence: $why"
fi
"$VTIBGPCTL" -s "$LAB_DIR/ctl.sock" watch >"$LAB_DIR/watch.txt" 2>&1 &
watcher=$!
for r in "flap 1" "flap 2" "flap 1" bird_restart "drop 1" drill reload; do
	# shellcheck disable=SC2086  # "flap 1" is a fault and its argument
	round $r
done
t_check "show summary" eval 'ctl show summary >/dev/null'
t_check "show neighbor" eval 'ctl -j show neighbor vti0 | jq -e ".neighbors[0].state == \"ESTABLISHED\"" >/dev/null'
t_check "show routes 10.10.1.1" eval 'ctl show routes 10.10.1.1 | grep -q 10.10.1.0/24'
t_check "show drills" eval 'ctl -j show drills | jq -e ".drills | length == 1" >/dev/null'
t_check "metrics" eval 'ctl metrics | grep -q "^vtibgp_"'
kill "$watcher" 2>/dev/null
wait "$watcher" 2>/dev/null
t_check "the watch client saw the events" grep -q 'probes lost' "$LAB_DIR/watch.txt"

kill -TERM "$daemon"
t_check "vtibgpd exits on SIGTERM (valgrind: 60 s)" lab_wait 60 lab_pid_dead "$daemon"
wait "$daemon"
rc=$?
t_check "no route or nexthop of ours is left" eval '[ -z "$(kernel_routes)$(kernel_nexthops)" ]'
foreign_same && t_ok "routes of others untouched" || t_fail "$why"
sed -n '/HEAP SUMMARY/,$p' "$vglog" | sed 's/^==[0-9]*== */# /' | grep -v '^# *$'
t_eq "valgrind's exit status (99: errors or leaks)" 0 "$rc"
t_check "valgrind: ERROR SUMMARY: 0 errors" grep -q 'ERROR SUMMARY: 0 errors from 0 contexts' "$vglog"
t_check "valgrind: nothing definitely or indirectly lost" eval \
    'grep -q "All heap blocks were freed" "$vglog" ||
     { grep -q "definitely lost: 0 bytes in 0 blocks" "$vglog" &&
       grep -q "indirectly lost: 0 bytes in 0 blocks" "$vglog"; }'
t_check "no invalid read or write" eval '! grep -qE "Invalid (read|write|free)|uninitialised|Mismatched free" "$vglog"'
soak_times
echo "# total under valgrind: $(( ($(lab_now_us) - t0) / 1000000 )) s"
if [ "$t_failed" -gt 0 ]; then
	echo "# --- valgrind"; sed 's/^/# /' "$vglog" | head -150
	echo "# --- vtibgpd log"; sed 's/^/# /' "$log" | tail -60
fi
t_done
