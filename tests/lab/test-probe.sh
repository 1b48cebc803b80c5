#!/bin/bash
# SPDX-License-Identifier: ISC
# test-probe.sh: liveness probes and return steering.  The VGW (BIRD)
# keeps a dead tunnel's routes until its hold timer (12 s here), as AWS
# does for 30 s.  With `probe { interval 200ms misses 3 }` a silent drop
# on tunnel 1 (nftables, the link stays up) must: take session 1 down and
# move our routes to tunnel 2 well before the hold timer; announce the
# halves of 172.100.0.0/16 on tunnel 2 so that the VPC's return traffic
# follows at once; not retry tunnel 1 while it stays dead; come back when
# the drop is lifted; withdraw the halves once tunnel 1 was stable for a
# hold time.  `return-steering off` announces no halves.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
t_need_lab jq

export LAB_HOLD=12 LAB_KEEPALIVE=4 T_PREF2=90
T_HOLD=12 T_KEEPALIVE=4
# connect-retry 3 s: the quick retries after a held session closed must
# show against it
T_RETRY=3
PROBE='probe { interval 200ms misses 3 }'
lab_up || { t_fail "lab_up"; t_done; }
t_start_vtibgpd "$PROBE" "$PROBE"
ctl() { "$VTIBGPCTL" -s "$LAB_DIR/ctl.sock" "$@"; }

both_up() { t_bird_established tun1 && t_bird_established tun2; }
# vgw_route PREFIX: the VGW kernel's route to PREFIX as "dev gateway".
vgw_route() {
	lab_exec vgw ip -j route show exact "$1" | jq -r '.[0] | "\(.dev) \(.gateway)"'
}
halves_on_tun2() {
	[ "$(vgw_route 172.100.0.0/17)" = "vti1 169.254.249.62" ] &&
	    [ "$(vgw_route 172.100.128.0/17)" = "vti1 169.254.249.62" ]
}
no_halves() {
	[ "$(lab_exec vgw ip -j route show exact 172.100.0.0/17 | jq length)" = 0 ] &&
	    [ "$(lab_exec vgw ip -j route show exact 172.100.128.0/17 | jq length)" = 0 ]
}
probe_json() { ctl -j show neighbor "$1" | jq -r ".neighbors[0].probe.$2"; }
# max_gap FILE: the longest time in ms between two replies in `ping -D`
# output (how long the path was broken).
max_gap() {
	awk -F'[][]' '/bytes from/ { t = $2 * 1000; if (last && t - last > m) m = t - last; last = t }
	    END { printf "%d\n", m }' "$1"
}

t_check "both sessions reach Established" lab_wait 20 both_up
t_check "10.10.0.0/16 is installed on tunnel 1" lab_wait 10 via_tunnel 1 10.10.0.0/16
t_check "the probes of tunnel 1 get answers" lab_wait 5 eval \
    '[ "$(probe_json vti0 state)" = up ]'
t_check "with a round-trip time" test "$(probe_json vti0 rtt_us)" -gt 0
t_check "show neighbor prints the probe" eval 'ctl show neighbor vti0 | grep -q "Probe every 200ms, down after 3 misses: up"'
t_check "metrics carry the probe verdict" eval \
    'ctl metrics | grep -q "^vtibgp_probe_up{neighbor=\"169.254.249.57\",interface=\"vti0\"} 1"'
t_check "the VGW sends return traffic into tunnel 1 (shortest AS_PATH)" \
    lab_wait 10 eval '[ "$(vgw_route 172.100.0.0/16)" = "vti0 169.254.249.58" ]'
t_check "no halves are announced while all is well" no_halves

# --- silent loss of tunnel 1 ---------------------------------------------------
ctl watch >"$LAB_DIR/watch.txt" 2>&1 &
watcher=$!
lab_exec vpc ping -D -i 0.01 -c 500 -W 1 172.100.0.10 >"$LAB_DIR/ping-ret.txt" 2>&1 &
pinger=$!
lab_exec lan ping -D -i 0.01 -c 500 -W 1 10.10.0.10 >"$LAB_DIR/ping-fwd.txt" 2>&1 &
pinger2=$!
sleep 1
t0=$(lab_now_us)
lab_drop 1
t_check "the probes move tunnel 1's traffic to tunnel 2 before the hold timer" \
    lab_wait 6 eval '[ "$(group_members $G0)" = "$NH1" ]'
t1=$(lab_now_us)
echo "# silent loss to group rewritten (polled): $(( (t1 - t0) / 1000 )) ms"
t_check "session 1 went down because of the probes" grep -q \
    'liveness probes lost on vti0: session down at once' "$log"
t_check "the halves of 172.100.0.0/16 reach the VGW on tunnel 2" lab_wait 3 halves_on_tun2
t2=$(lab_now_us)
echo "# silent loss to halves in the VGW's kernel (polled): $(( (t2 - t0) / 1000 )) ms"
t_eq "the VGW itself still routes the /16 into dead tunnel 1" \
    "vti0 169.254.249.58" "$(vgw_route 172.100.0.0/16)"
