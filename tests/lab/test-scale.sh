#!/bin/bash
# SPDX-License-Identifier: ISC
# test-scale.sh: 10,000 prefixes (plus 10.10.0.0/16) from both tunnels:
# all installed with a standby, all moved by a carrier loss (the kernel's
# flush, nothing written), all back with standbys after recovery.  Counts
# and nexthop groups, not times.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
t_need_lab jq

N=10000
export LAB_EXTRA_PREFIXES=$N
lab_up || { t_fail "lab_up"; t_done; }
conf="$LAB_DIR/vtibgpd.conf"
log="$LAB_DIR/vtibgpd.log"
cat >"$conf" <<'CONF'
router-id 172.100.0.1
local-as 65000
network 172.100.0.0/16
defaults { connect-retry 1 }
import { allow 10.10.0.0/16 le 24  allow 10.128.0.0/9 le 24  max-prefix 20000 }
neighbor 169.254.249.57 { interface vti0 remote-as 64512 }
neighbor 169.254.249.61 { interface vti1 remote-as 64512 }
CONF
chmod 644 "$conf"
lab_spawn cgw "$VTIBGPD" -d -f "$conf" -s "$LAB_DIR/ctl.sock" 2>"$log"
daemon=$LAB_SPAWN_PID
G0=$((0x76740100)) G1=$((0x76740101))

# count METRIC NHID: our routes with that metric on that group
count() {
	lab_exec cgw ip -j route show table main proto bgp |
	    jq --argjson m "$1" --argjson g "$2" \
	    '[.[] | select(.metric == $m and .nhid == $g)] | length'
}
total() {
	lab_exec cgw ip -j route show table main proto bgp | jq length
}
both_up() { t_bird_established tun1 && t_bird_established tun2; }
t_check "both sessions reach Established" lab_wait 30 both_up
t_check "all $((N + 1)) prefixes installed with a standby" lab_wait 60 eval \
    '[ "$(total)" = $((2 * (N + 1))) ]'
t_check "primaries first, standbys as the kernel has time" grep -q \
    "start-up: primary routes first, standby routes follow" "$log"
t_check "all of them" lab_wait 30 grep -q "$((N + 1)) standby routes installed" "$log"
# Paths are equal down to MED: each prefix stays with the tunnel whose
# path came first (best longest), so both tunnels may carry some.
p0=$(count 20 $G0); p1=$(count 20 $G1); s0=$(count 21 $G0); s1=$(count 21 $G1)
echo "# primaries: $p0 on tunnel 1, $p1 on tunnel 2"
t_eq "every prefix has one primary" $((N + 1)) $((p0 + p1))
t_eq "and its standby on the other tunnel" "$p0 $p1" "$s1 $s0"

# the control socket stays usable: summary, and every route page by page
ctl() { "$VTIBGPCTL" -s "$LAB_DIR/ctl.sock" "$@"; }
t_eq "show summary counts them" $((N + 1)) "$(ctl -j show summary | jq .rib_prefixes)"
# (more than 1 MiB of routes: only pages of at most 5,000 can carry them)
start=$(date +%s%N)
ctl -j show routes >"$LAB_DIR/routes.json"
seen=$(jq '.routes | length' "$LAB_DIR/routes.json")
echo "# show routes: $seen prefixes in $(( ($(date +%s%N) - start) / 1000000 )) ms"
# ... and our own network, which the VGW announces back on the other
# tunnel with our AS in the AS_PATH: listed, refused as a loop
t_eq "show routes returns every prefix, page by page" $((N + 2)) "$seen"
t_eq "all but our own network accepted" $((N + 1)) "$(jq \
    '[.routes[] | select(any(.paths[]; .accepted))] | length' "$LAB_DIR/routes.json")"
t_eq "ours refused as a loop" "AS_PATH loop (own AS 65000)" "$(jq -r \
    '.routes[] | select(.prefix == "172.100.0.0/16") | .paths[].rejected' \
    "$LAB_DIR/routes.json")"

# carrier loss on tunnel 1: the kernel drops tunnel 1's group with the
# primaries on it; every prefix forwards on tunnel 2 at once (its primary
# there, or the standby there that took over); then tunnel 1's group
# comes back pointing at tunnel 2 and the primaries go back on it
lab_link_down 1
t_check "after carrier loss every prefix forwards into tunnel 2" lab_wait 60 eval \
    '[ "$(count 21 $G1)" = $p0 ] && [ "$(count 20 $G1)" = $p1 ] && [ "$(count 21 $G0)" = 0 ]'
t_check "tunnel 1's primaries come back on its group, pointing at tunnel 2" \
    lab_wait 30 eval '[ "$(count 20 $G0)" = $p0 ] && [ "$(group_members $G0)" = $NH1 ]'
t_eq "nothing else changed" "$p0 $p1 $((2 * p0 + p1))" "$(count 21 $G1) $(count 20 $G1) $(total)"
lab_link_up 1
t_check "tunnel 1 comes back" lab_wait 30 both_up
t_check "every prefix stays on tunnel 2 with its standby on tunnel 1" \
    lab_wait 60 eval '[ "$(count 21 $G0)" = $((N + 1)) ] && [ "$(count 20 $G1)" = $((N + 1)) ]'
t_check "no kernel error was logged" eval '! grep -q "kernel:" "$log"'
t_check "no sanitizer report" eval '! grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$log"'
kill -TERM "$daemon"
t_check "SIGTERM removes all $((2 * (N + 1))) routes" lab_wait 30 eval '[ "$(total)" = 0 ]'
if [ "$t_failed" -gt 0 ]; then
	echo "# --- vtibgpd log"; sed 's/^/# /' "$log" | tail -40
fi
t_done
