#!/bin/bash
# SPDX-License-Identifier: ISC
# test-deb.sh: build the Debian package the way a Debian build would see
# the source: the tarball of `make dist` plus debian/, then
# `dpkg-buildpackage -us -uc -b` (no sanitizers; its `make check` skips the
# namespace lab).  Then check the .deb without installing it on this
# machine: its metadata and file list, its binaries run from an unpacked
# copy (dpkg-deb -x) with this machine's libraries, and its postinst run
# as dpkg would run it, in a private mount namespace whose /etc,
# /var/lib/systemd and /lib/systemd/system are throwaway copies: it must
# create the vtibgp user and group there, enable the unit, start nothing
# (systemd does not run here), and run again cleanly (an
# upgrade).  The real /etc is never written.
#
# Not part of `make check` (the build takes minutes); run it as root from a
# configured build tree:  bash tests/pkg/test-deb.sh
# VTB_DEB_NOCHECK=1 skips the package's own `make check` (DEB_BUILD_OPTIONS
# nocheck) to save time.  VTB_DEB_KEEP=DIR copies the .deb to DIR.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$top_srcdir/tests/lib.sh"

[ "$(id -u)" = 0 ] || t_skip_or_fail "needs root (mount namespace for postinst)"
for tool in dpkg-buildpackage dh dpkg-deb unshare make; do
	command -v "$tool" >/dev/null ||
	    t_skip_or_fail "'$tool' not found (apt-get install dpkg-dev debhelper)"
done
[ -f "$top_builddir/Makefile" ] ||
    t_skip_or_fail "no configured build tree at $top_builddir (run configure)"

