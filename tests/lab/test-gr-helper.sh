#!/bin/bash
# SPDX-License-Identifier: ISC
# test-gr-helper.sh: vtibgpd as a graceful restart receiver (RFC 4724).
# When the VGW emulator (BIRD, GR on, restart time 5 s) dies without a
# NOTIFICATION, a prefix that no other tunnel carries keeps forwarding
# (stale) until the peer's End-of-RIB or its restart time; where another
# tunnel has a path, the dead one's goes at once.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
t_need_lab jq

export LAB_GR=1 LAB_GR_TIME=5
lab_up || { t_fail "lab_up"; t_done; }
t_start_vtibgpd
both_up() { t_bird_established tun1 && t_bird_established tun2; }
# n_routes METRIC: how many of our routes for 10.10.0.0/16 at METRIC
n_routes() {
	lab_exec cgw ip -j route show 10.10.0.0/16 proto bgp |
	    jq --argjson m "$1" '[.[] | select(.metric == $m)] | length'
}
t_check "both sessions reach Established" lab_wait 20 both_up
t_check "primary and standby installed" lab_wait 10 eval \
    '[ "$(n_routes 20)" = 1 ] && [ "$(n_routes 21)" = 1 ]'

# BIRD dies without a NOTIFICATION and stays dead: kept 5 s, then gone
kill -KILL "$(lab_bird_pid)"
t_check "both sessions go down" lab_wait 10 eval \
    '[ "$(grep -c "Established -> Idle" "$log")" -ge 2 ]'
t_check "the prefix is kept as stale (no other tunnel has it)" \
    grep -q 'graceful restart (RFC 4724): 1 prefixes without another tunnel kept for up to 5s' "$log"
# BIRD's sessions close in the order its sockets do, mostly tunnel 1's
# first: the session lost first still had another tunnel with the path,
# which was dropped at once; the other's is kept.
first=$(sed -n 's/.*neighbor \([0-9.]*\): graceful restart (RFC 4724): 0 prefixes .*/\1/p' \
    "$log" | head -n 1)
case $first in
169.254.249.61)	lost=1 kept=0 ;;
*)		lost=0 kept=1 ;;
esac
g_lost=$((G0 + lost)) nh_kept=$((NH0 + kept))
sleep 2
t_eq "2 s later the primary route is still there" 1 "$(n_routes 20)"
t_eq "vti$lost, lost first, had its path dropped at once: vti$kept's is kept" \
    "vti$kept" \
    "$("$VTIBGPCTL" -s "$LAB_DIR/ctl.sock" -j show routes 10.10.0.0/16 |
    jq -r '[.routes[0].paths[].interface] | join(" ")')"
t_check "nothing forwards into vti$lost (its group points at vti$kept)" eval \
    '[ "$(group_members $g_lost)" = "$nh_kept" ] &&
    via_tunnel $((kept + 1)) 10.10.0.0/16'
t_check "after the restart time the stale route is withdrawn" lab_wait 10 eval \
    '[ "$(n_routes 20)" = 0 ]'

# BIRD back; dies again and comes back in time: End-of-RIB ends it
lab_bird_restart >/dev/null 2>&1 || t_fail "lab_bird_restart"
t_check "sessions come back" lab_wait 30 both_up
t_check "routes come back" lab_wait 10 eval '[ "$(n_routes 20)" = 1 ]'
kill -KILL "$(lab_bird_pid)"
lab_wait 10 eval '[ "$(grep -c "Established -> Idle" "$log")" -ge 4 ]'
lab_bird_restart >/dev/null 2>&1 || t_fail "lab_bird_restart"
t_eq "while BIRD restarts the route stays" 1 "$(n_routes 20)"
t_check "the End-of-RIB of the restarted peer ends the graceful restart" \
    lab_wait 30 grep -q 'graceful restart done: 0 stale prefixes not announced again are withdrawn' "$log"
t_check "the route is there, fresh, with its standby" lab_wait 10 eval \
    '[ "$(n_routes 20)" = 1 ] && [ "$(n_routes 21)" = 1 ]'
t_check "no sanitizer report" eval '! grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$log"'
if [ "$t_failed" -gt 0 ]; then
	echo "# --- vtibgpd log"; sed 's/^/# /' "$log" | tail -40
fi
t_done
