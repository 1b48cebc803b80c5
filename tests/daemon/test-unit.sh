#!/bin/bash
# SPDX-License-Identifier: ISC
# test-unit.sh: the systemd unit that make generates (doc/vtibgpd.service):
# every @dir@ substituted, `systemd-analyze verify` silent on it, the
# settings the daemon relies on, and the sandbox's exposure score.  Then
# the one sandbox exception that matters, tried on a real vtibgpd in a
# mount namespace laid out as systemd lays it out: /proc/sys read-only
# (ProtectKernelTunables=) with nexthop_compat_mode bound read-write again
# (ReadWritePaths=).  systemd itself is not running here: nothing starts
# the unit.
set -u
. "${top_srcdir:-.}/tests/lib.sh"

command -v systemd-analyze >/dev/null ||
    t_skip_or_fail "systemd-analyze not found (Debian package systemd)"

tmp=$(mktemp -d /tmp/vtb-unit.XXXXXX)
daemon=
cleanup() {
	[ -n "$daemon" ] && kill "$daemon" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

unit="$top_builddir/doc/vtibgpd.service"
t_check "make generated the unit" test -s "$unit"
t_check "no @variable@ is left in the unit" eval "! grep -q '@[a-z]*@' '$unit'"

# The configured sbindir, from ExecStart=; verify wants the binary there,
# so a copy of the unit points at the built one, and MANPATH at doc/.
exe=$(sed -n 's/^ExecStart=\([^ ]*\) .*/\1/p' "$unit")
t_check "ExecStart runs vtibgpd" test "$(basename "$exe")" = vtibgpd
mkdir -p "$tmp/man/man5" "$tmp/man/man8"
for p in vtibgpd.8 vtibgpctl.8; do ln -s "$(cd "$top_srcdir/doc" && pwd)/$p" "$tmp/man/man8/$p"; done
ln -s "$(cd "$top_srcdir/doc" && pwd)/vtibgpd.conf.5" "$tmp/man/man5/vtibgpd.conf.5"
built=$(cd "$top_builddir" && pwd)/vtibgpd
sed "s|$exe |$built |g" "$unit" >"$tmp/vtibgpd.service"
out=$(cd "$tmp" && MANPATH="$tmp/man" systemd-analyze verify "$tmp/vtibgpd.service" 2>&1); rc=$?
t_eq "systemd-analyze verify exits 0" 0 "$rc"
t_eq "systemd-analyze verify says nothing" "" "$out"
sed 's/^Type=notify/Type=notfy/' "$tmp/vtibgpd.service" >"$tmp/bad.service"
out=$(cd "$tmp" && MANPATH="$tmp/man" systemd-analyze verify "$tmp/bad.service" 2>&1)
t_check "systemd-analyze verify does complain about a bad unit" \
    grep -q 'notfy' <<<"$out"

# settings the daemon relies on
want() { t_check "the unit has $1" grep -qxF "$1" "$unit"; }
want "Type=notify"
want "ExecStartPre=$exe -n -f $(sed -n 's/^ExecStart=[^ ]* -f \([^ ]*\) .*/\1/p' "$unit")"
want 'ExecReload=/bin/kill -HUP $MAINPID'
want "Restart=on-failure"
want "CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW CAP_NET_BIND_SERVICE CAP_SETUID CAP_SETGID CAP_SETPCAP"
want "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK"
want "ProtectSystem=strict"
want "ProtectKernelTunables=yes"
want "ReadWritePaths=-/proc/sys/net/ipv4/nexthop_compat_mode"
sock=$(sed -n 's/^ExecStart=.* -s \([^ ]*\)$/\1/p' "$unit")
want "ReadWritePaths=$(dirname "$sock")"
t_check "the usage message shows the socket of the unit" \
    eval "'$built' -x 2>&1 | grep -qF '(default $sock)'"

# systemd's own score of the sandbox: 0 (locked down) .. 10 (exposed)
if systemd-analyze security --help 2>&1 | grep -q -- '--offline'; then
	score=$(cd "$tmp" && systemd-analyze security --offline=yes \
	    "$tmp/vtibgpd.service" 2>&1 | sed -n 's/.*Overall exposure level for vtibgpd.service: \([0-9.]*\).*/\1/p')
	echo "# exposure level: $score"
	t_check "exposure level at most 3.5 (is ${score:-?})" \
	    awk -v s="${score:-99}" 'BEGIN { exit !(s <= 3.5) }'
fi

# --- ProtectKernelTunables= + ReadWritePaths= on nexthop_compat_mode -------
if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null; then
	[ "${CI:-}" = true ] && t_fail "the mount test needs root and unshare"
	t_done
fi
cp "$top_srcdir/doc/vtibgpd.conf.sample" "$tmp/vtibgpd.conf"
chmod 644 "$tmp/vtibgpd.conf"
# run_sandboxed RW LOG: the daemon in its own mount and network namespace
# with /proc/sys read-only, and the compat file read-write if RW is 1.
run_sandboxed() {
	unshare -m -n bash -c '
		f=/proc/sys/net/ipv4/nexthop_compat_mode
		mount --bind /proc/sys /proc/sys &&
		    mount -o remount,bind,ro /proc/sys /proc/sys || exit 1
		if [ "$1" = 1 ]; then
			mount --bind $f $f && mount -o remount,bind,rw $f $f ||
			    exit 1
		fi
		exec "$2" -d -f "$3" -s "$4"' _ \
	    "$1" "$built" "$tmp/vtibgpd.conf" "$tmp/ctl.sock" 2>"$2" &
	daemon=$!
}
stop_daemon() {
	kill -TERM "$daemon"
	wait "$daemon"
	daemon=
}
run_sandboxed 1 "$tmp/rw.log"
t_check "with the file bound read-write the daemon sets nexthop_compat_mode" \
    t_wait 10 grep -q 'nexthop_compat_mode was 1, set to 0' "$tmp/rw.log"
stop_daemon
run_sandboxed 0 "$tmp/ro.log"
t_check "without it, read-only /proc/sys stops it (and it says so)" \
    t_wait 10 grep -q 'cannot set net.ipv4.nexthop_compat_mode to 0 (it is 1): Read-only file system' "$tmp/ro.log"
t_check "and it runs on" grep -q 'running: 2 neighbor' "$tmp/ro.log"
stop_daemon

# --- CapabilityBoundingSet= is enough to become the `user` of the config --
command -v setpriv >/dev/null || t_skip_or_fail "setpriv not found (util-linux)"
bset=$(sed -n 's/^CapabilityBoundingSet=//p' "$unit" | tr 'A-Z ' 'a-z\n' |
    sed 's/^cap_/+/' | paste -sd, -)
sed 's/^#user vtibgp .*/user nobody/' "$tmp/vtibgpd.conf" >"$tmp/user.conf"
chmod 644 "$tmp/user.conf"
chmod 755 "$tmp"
# run_bset BSET LOG: the daemon with bounding set BSET, as user nobody.
run_bset() {
	unshare -n setpriv --bounding-set "-all,$1" "$built" -d \
	    -f "$tmp/user.conf" -s "$tmp/ctl.sock" 2>"$2" &
	daemon=$!
}
run_bset "$bset" "$tmp/user.log"
t_check "with the unit's capabilities ($bset) it becomes user nobody" \
    t_wait 10 grep -q 'running as nobody' "$tmp/user.log"
stop_daemon
run_bset "${bset/,+setpcap/}" "$tmp/nosetpcap.log"
t_check "without CAP_SETPCAP it could not (so the unit keeps it)" \
    t_wait 10 grep -q 'cannot drop privileges: PR_CAPBSET_DROP' "$tmp/nosetpcap.log"
wait "$daemon" 2>/dev/null
daemon=
t_done
