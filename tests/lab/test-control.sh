#!/bin/bash
# SPDX-License-Identifier: ISC
# test-control.sh: vtibgpctl against a running vtibgpd in the lab: show
# summary/neighbor/routes (text and -j), metrics, neighbor actions seen by
# BIRD on the wire, reload good and bad, and the access rule: anyone may
# read, only root or the control-group may act.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
t_need_lab jq setpriv promtool

lab_up || { t_fail "lab_up"; t_done; }
t_start_vtibgpd
sock="$LAB_DIR/ctl.sock"
ctl() { "$VTIBGPCTL" -s "$sock" "$@"; }
both_up() { t_bird_established tun1 && t_bird_established tun2; }
t_check "both sessions reach Established" lab_wait 20 both_up
t_check "the routes are in" lab_wait 10 eval \
    '[ "$(ctl -j show summary | jq .rib_prefixes)" = 1 ]'

out=$(ctl show summary); rc=$?
t_eq "show summary exits 0" 0 "$rc"
t_check "show summary lists both neighbors as Established" eval \
    '[ "$(grep -cE "169.254.249.(57|61) +vti[01] .*Established" <<<"$out")" = 2 ]'
json=$(ctl -j show summary)
t_eq "-j: neighbors by address" "169.254.249.57 169.254.249.61" \
    "$(jq -r '[.neighbors[].address] | join(" ")' <<<"$json")"
t_eq "-j: both ESTABLISHED" "ESTABLISHED ESTABLISHED" \
    "$(jq -r '[.neighbors[].state] | join(" ")' <<<"$json")"
t_eq "-j: the kernel uses nexthop objects" true "$(jq -r .kernel.nexthops <<<"$json")"

json=$(ctl -j show neighbor vti1)
t_eq "show neighbor by interface" 169.254.249.61 "$(jq -r '.neighbors[0].address' <<<"$json")"
t_eq "negotiated hold time (AWS's)" 30 "$(jq -r '.neighbors[0].timers.hold_negotiated_s' <<<"$json")"
t_eq "the peer's 4-octet AS capability" true "$(jq -r '.neighbors[0].caps_received.as4' <<<"$json")"
ctl show neighbor 1.2.3.4 >/dev/null 2>"$LAB_DIR/err"; rc=$?
t_eq "an unknown neighbor exits 1" 1 "$rc"

# (the standby follows the primary as the kernel has time)
lab_wait 5 eval '[ -n "$(route_nhid 10.10.0.0/16 21)" ]'
json=$(ctl -j show routes 10.10.0.0/16)
t_eq "show routes: two paths" 2 "$(jq '.routes[0].paths | length' <<<"$json")"
t_eq "show routes: AS_PATH of the path" 64512 "$(jq -r '.routes[0].paths[0].as_path' <<<"$json")"
t_eq "show routes: one best" 1 "$(jq '[.routes[0].paths[] | select(.best)] | length' <<<"$json")"
t_eq "show routes: primary and standby in the kernel" "20 21" \
    "$(jq -r '[.routes[0].kernel[].metric] | join(" ")' <<<"$json")"
t_eq "show routes by address finds the covering prefix" 10.10.0.0/16 \
    "$(ctl -j show routes 10.10.3.4 | jq -r '.routes[0].prefix')"
t_check "show routes prints text" eval 'ctl show routes | grep -q "10.10.0.0/16"'

metrics=$(ctl metrics)
t_check "metrics: session_up is 1 for both" eval \
    '[ "$(grep -c "^vtibgp_session_up{.*} 1$" <<<"$metrics")" = 2 ]'
t_eq "metrics: every sample has HELP and TYPE, lines are well formed" "" \
    "$(awk '/^# HELP /{h[$3]=1; next} /^# TYPE /{t[$3]=1; next}
	{ v = $NF; l = $0; sub(/ [^ ]+$/, "", l); n = l; sub(/\{.*/, "", n);
	  if (l !~ /^[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})?$/ ||
	      v !~ /^[0-9.e+-]+$/ || !h[n] || !t[n]) print }' <<<"$metrics")"

