#!/bin/bash
# SPDX-License-Identifier: ISC
# test-notify.sh: the systemd notify protocol (sd_notify) of a real vtibgpd
# started as the unit starts it (no -d, NOTIFY_SOCKET set): a Python
# datagram socket stands in for systemd and records what arrives.  READY=1
# only once the control socket exists; RELOADING=1 then READY=1 with a
# STATUS on SIGHUP, naming the error of a bad file; STOPPING=1 on SIGTERM.
# Also: an abstract socket name ('@'), and a socket that cannot be reached
# (the daemon runs on and warns once).  Each daemon runs in a network
# namespace of its own (unshare -n), with the sample config whose tunnel
# interfaces do not exist there.
set -u
. "${top_srcdir:-.}/tests/lib.sh"

[ "$(id -u)" = 0 ] || t_skip_or_fail "needs root (unshare -n)"
command -v unshare >/dev/null || t_skip_or_fail "unshare not found"
command -v python3 >/dev/null || t_skip_or_fail "python3 not found"

tmp=$(mktemp -d /tmp/vtb-notify.XXXXXX)
pids=
cleanup() {
	local p
	for p in $pids; do kill "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT

# The stand-in for systemd: one line per datagram, its lines joined by
# '|', preceded by 1 if the control socket (argv 3) existed on arrival.
cat >"$tmp/recv.py" <<'PY'
import os, socket, stat, sys, time
addr, out, ctl = sys.argv[1], sys.argv[2], sys.argv[3]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("\0" + addr[1:] if addr.startswith("@") else addr)
s.settimeout(1.0)
with open(out + ".tmp", "w"):
    pass
os.rename(out + ".tmp", out)            # the log exists: we are listening
deadline = time.monotonic() + 120
while time.monotonic() < deadline:
    try:
        msg = s.recv(4096).decode()
    except socket.timeout:
        continue
    try:
        up = int(stat.S_ISSOCK(os.stat(ctl).st_mode))
    except OSError:
        up = 0
    with open(out, "a") as f:
        f.write("%d %s\n" % (up, msg.replace("\n", "|")))
PY

# start_receiver ADDR LOG CTL [WRAPPER...]: start recv.py, wait until it listens.
start_receiver() {
	python3 "$tmp/recv.py" "$1" "$2" "$3" &
	pids="$pids $!"
	t_wait 10 test -e "$2"
}

cp "$top_srcdir/doc/vtibgpd.conf.sample" "$tmp/vtibgpd.conf"
chmod 644 "$tmp/vtibgpd.conf"
nlog="$tmp/notify.log"
ctl="$tmp/ctl.sock"

# --- start: READY=1 after the control socket ---------------------------
t_check "the stand-in for systemd listens" \
    start_receiver "$tmp/notify.sock" "$nlog" "$ctl"
NOTIFY_SOCKET="$tmp/notify.sock" unshare -n "$VTIBGPD" \
    -f "$tmp/vtibgpd.conf" -s "$ctl" 2>"$tmp/err" &
daemon=$!
pids="$pids $daemon"
t_check "READY=1 arrives" t_wait 10 grep -q 'READY=1' "$nlog"
t_eq "the first message is READY=1 with a STATUS" \
    "1 READY=1|STATUS=running: 2 neighbor(s)" "$(head -n 1 "$nlog")"
t_check "the control socket existed when READY=1 arrived" \
    grep -q '^1 READY=1' "$nlog"
t_check "the daemon stayed in the foreground (same PID)" kill -0 "$daemon"

# --- SIGHUP with a valid file ----------------------------------------
sed '/^neighbor 169.254.249.61/,$d' "$tmp/vtibgpd.conf" >"$tmp/new.conf"
chmod 644 "$tmp/new.conf"
cp "$tmp/new.conf" "$tmp/vtibgpd.conf"
kill -HUP "$daemon"
t_check "SIGHUP: READY=1 again" t_wait 10 grep -q 'configuration reloaded' "$nlog"
t_check "SIGHUP: RELOADING=1 with MONOTONIC_USEC first" \
    grep -qE '^1 RELOADING=1\|MONOTONIC_USEC=[0-9]+$' <(sed -n 2p "$nlog")
t_eq "SIGHUP: then READY=1 and the new status" \
    "1 READY=1|STATUS=running: 1 neighbor(s), configuration reloaded" \
    "$(sed -n 3p "$nlog")"

# --- SIGHUP with an invalid file --------------------------------------
printf 'router-id 1.2.3.4\nlocal-as 65000\nbogus 1\n' >"$tmp/vtibgpd.conf"
kill -HUP "$daemon"
t_check "bad SIGHUP: READY=1 again" t_wait 10 grep -q 'reload failed' "$nlog"
t_check "bad SIGHUP: RELOADING=1 first" grep -q '^1 RELOADING=1' <(sed -n 4p "$nlog")
t_eq "bad SIGHUP: the STATUS names the error" \
    "1 READY=1|STATUS=reload failed, running configuration kept: $tmp/vtibgpd.conf:3:1: unknown key 'bogus'" \
    "$(sed -n 5p "$nlog")"
t_check "the daemon survives the bad reload" kill -0 "$daemon"

# --- SIGTERM -------------------------------------------------------------
kill -TERM "$daemon"
rc=
for _ in $(seq 100); do
	if ! kill -0 "$daemon" 2>/dev/null; then
		wait "$daemon"; rc=$?
		break
	fi
	sleep 0.1
done
t_eq "SIGTERM: exit status 0" 0 "$rc"
t_check "SIGTERM: STOPPING=1 arrives" t_wait 5 grep -q 'STOPPING=1' "$nlog"
t_eq "SIGTERM: STOPPING=1 is the last message" \
    "STOPPING=1|STATUS=shutting down" "$(tail -n 1 "$nlog" | cut -d' ' -f2-)"
t_eq "six messages in all" 6 "$(wc -l <"$nlog")"
t_check "no sanitizer report" eval '! grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$tmp/err"'

# --- an abstract socket name ('@'): same network namespace as the daemon --
cp "$tmp/new.conf" "$tmp/vtibgpd.conf"
alog="$tmp/abstract.log"
name="@vtb-notify-$$"
unshare -n bash -c 'python3 "$1" "$2" "$3" "$4" &
	echo $! >"$3.pid"
	for _ in $(seq 100); do [ -e "$3" ] && break; sleep 0.1; done
	NOTIFY_SOCKET=$2 exec "$5" -f "$6" -s "$4"' _ \
    "$tmp/recv.py" "$name" "$alog" "$tmp/ctl2.sock" "$VTIBGPD" \
    "$tmp/vtibgpd.conf" 2>"$tmp/err2" &
daemon=$!
pids="$pids $daemon"
t_check "abstract name: READY=1 arrives" t_wait 10 grep -qs 'READY=1' "$alog"
kill -TERM "$daemon"
t_check "abstract name: STOPPING=1 arrives" t_wait 10 grep -qs 'STOPPING=1' "$alog"
wait "$daemon" 2>/dev/null
t_wait 5 test -s "$alog.pid" && pids="$pids $(cat "$alog.pid")"

# --- no service manager to reach: the daemon runs on, one warning ---------
log="$tmp/daemon.log"
NOTIFY_SOCKET="$tmp/nobody/there.sock" unshare -n "$VTIBGPD" -d \
    -f "$tmp/vtibgpd.conf" -s "$tmp/ctl3.sock" 2>"$log" &
daemon=$!
pids="$pids $daemon"
t_check "unreachable NOTIFY_SOCKET: the daemon starts" \
    t_wait 10 grep -q 'running: 1 neighbor' "$log"
kill -HUP "$daemon"
t_wait 10 grep -q 'configuration reloaded' "$log"
t_check "unreachable NOTIFY_SOCKET: it keeps running" kill -0 "$daemon"
t_eq "unreachable NOTIFY_SOCKET: warned once" 1 "$(grep -c 'sd_notify:' "$log")"
t_check "the warning names the socket" \
    grep -q "sd_notify: $tmp/nobody/there.sock: No such file or directory" "$log"
kill -TERM "$daemon"
wait "$daemon"; rc=$?
t_eq "unreachable NOTIFY_SOCKET: SIGTERM exits 0" 0 "$rc"
t_check "no sanitizer report" eval '! grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$log" "$tmp/err2"'
t_done
