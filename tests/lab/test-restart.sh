#!/bin/bash
# SPDX-License-Identifier: ISC
# test-restart.sh: a crash and restart of vtibgpd (kill -9) loses no
# packet in either direction: our routes stay in the kernel while we are
# gone, BIRD (a graceful restart helper, as DESIGN.md expects of the peer)
# keeps routing to us, and after the new daemon has converged the routes
# that were not learned again are gone.  Routes of other protocols are
# never touched; SIGTERM removes ours.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
t_need_lab jq

export LAB_GR=aware LAB_EXTRA_PREFIXES=2
lab_up || { t_fail "lab_up"; t_done; }
lab_exec vgw ip route add 172.100.0.0/16 via 169.254.249.62 dev vti1 metric 4000
conf="$LAB_DIR/vtibgpd.conf"
log="$LAB_DIR/vtibgpd.log"
cat >"$conf" <<'CONF'
router-id 172.100.0.1
local-as 65000
network 172.100.0.0/16
graceful-restart 10s
defaults { connect-retry 1 }
import { allow 10.10.0.0/16 le 24  allow 10.128.0.0/16 le 24 }
neighbor 169.254.249.57 { interface vti0 remote-as 64512 }
neighbor 169.254.249.61 { interface vti1 remote-as 64512 preference 90 }
CONF
chmod 644 "$conf"
# a route of another protocol in the same table: never to be touched
lab_exec cgw ip route add blackhole 198.51.100.0/24 proto static metric 20

our_routes() {
	lab_exec cgw ip -j route show table all proto bgp |
	    jq -r '.[] | "\(.dst) \(.metric)"' | sort | tr '\n' ' '
}
static_there() {
	lab_exec cgw ip -j route show 198.51.100.0/24 proto static | jq -e 'length == 1' >/dev/null
}
both_up() { t_bird_established tun1 && t_bird_established tun2; }
want="10.10.0.0/16 20 10.10.0.0/16 21 10.128.0.0/24 20 10.128.0.0/24 21 10.128.1.0/24 20 10.128.1.0/24 21 "

lab_spawn cgw "$VTIBGPD" -d -f "$conf" -s "$LAB_DIR/ctl.sock" 2>"$log"
daemon=$LAB_SPAWN_PID
t_check "both sessions reach Established" lab_wait 20 both_up
t_check "three prefixes installed, each with a standby" lab_wait 10 eval '[ "$(our_routes)" = "$want" ]'
t_check "a first start claims no restart (no R bit)" eval \
    '! lab_birdc show protocols all tun1 | grep -q "Restart recovery"'

# pings both ways across the crash: lan -> vpc and vpc -> lan
lab_exec lan ping -i 0.01 -c 800 -W 1 10.10.0.10 >"$LAB_DIR/ping-out.txt" 2>&1 &
p1=$!
lab_exec vpc ping -i 0.01 -c 800 -W 1 172.100.0.10 >"$LAB_DIR/ping-in.txt" 2>&1 &
p2=$!
sleep 1
kill -KILL "$daemon"
lab_wait 5 lab_pid_dead "$daemon"
t_eq "our routes stay in the kernel while vtibgpd is gone" "$want" "$(our_routes)"
# while we are down, the VGW stops announcing 10.128.1.0/24
LAB_EXTRA_PREFIXES=1 lab_bird_reconfigure >/dev/null
sleep 1
lab_spawn cgw "$VTIBGPD" -d -f "$conf" -s "$LAB_DIR/ctl.sock" 2>>"$log"
daemon=$LAB_SPAWN_PID
wait "$p1" "$p2"
out=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$LAB_DIR/ping-out.txt")
in=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$LAB_DIR/ping-in.txt")
echo "# across the restart: lan->vpc $((800 - ${out:-0})) of 800 lost, vpc->lan $((800 - ${in:-0})) of 800 lost"
t_eq "no ping lost from the LAN to the VPC" 800 "${out:-0}"
t_eq "no ping lost from the VPC to the LAN" 800 "${in:-0}"
t_check "the new daemon reports the routes of the earlier run" \
    grep -q '6 routes of an earlier run keep forwarding' "$log"
t_check "both sessions are back" lab_wait 20 both_up
caps=$(lab_birdc show protocols all tun1)
t_check "our OPEN said we restarted (RFC 4724 R bit)" grep -q "Restart recovery" <<<"$caps"
t_check "and kept forwarding for IPv4 (F bit)" grep -q "AF preserved: ipv4" <<<"$caps"
t_check "BIRD treated it as a graceful restart" grep -q "tun1: Neighbor graceful restart done" "$LAB_DIR/bird.log"
t_check "after convergence the stale route is gone, the others stay" lab_wait 20 eval \
    '[ "$(our_routes)" = "10.10.0.0/16 20 10.10.0.0/16 21 10.128.0.0/24 20 10.128.0.0/24 21 " ]'
t_check "convergence removed exactly the two stale routes" \
    grep -q 'converged: 2 stale routes of an earlier run removed, 4 kept' "$log"
t_check "the route of another protocol is untouched" static_there

kill -TERM "$daemon"
t_check "the daemon exits on SIGTERM" lab_wait 10 lab_pid_dead "$daemon"
t_eq "SIGTERM removed our routes" "" "$(our_routes)"

# keep-routes-on-exit on: SIGTERM leaves them forwarding
printf 'kernel { keep-routes-on-exit on }\n' >>"$conf"
lab_spawn cgw "$VTIBGPD" -d -f "$conf" -s "$LAB_DIR/ctl.sock" 2>>"$log"
daemon=$LAB_SPAWN_PID
t_check "routes are installed again" lab_wait 20 eval '[ -n "$(our_routes)" ]'
kept=$(our_routes)
kill -TERM "$daemon"
t_check "the daemon exits" lab_wait 10 lab_pid_dead "$daemon"
t_eq "with keep-routes-on-exit the routes stay" "$kept" "$(our_routes)"
t_check "it says so" grep -q "keep-routes-on-exit: our routes stay in the kernel" "$log"
lab_exec cgw ip route flush proto bgp
t_check "the route of another protocol is still untouched" static_there
t_check "no sanitizer report" eval '! grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$log"'
if [ "$t_failed" -gt 0 ]; then
	echo "# --- vtibgpd log"; sed 's/^/# /' "$log" | tail -60
fi
t_done
