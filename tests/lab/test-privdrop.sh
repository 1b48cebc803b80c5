#!/bin/bash
# SPDX-License-Identifier: ISC
# test-privdrop.sh: `user nobody` in the config.  After start vtibgpd runs
# as nobody with CAP_NET_ADMIN, CAP_NET_RAW and CAP_NET_BIND_SERVICE only
# (effective, permitted and bounding sets), and keeps working: sessions,
# routes, failover on carrier loss, probes, reload, a drill, clean exit.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
t_need_lab jq
id nobody >/dev/null 2>&1 || { echo "1..0 # SKIP no user nobody"; exit 77; }

export T_PREF2=90
# LeakSanitizer stops the world with ptrace, which a process that changed
# its uid refuses (it is no longer dumpable, on purpose); leaks are
# checked by every other lab test.
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0"
T_NETWORKS=172.100.0.0/16
lab_up || { t_fail "lab_up"; t_done; }
PROBE='probe { interval 200ms misses 3 }'
t_start_vtibgpd "$PROBE" "$PROBE"
sed -i 's/^local-as .*/&\nuser nobody/' "$conf"
# reloads read the file as nobody: the lab directory must be searchable
chmod o+x "$LAB_DIR"
kill -TERM "$daemon"; lab_wait 10 lab_pid_dead "$daemon"
lab_spawn cgw "$VTIBGPD" -d -f "$conf" -s "$LAB_DIR/ctl.sock" 2>"$log"
daemon=$LAB_SPAWN_PID
ctl() { "$VTIBGPCTL" -s "$LAB_DIR/ctl.sock" "$@"; }
both_up() { t_bird_established tun1 && t_bird_established tun2; }
# route_dev: the nexthop the route of ours that forwards 10.10.0.0/16 (the
# lowest metric) leads to
route_dev() {
	local nh
	nh=$(lab_exec cgw ip -j route show table main proto bgp | jq -r '[.[] | select(.dst == "10.10.0.0/16")] | sort_by(.metric) | .[0].nhid // empty')
	[ -n "$nh" ] || return 1
	lab_exec cgw ip -j nexthop show id "$nh" | jq -r '.[0].group[0].id // .[0].id'
}

t_check "both sessions reach Established" lab_wait 20 both_up
t_check "it logs the drop" lab_wait 5 grep -q 'running as nobody (uid 65534, gid 65534) with CAP_NET_ADMIN, CAP_NET_RAW and CAP_NET_BIND_SERVICE only' "$log"
status=/proc/$daemon/status
t_eq "real, effective, saved uid: nobody" "65534 65534 65534 65534" "$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "$status")"
t_eq "gid: nogroup" "65534 65534 65534 65534" "$(awk '/^Gid:/ { print $2, $3, $4, $5 }' "$status")"
t_eq "effective capabilities: NET_BIND_SERVICE, NET_ADMIN, NET_RAW" 0000000000003400 "$(awk '/^CapEff:/ { print $2 }' "$status")"
t_eq "permitted: the same" 0000000000003400 "$(awk '/^CapPrm:/ { print $2 }' "$status")"
t_eq "bounding set: the same" 0000000000003400 "$(awk '/^CapBnd:/ { print $2 }' "$status")"
t_eq "no new privileges" 1 "$(awk '/^NoNewPrivs:/ { print $2 }' "$status")"
t_check "10.10.0.0/16 installed on tunnel 1" lab_wait 10 eval '[ "$(route_dev)" = $((0x76740001)) ]'
t_check "the probes work (raw socket kept)" lab_wait 5 eval \
    '[ "$(ctl -j show neighbor vti0 | jq -r .neighbors[0].probe.state)" = up ]'
lab_link_down 1
t_check "carrier loss: the route moves to tunnel 2" lab_wait 5 eval '[ "$(route_dev)" = $((0x76740002)) ]'
lab_link_up 1
t_check "and comes back" lab_wait 20 eval '[ "$(route_dev)" = $((0x76740001)) ]'
lab_drop 1
t_check "silent loss: the probes move it (netlink kept)" lab_wait 5 eval '[ "$(route_dev)" = $((0x76740002)) ]'
lab_undrop 1
t_check "and it comes back" lab_wait 30 eval '[ "$(route_dev)" = $((0x76740001)) ]'
sed -i 's/^network .*/&\nnetwork 172.100.77.0\/24/' "$conf"
t_check "reload works as nobody" ctl reload
t_check "the new network reaches the VGW" lab_wait 10 eval \
    '[ "$(lab_exec vgw ip -j route show exact 172.100.77.0/24 | jq length)" = 1 ]'
t_check "a drill passes as nobody" ctl drill failover --hold 1
kill -TERM "$daemon"
t_check "the daemon exits on SIGTERM" lab_wait 10 lab_pid_dead "$daemon"
t_eq "and removed its routes" "" "$(lab_exec cgw ip -j route show table all proto bgp | jq -r '.[].dst')"
t_check "no sanitizer report" eval '! grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$log"'
if [ "$t_failed" -gt 0 ]; then
	echo "# --- vtibgpd log"; sed 's/^/# /' "$log" | tail -60
fi
t_done
