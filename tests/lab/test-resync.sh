#!/bin/bash
# SPDX-License-Identifier: ISC
# test-resync.sh: lost kernel notifications (ENOBUFS) are not ignored.
# vtibgpd is stopped (SIGSTOP) while one of its routes is deleted and a
# flood of route changes of another protocol overflows its notification
# socket; once it runs again it sees the loss, installs every route
# again, and the deleted route is back.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
t_need_lab jq

lab_up || { t_fail "lab_up"; t_done; }
t_start_vtibgpd
both_up() { t_bird_established tun1 && t_bird_established tun2; }
n_ours() {
	lab_exec cgw ip -j route show table main proto bgp | jq length
}
t_check "both sessions reach Established" lab_wait 20 both_up
t_check "primary and standby installed" lab_wait 10 eval '[ "$(n_ours)" = 2 ]'

kill -STOP "$daemon"
lab_exec cgw ip route del 10.10.0.0/16 metric 20 proto bgp
# 2 x 100,000 notifications of another protocol in another table
awk 'BEGIN { for (op = 0; op < 2; op++) for (i = 0; i < 100000; i++)
	printf "route %s blackhole 198.%d.%d.%d/32 table 100 proto static\n",
	    op ? "del" : "add", 18 + int(i / 65536), int(i / 256) % 256,
	    i % 256 }' >"$LAB_DIR/flood.batch"
lab_exec cgw ip -batch "$LAB_DIR/flood.batch"
kill -CONT "$daemon"
t_check "the lost notifications are noticed" lab_wait 20 grep -q 'notifications lost' "$log"
t_check "and every route is installed again" lab_wait 10 grep -q 'kernel: installing every route again' "$log"
t_check "the route deleted meanwhile is back" lab_wait 10 eval '[ "$(n_ours)" = 2 ]'
t_eq "nothing of the other protocol is left in table 100" 0 \
    "$(lab_exec cgw ip -j route show table 100 | jq length)"
t_check "the daemon is still running" lab_pid_alive "$daemon"
t_check "no sanitizer report" eval '! grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$log"'
if [ "$t_failed" -gt 0 ]; then
	echo "# --- vtibgpd log"; sed 's/^/# /' "$log" | tail -30
fi
t_done