wait "$pinger" "$pinger2"
gap=$(max_gap "$LAB_DIR/ping-ret.txt")
gap2=$(max_gap "$LAB_DIR/ping-fwd.txt")
echo "# longest gap in replies: return path (vpc -> lan) $gap ms, forward path (lan -> vpc) $gap2 ms"
# The issue's figure is "within a second"; the bound is looser because the
# build machines are shared (doc/benchmarks.md has the measurement).
t_check "return traffic is answered again quickly (gap $gap ms)" test "$gap" -lt 2000
t_check "forward traffic too (gap $gap2 ms)" test "$gap2" -lt 2000
t_eq "show neighbor: the probes say dead" down "$(probe_json vti0 state)"
t_eq "show neighbor: tunnel 2 steers the return path" true \
    "$(ctl -j show neighbor vti1 | jq -r '.neighbors[0].steering')"
t_check "show summary marks both" eval 'ctl show summary | grep -q "(Probe)" && ctl show summary | grep -q "(Steering)"'
t_check "metrics: probe verdict 0 and steering 1" eval \
    'm=$(ctl metrics); echo "$m" | grep -q "^vtibgp_probe_up{neighbor=\"169.254.249.57\",interface=\"vti0\"} 0" &&
     echo "$m" | grep -q "^vtibgp_return_steering{neighbor=\"169.254.249.61\",interface=\"vti1\"} 1"'
t_check "watch reported the probe verdict" grep -q 'probes lost: tunnel dead' "$LAB_DIR/watch.txt"
t_check "and the return steering" grep -q 'return steering: halves' "$LAB_DIR/watch.txt"

# --- no flapping while the tunnel stays dead ------------------------------------
attempts=$(ctl -j show neighbor vti0 | jq -r '.neighbors[0].counters.connect_attempts')
sleep 5
t_eq "no connection attempt on tunnel 1 while its probes fail" "$attempts" \
    "$(ctl -j show neighbor vti0 | jq -r '.neighbors[0].counters.connect_attempts')"
t_eq "session 1 stays down, one flap" 1 "$(ctl -j show neighbor vti0 | jq -r '.neighbors[0].counters.flaps')"
t_check "the probes keep going" test "$(probe_json vti0 lost)" -gt 20

