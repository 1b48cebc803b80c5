#!/bin/bash
# SPDX-License-Identifier: ISC
# test-layout.sh: the map in README.md's Layout section stays true.  Every
# source folder and file of the two programs and of what they share is
# named there; the walls it draws hold: only netlink/ includes the
# kernel's or libnl's netlink headers, rib/ opens no socket, each folder
# includes only from the folders it may use (the client nothing of the
# daemon, what both use nothing of either), and vtibgpctl holds none of
# the daemon's code.  And each source file names its license.
set -u
. "${top_srcdir:-.}/tests/lib.sh"

cd "$top_srcdir" || exit 1
layout=$(awk '/^## / { in_map = $0 == "## Layout" } in_map' README.md)
dirs="bgpd bgpd/session bgpd/fib bgpd/control bgpd/conf bgpd/util bgpctl
    proto rib netlink"

# --- the top level holds what the developers' guide lists ---------------------
# The programs' and the walls' folders, tests/, doc/, the build, the
# packaging, README, LICENSE and the CI entry point; nothing else.
extra=
for f in $(git ls-files 2>/dev/null | sed 's,/.*,,' | sort -u); do
	case $f in
	bgpd|bgpctl|rib|netlink|proto|tests|doc|debian|.ci) ;;
	configure.ac|Makefile.am|README.md|LICENSE|.gitignore|m4) ;;
	*) extra="$extra $f" ;;
	esac
done
t_eq "nothing at the top but the listed folders and files" "" "$extra"

# --- the map names every folder and file ------------------------------------
missing=
for d in $(find bgpd bgpctl proto rib netlink -name '*.c' \
    -printf '%h\n' | sort -u); do
	grep -qF "\`$d/\`" <<<"$layout" || missing="$missing $d/"
done
t_eq "every folder with sources is in the map" "" "$missing"
missing=
for f in $(find bgpd bgpctl proto rib netlink \
    \( -name '*.c' -o -name '*.proto' \) ! -name '*.pb-c.c' | sort); do
	grep -qF "\`${f##*/}\`" <<<"$layout" || missing="$missing $f"
done
t_eq "every source file is in the map" "" "$missing"

# --- the walls ------------------------------------------------------------------
# The folders whose headers the files of folder $1 may include.
allowed() {
	case $1 in
	bgpd/util)	echo bgpd/util ;;
	bgpd/conf)	echo bgpd/conf bgpd/util ;;
	proto)		echo proto ;;
	bgpctl)		echo bgpctl bgpd/conf proto bgpd/util ;;
	netlink)	echo netlink bgpd/util ;;
	rib)		echo rib bgpd/session bgpd/conf bgpd/util ;;
	bgpd/session)	echo bgpd/session bgpd/conf bgpd/util ;;
	bgpd/fib)	echo bgpd/fib netlink rib bgpd/conf bgpd/util ;;
	bgpd/control)	echo bgpd/control bgpd bgpd/session bgpd/fib rib \
			    bgpd/conf proto bgpd/util ;;
	bgpd)		echo bgpd bgpd/session bgpd/fib bgpd/control rib \
			    bgpd/conf proto bgpd/util ;;
	esac
}
bad=
for d in $dirs; do
	ok=" $(allowed "$d") "
	for f in "$d"/*.[ch]; do
		for inc in $(sed -n 's/^#include "\(.*\)\/[^/]*"$/\1/p' "$f"); do
			case $ok in *" $inc "*) ;; *) bad="$bad $f:$inc" ;; esac
		done
	done
done
t_eq "each folder includes only from the folders it may use" "" "$bad"
bad=
for d in $dirs; do
	for inc in $(sed -n 's/^#include "\(.*_impl\.h\)"$/\1/p' "$d"/*.[ch]); do
		[ "${inc%/*}" = "$d" ] || bad="$bad $d:$inc"
	done
done
t_eq "a folder's *_impl.h is for its own files" "" "$bad"
t_eq "only netlink/ includes netlink headers" "" "$(grep -lE \
    '^#include <(netlink/|linux/(rt)?netlink\.h|linux/nexthop\.h)' \
    $(for d in $dirs; do [ "$d" = netlink ] || echo "$d"/*.[ch]; done))"
t_eq "rib/ opens no socket" "" "$(grep -lE \
    '\<(socket|connect|bind|accept4?|send(to|msg)?|recv(from|msg)?)\(' \
    rib/*.[ch])"

# --- the license ----------------------------------------------------------------
# Each source file names it in its first line (after a #! line).
missing=
for f in $(find bgpd bgpctl proto rib netlink tests \( -name '*.[ch]' \
    -o -name '*.proto' -o -name '*.sh' -o -name '*.pl' -o -name '*.py' \) \
    ! -name '*.pb-c.[ch]' ! -path 'tests/fuzz/corpus/*' | sort) \
    Makefile.am configure.ac doc/*.[58] doc/vtibgp-updown \
    doc/vtibgpd.service.in tests/run-all tests/lab/demo; do
	[ -e "$f" ] || continue
	sed -n '1{/^#!/d};1,2p' "$f" | head -n 1 |
	    grep -q 'SPDX-License-Identifier: ISC' || missing="$missing $f"
done
t_eq "every source file names its license (SPDX)" "" "$missing"
t_check "LICENSE is the ISC license" grep -q \
    'Permission to use, copy, modify, and distribute this software' LICENSE

# --- the client holds none of the daemon's code ---------------------------------
if ! command -v nm >/dev/null; then
	echo "# skip: nm not found"
elif [ ! -x "$VTIBGPCTL" ]; then
	t_fail "vtibgpctl is built ($VTIBGPCTL)"
else
	t_eq "vtibgpctl holds no session, RIB, kernel or server code" "" \
	    "$(nm --defined-only "$VTIBGPCTL" | awk '$3 ~ \
	    /^(sess_|fsm_|msg_|fib_|kr_|rib_|router_|ctl_server_|drills_)/ \
	    { print $3 }' | sort | head -n 5 | xargs)"
fi
t_done
