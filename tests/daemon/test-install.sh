#!/bin/bash
# SPDX-License-Identifier: ISC
# test-install.sh: `make install DESTDIR=...` from the build tree puts each
# file where configure said (binaries, man pages, the sample config next to
# the real one and in docdir, the systemd unit), the unit names the
# configured paths, the installed vtibgpd runs, a second install leaves an
# existing vtibgpd.conf alone, and `make uninstall` removes what it put.
set -u
. "${top_srcdir:-.}/tests/lib.sh"

tmp=$(mktemp -d /tmp/vtb-install.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
root="$tmp/root"
build=$(cd "$top_builddir" && pwd)

# smake ARGS...: make in the build tree, quiet, free of the flags of the
# make that runs this test (jobserver, -w).
smake() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	    make -s --no-print-directory -C "$build" "$@"
}
# dir VAR: the value of make variable VAR in the build tree, expanded.
printf 'print-%%:\n\t@echo '"'"'$($*)'"'"'\n' >"$tmp/print.mk"
dir() {
	smake -f Makefile -f "$tmp/print.mk" "print-$1"
}
for v in sbindir bindir sysconfdir runstatedir docdir mandir systemdunitdir; do
	eval "$v=\$(dir $v)"
	echo "# $v = ${!v}"
done

smake install DESTDIR="$root" \
    >"$tmp/install.log" 2>&1; rc=$?
t_eq "make install DESTDIR exits 0" 0 "$rc"
[ "$rc" = 0 ] || sed 's/^/# /' "$tmp/install.log"

t_check "vtibgpd in sbindir" test -x "$root$sbindir/vtibgpd"
t_check "vtibgpctl in bindir" test -x "$root$bindir/vtibgpctl"
for m in man8/vtibgpd.8 man8/vtibgpctl.8 man5/vtibgpd.conf.5; do
	t_check "$m in mandir" test -s "$root$mandir/$m"
done
t_check "the sample config in sysconfdir" \
    cmp -s "$top_srcdir/doc/vtibgpd.conf.sample" "$root$sysconfdir/vtibgpd.conf.sample"
t_check "no vtibgpd.conf is installed" test ! -e "$root$sysconfdir/vtibgpd.conf"
t_check "the sample config in docdir" test -s "$root$docdir/vtibgpd.conf.sample"
t_check "README.md in docdir" test -s "$root$docdir/README.md"

unit="$root$systemdunitdir/vtibgpd.service"
if [ "$systemdunitdir" = no ]; then
	t_check "--without-systemdunitdir: no unit" \
	    eval "! find '$root' -name vtibgpd.service | grep -q ."
else
	t_check "the unit in systemdunitdir" test -s "$unit"
	t_check "the unit starts the installed daemon with the configured paths" \
	    grep -qxF "ExecStart=$sbindir/vtibgpd -f $sysconfdir/vtibgpd.conf -s $runstatedir/vtibgpd.sock" "$unit"
	t_check "the unit checks the configured config file first" \
	    grep -qxF "ExecStartPre=$sbindir/vtibgpd -n -f $sysconfdir/vtibgpd.conf" "$unit"
	t_check "the unit waits for the configured config file" \
	    grep -qxF "ConditionPathExists=$sysconfdir/vtibgpd.conf" "$unit"
fi

out=$("$root$sbindir/vtibgpd" -V 2>&1); rc=$?
t_eq "the installed vtibgpd -V exits 0" 0 "$rc"
t_check "the installed vtibgpd -V prints the version" \
    grep -qE '^vtibgpd [0-9]+\.[0-9]+\.[0-9]+$' <<<"$out"
usage=$("$root$sbindir/vtibgpd" -x 2>&1)
t_check "its built-in config is in sysconfdir" \
    grep -qF "(default $sysconfdir/vtibgpd.conf)" <<<"$usage"
t_check "its built-in socket is in runstatedir" \
    grep -qF "(default $runstatedir/vtibgpd.sock)" <<<"$usage"
cp "$root$sysconfdir/vtibgpd.conf.sample" "$tmp/check.conf"
chmod 644 "$tmp/check.conf"
t_check "the installed sample passes the installed vtibgpd -n" \
    "$root$sbindir/vtibgpd" -n -f "$tmp/check.conf"

# an operator's config survives a reinstall and an uninstall
echo "# mine" >"$root$sysconfdir/vtibgpd.conf"
smake install DESTDIR="$root" \
    >"$tmp/install2.log" 2>&1
t_eq "a second install leaves vtibgpd.conf alone" "# mine" \
    "$(cat "$root$sysconfdir/vtibgpd.conf")"
smake uninstall DESTDIR="$root" \
    >"$tmp/uninstall.log" 2>&1; rc=$?
t_eq "make uninstall exits 0" 0 "$rc"
left=$(cd "$root" && find . -type f | sort | tr '\n' ' ')
t_eq "make uninstall leaves only vtibgpd.conf" "./${sysconfdir#/}/vtibgpd.conf " "$left"
t_done