# --- recovery ----------------------------------------------------------------------
t0=$(lab_now_us)
lab_undrop 1
t_check "tunnel 1 comes back after the drop" lab_wait 30 t_bird_established tun1
t_check "and carries the traffic again" lab_wait 10 via_tunnel 1 10.10.0.0/16
t1=$(lab_now_us)
echo "# drop lifted to routes back on tunnel 1: $(( (t1 - t0) / 1000 )) ms"
# The VGW announces on tunnel 1 the halves it learned on tunnel 2, with
# our AS in the AS_PATH: loops, kept out, and no obstacle to a drill.
loop_on_vti0() {
	[ "$(ctl -j show routes "$1" | jq -r '.routes[0].paths[] |
	    select(.interface == "vti0") | .rejected')" = "AS_PATH loop (own AS 65000)" ]
}
t_check "tunnel 1 brings our halves back, refused as AS_PATH loops" lab_wait 5 eval \
    'loop_on_vti0 172.100.0.0/17 && loop_on_vti0 172.100.128.0/17'
ctl drill failover --from vti0 --hold 1 >"$LAB_DIR/drill.txt" 2>&1
rc=$?
sed 's/^/# /' "$LAB_DIR/drill.txt"
t_eq "a drill right after the recovery passes" 0 "$rc"
t_check "its preflight counts the accepted paths only" grep -q \
    'ok   preflight: vti0 and vti1 Established; vti1 has a path for all 1 prefixes of vti0' \
    "$LAB_DIR/drill.txt"
t_check "tunnel 1 carries the traffic after the drill" lab_wait 10 via_tunnel 1 10.10.0.0/16
t_check "the halves are withdrawn after tunnel 1 was stable for a hold time" \
    lab_wait 30 no_halves
t2=$(lab_now_us)
echo "# drop lifted to halves withdrawn: $(( (t2 - t0) / 1000 )) ms"
t_check "not before the hold time (12 s)" test $(( (t2 - t0) / 1000 )) -ge 12000
t_check "the VGW routes the /16 into tunnel 1 again" lab_wait 10 eval \
    '[ "$(vgw_route 172.100.0.0/16)" = "vti0 169.254.249.58" ]'
kill "$watcher" 2>/dev/null
wait "$watcher" 2>/dev/null

# --- return-steering off --------------------------------------------------------------
sed -i 's/^router-id .*/&\nreturn-steering off/' "$conf"
t_check "reload with return-steering off" ctl reload
lab_drop 1
t_check "with steering off the probes still move the traffic" \
    lab_wait 6 eval '[ "$(group_members $G0)" = "$NH1" ]'
sleep 2
t_check "but no halves are announced" no_halves
lab_undrop 1
t_check "tunnel 1 comes back" lab_wait 30 t_bird_established tun1
t_check "and carries the traffic" lab_wait 10 via_tunnel 1 10.10.0.0/16

# --- a drop shorter than the VGW's hold time ---------------------------------
# The VGW still holds the old session when the tunnel returns; vtibgpd
# kept that session's socket and closes it then, so the VGW hears of it
# at once instead of at its hold timer (or TCP's back-off).
mark=$(wc -l <"$LAB_DIR/bird.log")
lab_drop 1
t_check "a second silent drop moves the traffic again" \
    lab_wait 6 eval '[ "$(group_members $G0)" = "$NH1" ]'
sleep 4
t_check "the VGW still thinks the session is up" t_bird_established tun1
t0=$(lab_now_us)
lab_undrop 1
t_check "when the tunnel answers again the VGW gets our Cease at once" \
    lab_wait 5 grep -q 'tun1: Received: Administrative reset: "tunnel was dead' "$LAB_DIR/bird.log"
t_check "and tunnel 1 carries the traffic again" lab_wait 10 via_tunnel 1 10.10.0.0/16
t1=$(lab_now_us)
echo "# short drop lifted to routes back on tunnel 1: $(( (t1 - t0) / 1000 )) ms"
# the new connection only once the VGW closed the old one (connecting at
# once races the Cease), then quick retries while the VGW is not ready
t_check "the new connection waited for the VGW to close the old session" \
    eval 'grep -q "closing the session lost with the tunnel: Cease/Administrative Reset sent" "$log" &&
    grep -q "the peer closed the old session: connecting" "$log"'
# (the VGW refuses while BIRD waits out its error delay after the hold
# timer expiry above: the first retry comes 0.1 s later, not after 3 s)
t_check "a refused connection is retried within a second (connect-retry is 3 s)" eval \
    'awk "/the peer closed the old session: connecting/ { on = 1 }
    on && /169.254.249.57: OpenSent -> Active/ { split(\$2, a, \":\"); r = a[1] * 3600 + a[2] * 60 + a[3] }
    on && r && /169.254.249.57: Active -> Connect/ { split(\$2, a, \":\"); n = a[1] * 3600 + a[2] * 60 + a[3]; exit }
    END { exit !(r && n && n - r < 1.0) }" "$log"'
t_check "well before the VGW's hold timer would have let the old session go" \
    test $(( (t1 - t0) / 1000 )) -lt 7000
t_check "the VGW's hold timer did not expire meanwhile" eval \
    '! tail -n +$((mark + 1)) "$LAB_DIR/bird.log" | grep -q "tun1: Error: Hold timer expired"'

# --- the probes fail while BGP still gets through --------------------------
# Only ICMP dropped on tunnel 1: the probes call it dead, and the VGW,
# which sees nothing wrong, connects again.  Its connection is refused as
# ours are not made: a session over a tunnel the probes call dead would
# take the traffic back into it, and a drop then would go unnoticed until
# the hold timer.
vgw_if=$(lab_tunnel_if 1)
lab_exec vgw nft -f - <<EOF
table inet vtbicmp {
	chain input {
		type filter hook input priority -210; policy accept;
		iifname "$vgw_if" meta l4proto icmp drop
	}
	chain output {
		type filter hook output priority -210; policy accept;
		oifname "$vgw_if" meta l4proto icmp drop
	}
}
EOF
t_check "ICMP dropped on tunnel 1: the probes call it dead" lab_wait 5 eval \
    '[ "$(probe_json vti0 state)" = down ]'
t_check "the traffic leaves tunnel 1" \
    lab_wait 5 eval '[ "$(group_members $G0)" = "$NH1" ]'
lab_birdc restart tun1 >/dev/null
t_check "the VGW's new connection is refused" lab_wait 10 grep -q \
    'connection from 169.254.249.57 closed: the liveness probes say its tunnel is dead' \
    "$log"
sleep 3
t_check "session 1 stays down while the probes fail" eval \
    '[ "$(ctl -j show neighbor vti0 | jq -r ".neighbors[0].state")" != ESTABLISHED ]'
t_eq "the traffic stays on tunnel 2" "$NH1" "$(group_members $G0)"
lab_exec vgw nft delete table inet vtbicmp
t_check "ICMP back: session 1 comes back" lab_wait 30 t_bird_established tun1
t_check "and carries the traffic again" lab_wait 10 via_tunnel 1 10.10.0.0/16

kill -TERM "$daemon"
t_check "the daemon exits on SIGTERM" lab_wait 10 lab_pid_dead "$daemon"
t_check "no sanitizer report" eval '! grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$log"'
if [ "$t_failed" -gt 0 ]; then
	echo "# --- vtibgpd log"; sed 's/^/# /' "$log" | tail -80
	echo "# --- watch"; sed 's/^/# /' "$LAB_DIR/watch.txt" | tail -30
fi
t_done