out=$(promtool check metrics <<<"$metrics" 2>&1); rc=$?
t_eq "promtool check metrics accepts the exposition" 0 "$rc"
[ "$rc" = 0 ] || echo "$out" | sed 's/^/# /'

# 200 clients at once: every one answered
pids=
for i in $(seq 200); do
	ctl -j show summary >"$LAB_DIR/many.$i" 2>&1 &
	pids="$pids $!"
done
# shellcheck disable=SC2086
wait $pids
ok=0
for i in $(seq 200); do
	jq -e '.neighbors | length == 2' "$LAB_DIR/many.$i" >/dev/null 2>&1 && ok=$((ok + 1))
done
t_eq "200 clients at once all answered" 200 "$ok"

# bad frames from raw clients: each gets an error or is closed, and the
# daemon goes on serving everyone else
rawsend() {
	perl -MSocket -MIO::Select -e '
		socket(my $s, PF_UNIX, SOCK_STREAM, 0) or die;
		connect($s, pack_sockaddr_un($ARGV[0])) or die "connect: $!";
		syswrite($s, pack("H*", $ARGV[1]));
		if (!IO::Select->new($s)->can_read(3)) { print "TIMEOUT\n"; exit 0 }
		print sysread($s, my $b, 4096) ? "ANSWER\n" : "CLOSED\n";' \
	    "$sock" "$1"
}
t_check "an oversized frame gets an error or a close" eval \
    '[[ "$(rawsend 000000000000000100200000)" =~ ^(ANSWER|CLOSED)$ ]]'
t_check "garbage after a valid header is refused" eval \
    '[[ "$(rawsend 0000000000000007000000050a03ffffff)" =~ ^(ANSWER|CLOSED)$ ]]'
t_check "an unknown method is refused" eval \
    '[[ "$(rawsend 000000630000000100000000)" =~ ^(ANSWER|CLOSED)$ ]]'
rawsend 0000 >/dev/null    # a truncated header, then the client goes
t_check "the daemon still serves other clients" eval \
    'ctl -j show summary | jq -e ".neighbors | length == 2" >/dev/null'

# watch: one line per event while the actions below run
ctl watch >"$LAB_DIR/watch.txt" 2>&1 &
watcher=$!
ctl -j watch >"$LAB_DIR/watch.json" 2>&1 &
watcher_j=$!
lab_record_pid "$watcher"
lab_record_pid "$watcher_j"
sleep 0.5

# actions
# (a connection collision at start may already have sent one Cease)
cease_sent() {
	ctl metrics | sed -n 's/^vtibgp_notifications_sent_total{neighbor="169.254.249.61",code="Cease"} //p'
}
ceases=$(cease_sent)
# a shutdown message with a terminal escape and a newline is refused,
# and none of it reaches the log or show neighbor
ctl neighbor vti1 shutdown $'evil\e[2J\nforged log line' >/dev/null 2>"$LAB_DIR/err"; rc=$?
t_eq "a shutdown message with control characters exits 1" 1 "$rc"
t_check "and says why" grep -q "NeighborAction.message: not printable UTF-8 (octet 0x1b at offset 4)" "$LAB_DIR/err"
t_check "the session stays up" t_bird_established tun2
t_check "nothing of it in the log" eval '! grep -q "forged log line" "$log"'
t_check "nor in show neighbor" eval \
    '! ctl -j show neighbor vti1 | grep -q "forged"'
ctl neighbor vti1 shutdown "planned maintenance" >/dev/null; rc=$?
t_check "metrics count the Cease sent" lab_wait 15 eval \
    '[ "$(cease_sent)" = $((ceases + 1)) ]'
t_eq "neighbor shutdown exits 0" 0 "$rc"
# (BIRD's log: its protocol status moves on to the refused reconnections)
t_check "BIRD received Administrative Shutdown" lab_wait 15 grep -qi \
    'tun2: Received: Administrative shutdown' "$LAB_DIR/bird.log"
