#!/bin/bash
# SPDX-License-Identifier: ISC
# test-cmdline.sh: the daemon's and the client's command line, `vtibgpd -n`
# on the sample and on every file of tests/conf/, and a running daemon's
# reaction to SIGHUP (good and bad file) and SIGTERM.
set -u
. "${top_srcdir:-.}/tests/lib.sh"

tmp=$(mktemp -d /tmp/vtb-cmdline.XXXXXX)
daemon_pid=
cleanup() {
	[ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# --- version and usage -----------------------------------------------------
out=$("$VTIBGPD" -V); rc=$?
t_eq "vtibgpd -V exits 0" 0 "$rc"
t_check "vtibgpd -V prints the version" grep -qE '^vtibgpd [0-9]+\.[0-9]+\.[0-9]+$' <<<"$out"
"$VTIBGPD" -x 2>"$tmp/err"; rc=$?
t_eq "unknown option exits 2" 2 "$rc"
t_check "unknown option prints usage" grep -q '^usage: vtibgpd' "$tmp/err"
"$VTIBGPD" -n extra 2>/dev/null; rc=$?
t_eq "extra argument exits 2" 2 "$rc"
for h in -h --help; do
	"$VTIBGPD" $h >"$tmp/out" 2>"$tmp/err"; rc=$?
	t_eq "vtibgpd $h exits 0" 0 "$rc"
	t_check "vtibgpd $h prints the usage on stdout, nothing on stderr" eval \
	    'grep -q "^usage: vtibgpd" "$tmp/out" && [ ! -s "$tmp/err" ]'
done
out=$("$VTIBGPD" --version); rc=$?
t_eq "vtibgpd --version exits 0" 0 "$rc"
t_check "vtibgpd --version prints the version" grep -qE '^vtibgpd [0-9]+\.[0-9]+\.[0-9]+$' <<<"$out"
"$VTIBGPD" --bogus 2>"$tmp/err"; rc=$?
t_eq "an unknown long option exits 2" 2 "$rc"

# --- -n on the sample --------------------------------------------------------
cp "$top_srcdir/doc/vtibgpd.conf.sample" "$tmp/sample.conf"
chmod 644 "$tmp/sample.conf"

# --- trust, as sshd's StrictModes: owner and directories -------------------
if [ "$(id -u)" = 0 ]; then
	mkdir -m 755 "$tmp/etc"
	cp "$tmp/sample.conf" "$tmp/etc/vtibgpd.conf"
	chown 65534 "$tmp/etc/vtibgpd.conf"
	"$VTIBGPD" -n -f "$tmp/etc/vtibgpd.conf" 2>"$tmp/err"; rc=$?
	t_eq "a file owned by another user exits 1" 1 "$rc"
	t_eq "and -n names the fix" "$tmp/etc/vtibgpd.conf: owned by uid 65534 (nobody), not by root or the configured user: refused, fix with chown root $tmp/etc/vtibgpd.conf" "$(cat "$tmp/err")"
	chown 0 "$tmp/etc/vtibgpd.conf"
	chmod 777 "$tmp/etc"
	"$VTIBGPD" -n -f "$tmp/etc/vtibgpd.conf" 2>"$tmp/err"; rc=$?
	t_eq "a file in a world-writable directory exits 1" 1 "$rc"
	t_eq "and -n names the fix" "$tmp/etc/vtibgpd.conf: directory $tmp/etc is writable by group or others (mode 777): refused, fix with chmod go-w $tmp/etc" "$(cat "$tmp/err")"
	chmod 755 "$tmp/etc"
	"$VTIBGPD" -n -f "$tmp/etc/vtibgpd.conf" 2>"$tmp/err"; rc=$?
	t_eq "owned by root, directory 755: valid" 0 "$rc"
fi
"$VTIBGPD" -n -f "$tmp/sample.conf" 2>"$tmp/err"; rc=$?
t_eq "the sample config is valid" 0 "$rc"
t_eq "the sample config has no warning" "" "$(cat "$tmp/err")"

# --- -n on each invalid file: exit 1 and FILE:LINE:COL: message -----------
nbad=0
for f in "$top_srcdir"/tests/conf/bad/*.conf; do
	[ -e "$f" ] || continue
	nbad=$((nbad + 1))
	cp "$f" "$tmp/bad.conf"
	chmod 644 "$tmp/bad.conf"
	want="$tmp/bad.conf:$(head -n 1 "$f" | sed 's/^# expect: //')"
	"$VTIBGPD" -n -f "$tmp/bad.conf" 2>"$tmp/err"; rc=$?
	t_eq "$(basename "$f") exits 1" 1 "$rc"
	t_eq "$(basename "$f") message" "$want" "$(cat "$tmp/err")"
done
t_check "there are invalid samples" test "$nbad" -ge 10

for f in "$top_srcdir"/tests/conf/good/*.conf; do
	[ -e "$f" ] || continue
	cp "$f" "$tmp/good.conf"
	chmod 644 "$tmp/good.conf"
	"$VTIBGPD" -n -f "$tmp/good.conf" 2>"$tmp/err"; rc=$?
	t_eq "$(basename "$f") is valid" 0 "$rc"
done

"$VTIBGPD" -n -f "$tmp/nonexistent.conf" 2>"$tmp/err"; rc=$?
t_eq "a missing file exits 1" 1 "$rc"
t_eq "a missing file is named" "$tmp/nonexistent.conf: No such file or directory" "$(cat "$tmp/err")"
chmod 666 "$tmp/sample.conf"
"$VTIBGPD" -n -f "$tmp/sample.conf" 2>"$tmp/err"; rc=$?
t_eq "a world-writable file exits 1" 1 "$rc"
t_check "a world-writable file is refused with a reason" grep -q 'writable by group or others' "$tmp/err"
chmod 644 "$tmp/sample.conf"

# --- a running daemon: reload and stop ------------------------------------
# It runs in a network namespace of its own (unshare -n): its BGP listener
# and connection attempts stay there.
if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null; then
	[ "${CI:-}" = true ] && t_fail "the daemon tests need root and unshare"
	t_done
fi
log="$tmp/daemon.log"
unshare -n "$VTIBGPD" -d -f "$tmp/sample.conf" -s "$tmp/sock" 2>"$log" &
daemon_pid=$!
t_check "the daemon starts" t_wait 10 grep -q 'running: 2 neighbor' "$log"

# a valid change: one neighbor less
sed '/^neighbor 169.254.249.61/,$d' "$tmp/sample.conf" >"$tmp/new.conf"
chmod 644 "$tmp/new.conf"
cp "$tmp/new.conf" "$tmp/sample.conf"
kill -HUP "$daemon_pid"
t_check "SIGHUP with a valid file reloads it" t_wait 10 grep -q 'configuration reloaded: 1 neighbor' "$log"

# an invalid file is refused and the daemon keeps running
printf 'router-id 1.2.3.4\nlocal-as 65000\nbogus 1\n' >"$tmp/sample.conf"
kill -HUP "$daemon_pid"
t_check "SIGHUP with an invalid file keeps the running config" t_wait 10 grep -q \
    "reload failed, keeping the running configuration: $tmp/sample.conf:3:1: unknown key 'bogus'" "$log"
t_check "the daemon survives a bad reload" kill -0 "$daemon_pid"

kill -TERM "$daemon_pid"
rc=
for _ in $(seq 50); do
	if ! kill -0 "$daemon_pid" 2>/dev/null; then
		wait "$daemon_pid"; rc=$?
		break
	fi
	sleep 0.1
done
daemon_pid=
t_eq "SIGTERM stops the daemon with status 0" 0 "$rc"
t_check "SIGTERM is logged" grep -q 'SIGTERM: shutting down' "$log"
t_check "no sanitizer report" eval '! grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$log"'

# --- vtibgpctl exit codes ---------------------------------------------------
"$VTIBGPCTL" 2>/dev/null; rc=$?
t_eq "vtibgpctl without a command exits 2" 2 "$rc"
"$VTIBGPCTL" show nonsense 2>/dev/null; rc=$?
t_eq "vtibgpctl with an unknown command exits 2" 2 "$rc"
"$VTIBGPCTL" -s "$tmp/no.sock" show summary 2>"$tmp/err"; rc=$?
t_eq "vtibgpctl without a daemon exits 3" 3 "$rc"
t_check "vtibgpctl says the daemon is not reachable" grep -q "not reachable at $tmp/no.sock" "$tmp/err"

t_done