tmp=$(mktemp -d /tmp/vtb-deb.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
build=$(cd "$top_builddir" && pwd)

# --- the source: make dist + debian/ ------------------------------------
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
    make -s --no-print-directory -C "$build" dist >"$tmp/dist.log" 2>&1; rc=$?
t_eq "make dist exits 0" 0 "$rc"
tarball=$(ls -t "$build"/vtibgpd-*.tar.gz 2>/dev/null | head -n 1)
t_check "make dist made a tarball" test -s "$tarball"
tar -xzf "$tarball" -C "$tmp" || t_done
src=$(ls -d "$tmp"/vtibgpd-*/)
cp -a "$top_srcdir/debian" "$src/debian"
# leftovers of a build in the source tree
rm -rf "$src/debian/vtibgpd" "$src/debian/.debhelper" "$src/debian/files" \
    "$src/debian/debhelper-build-stamp" "$src"/debian/*.substvars \
    "$src"/debian/*.debhelper "$src"/debian/*.debhelper.log

# --- the build -------------------------------------------------------------
opts="parallel=2"
[ -n "${VTB_DEB_NOCHECK:-}" ] && opts="$opts nocheck"
start=$(date +%s)
(cd "$src" && DEB_BUILD_OPTIONS="$opts" dpkg-buildpackage -us -uc -b) \
    >"$tmp/build.log" 2>&1; rc=$?
echo "# dpkg-buildpackage took $(( $(date +%s) - start )) s (DEB_BUILD_OPTIONS=$opts)"
t_eq "dpkg-buildpackage -us -uc -b exits 0" 0 "$rc"
if [ "$rc" != 0 ]; then
	grep -E '^(FAIL|ERROR|not ok)' "$tmp/build.log" | sed 's/^/# /'
	tail -n 30 "$tmp/build.log" | sed 's/^/# /'
	t_done
fi
deb=$(ls "$tmp"/vtibgpd_*.deb 2>/dev/null | head -n 1)
t_check "a .deb was built" test -s "$deb"
[ -n "${VTB_DEB_KEEP:-}" ] && cp "$deb" "$VTB_DEB_KEEP/"
t_check "the build ran without sanitizers" \
    eval "! grep -q -- '-fsanitize' '$tmp/build.log'"
if [ -z "${VTB_DEB_NOCHECK:-}" ]; then
	t_check "the package's make check passed" \
	    grep -qE '^# FAIL: +0$' "$tmp/build.log"
fi

# --- metadata and files -----------------------------------------------------
info=$(dpkg-deb -f "$deb" Depends)
echo "# Depends: $info"
t_check "Depends names adduser" grep -q 'adduser' <<<"$info"
for lib in libev4 libnl-3-200 libprotobuf-c1; do
	t_check "Depends names $lib" grep -q "$lib" <<<"$info"
done
dpkg-deb -c "$deb" | awk '{ print $NF }' | sed 's|^\./|/|' >"$tmp/files"
for f in /usr/sbin/vtibgpd /usr/bin/vtibgpctl /etc/vtibgpd.conf.sample \
    /lib/systemd/system/vtibgpd.service /usr/share/man/man8/vtibgpd.8.gz \
    /usr/share/man/man8/vtibgpctl.8.gz /usr/share/man/man5/vtibgpd.conf.5.gz \
    /usr/share/doc/vtibgpd/copyright; do
	t_check "the .deb holds $f" grep -qxF "$f" "$tmp/files"
done
t_check "the .deb holds no vtibgpd.conf" eval "! grep -qx '/etc/vtibgpd.conf' '$tmp/files'"
dpkg-deb -e "$deb" "$tmp/control"
t_check "the sample is a conffile" grep -qx '/etc/vtibgpd.conf.sample' "$tmp/control/conffiles"

# --- the binaries, unpacked ---------------------------------------------------
root="$tmp/root"
dpkg-deb -x "$deb" "$root"
t_check "the unit starts /usr/sbin/vtibgpd with /etc and /run paths" \
    grep -qxF 'ExecStart=/usr/sbin/vtibgpd -f /etc/vtibgpd.conf -s /run/vtibgpd.sock' \
    "$root/lib/systemd/system/vtibgpd.service"
t_check "all libraries of vtibgpd are found" \
    eval "! ldd '$root/usr/sbin/vtibgpd' | grep -q 'not found'"
t_check "vtibgpd is not linked with ASan" \
    eval "! ldd '$root/usr/sbin/vtibgpd' | grep -q libasan"
out=$("$root/usr/sbin/vtibgpd" -V); rc=$?
t_eq "the packaged vtibgpd -V exits 0" 0 "$rc"
t_eq "the packaged vtibgpd -V prints the version" \
    "vtibgpd $(dpkg-deb -f "$deb" Version | sed 's/-[^-]*$//')" "$out"
t_check "its built-in paths are /etc and /run" \
    eval "'$root/usr/sbin/vtibgpd' -x 2>&1 | grep -q '(default /etc/vtibgpd.conf)' &&
    '$root/usr/sbin/vtibgpd' -x 2>&1 | grep -q '(default /run/vtibgpd.sock)'"
cp "$root/etc/vtibgpd.conf.sample" "$tmp/check.conf"
chmod 644 "$tmp/check.conf"
t_check "the packaged sample passes the packaged vtibgpd -n" \
    "$root/usr/sbin/vtibgpd" -n -f "$tmp/check.conf"
"$root/usr/bin/vtibgpctl" -s "$tmp/none.sock" show summary 2>/dev/null; rc=$?
t_eq "the packaged vtibgpctl runs (3: no daemon)" 3 "$rc"
if command -v systemd-analyze >/dev/null; then
	sed "s|/usr/sbin/vtibgpd|$root/usr/sbin/vtibgpd|g" \
	    "$root/lib/systemd/system/vtibgpd.service" >"$tmp/vtibgpd.service"
	out=$(cd "$tmp" && MANPATH="$root/usr/share/man" \
	    systemd-analyze verify "$tmp/vtibgpd.service" 2>&1); rc=$?
	t_eq "systemd-analyze verify of the packaged unit is silent" "0:" "$rc:$out"
fi

# --- postinst, in a throwaway /etc ---------------------------------------------
# As dpkg would run it after unpacking: the unit in /lib/systemd/system,
# the DPKG_MAINTSCRIPT_* variables set.  /etc, /var/lib/systemd and
# /lib/systemd/system are copies in a private mount namespace, and
# deb-systemd-invoke (which starts units) is a stand-in that records calls.
cp -a /etc "$tmp/etc"
mkdir -p "$tmp/varlibsystemd" "$tmp/units" "$tmp/bin"
[ -d /var/lib/systemd ] && cp -a /var/lib/systemd/. "$tmp/varlibsystemd/"
cp -a /lib/systemd/system/. "$tmp/units/"
cp "$root/lib/systemd/system/vtibgpd.service" "$tmp/units/"
printf '#!/bin/sh\necho "$@" >>"%s"\n' "$tmp/invoked" >"$tmp/bin/deb-systemd-invoke"
chmod +x "$tmp/bin/deb-systemd-invoke"
sum_before=$(cat /etc/passwd /etc/group | md5sum)
# run_postinst ARGS...: the package's postinst with the copies mounted.
run_postinst() {
	unshare -m bash -c '
		mount --bind "$1/etc" /etc &&
		    mount --bind "$1/varlibsystemd" /var/lib/systemd &&
		    mount --bind "$1/units" /lib/systemd/system || exit 99
		shift
		exec "$@"' _ "$tmp" env PATH="$tmp/bin:$PATH" \
	    DPKG_MAINTSCRIPT_PACKAGE=vtibgpd DPKG_MAINTSCRIPT_NAME=postinst \
	    sh -e "$tmp/control/postinst" "$@" >>"$tmp/postinst.log" 2>&1
}
run_postinst configure; rc=$?
t_eq "postinst configure exits 0" 0 "$rc"
t_check "postinst created the vtibgp group" grep -q '^vtibgp:' "$tmp/etc/group"
t_check "postinst created the vtibgp system user" \
    awk -F: '$1 == "vtibgp" && $3 < 1000 && $7 ~ /nologin$/ { f = 1 } END { exit !f }' "$tmp/etc/passwd"
t_check "the user's group is vtibgp" eval \
    "[ \"\$(awk -F: '\$1 == \"vtibgp\" { print \$4 }' '$tmp/etc/passwd')\" = \
      \"\$(awk -F: '\$1 == \"vtibgp\" { print \$3 }' '$tmp/etc/group')\" ]"
t_check "postinst enabled the unit" \
    test -L "$tmp/etc/systemd/system/multi-user.target.wants/vtibgpd.service"
t_check "postinst started nothing (systemd does not run here)" \
    test ! -e "$tmp/invoked"
run_postinst configure 0.1.0-0; rc=$?
t_eq "postinst again (upgrade) exits 0" 0 "$rc"
t_eq "one vtibgp user after two runs" 1 "$(grep -c '^vtibgp:' "$tmp/etc/passwd")"
t_eq "the real /etc/passwd and /etc/group are untouched" "$sum_before" \
    "$(cat /etc/passwd /etc/group | md5sum)"
sed 's/^/# postinst: /' "$tmp/postinst.log"

if command -v lintian >/dev/null; then
	lintian "$deb" 2>&1 | sed 's/^/# lintian: /'
else
	echo "# lintian not installed: not run"
fi
t_done