t_check "the neighbor stays down" eval 'sleep 3; ! t_bird_established tun2'
t_eq "show neighbor says it was shut down" true \
    "$(ctl -j show neighbor vti1 | jq -r '.neighbors[0].admin_down')"
ctl neighbor vti1 enable >/dev/null
t_check "enable brings it back" lab_wait 20 t_bird_established tun2
ctl neighbor 169.254.249.57 reset >/dev/null; rc=$?
t_eq "reset exits 0" 0 "$rc"
t_check "BIRD received Administrative Reset" lab_wait 5 grep -qi \
    'tun1: Received: Administrative reset' "$LAB_DIR/bird.log"
t_check "the session comes back after a reset" lab_wait 20 t_bird_established tun1
ctl neighbor vti0 refresh >/dev/null; rc=$?
t_eq "refresh exits 0" 0 "$rc"
lab_wait 20 both_up
lab_wait 10 eval '[ "$(ctl -j show summary | jq .kernel.routes)" = 1 ]'
lab_exec cgw ip route del 10.10.0.0/16 metric 20 proto bgp

sleep 0.5
kill "$watcher" "$watcher_j"
w=$(cat "$LAB_DIR/watch.txt")
t_check "watch: the operator's shutdown" grep -q "169.254.249.61 (vti1): shut down by uid 0" <<<"$w"
t_check "watch: the state change with its reason" \
    grep -qE "169.254.249.61 .*Established -> Idle" <<<"$w"
t_check "watch: the failover and how long it took" \
    grep -qE "traffic of vti1 moved to vti0: one group rewrite, [0-9]+ us" <<<"$w"
t_check "watch: the session coming back" \
    grep -qE "169.254.249.61 .*OpenConfirm -> Established" <<<"$w"
t_check "watch: kernel programming (a deleted route put back)" \
    grep -q "10.10.0.0/16 metric 20 deleted by someone else: put back" <<<"$w"
t_check "watch: lines carry a timestamp" \
    grep -qE "^[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9:.]+ " <<<"$w"
t_check "watch -j: one JSON object per line, with kind and text" eval \
    'jq -e -s "length > 3 and all(.[]; has(\"kind\") and has(\"text\"))" "$LAB_DIR/watch.json" >/dev/null'

# reload: a bad file is refused with its position, the good one taken
cp "$conf" "$LAB_DIR/good.conf"
printf 'bogus 1\n' >>"$conf"
ctl reload 2>"$LAB_DIR/err"; rc=$?
t_eq "reload of a bad file exits 1" 1 "$rc"
t_check "and says where" grep -q "vtibgpd.conf:8:1: unknown key 'bogus'" "$LAB_DIR/err"
cp "$LAB_DIR/good.conf" "$conf"
ctl reload >/dev/null; rc=$?
t_eq "reload of the good file exits 0" 0 "$rc"

# access: nobody may read but not act (the socket is 0666; let nobody
# reach it in the lab's private directory)
chmod 711 "$LAB_DIR"
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$VTIBGPCTL" -s "$sock" show summary 2>&1); rc=$?
t_eq "an unprivileged user may read" 0 "$rc"
setpriv --reuid=65534 --regid=65534 --clear-groups "$VTIBGPCTL" -s "$sock" neighbor vti0 shutdown 2>"$LAB_DIR/err"; rc=$?
t_eq "an unprivileged user may not act" 1 "$rc"
t_check "and is told why" grep -qi "permission denied" "$LAB_DIR/err"
t_check "session 1 is still up" t_bird_established tun1

kill -TERM "$daemon"
t_check "the daemon exits" lab_wait 10 lab_pid_dead "$daemon"
t_check "the socket is removed" eval '[ ! -e "$sock" ]'
"$VTIBGPCTL" -s "$sock" show summary 2>/dev/null; rc=$?
t_eq "without the daemon vtibgpctl exits 3" 3 "$rc"
t_check "no sanitizer report" eval '! grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$log"'
if [ "$t_failed" -gt 0 ]; then
	echo "# --- vtibgpd log"; sed 's/^/# /' "$log" | tail -40
fi
t_done
