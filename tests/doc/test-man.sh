#!/bin/bash
# SPDX-License-Identifier: ISC
# test-man.sh: the man pages render without warnings (mandoc -T lint at
# warning level), and the examples of vtibgpd.conf(5) pass vtibgpd -n.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
command -v mandoc >/dev/null || t_skip_or_fail "mandoc not found"

tmp=$(mktemp -d /tmp/vtb-man.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
for page in vtibgpd.8 vtibgpctl.8 vtibgpd.conf.5; do
	out=$(mandoc -T lint -W warning "$top_srcdir/doc/$page" 2>&1)
	t_eq "$page: mandoc -T lint -W warning is silent" "" "$out"
done

# every key of the grammar is documented in vtibgpd.conf(5)
for key in router-id local-as user graceful-restart stalepath-time \
    return-steering \
    control-group network defaults hold-time keepalive connect-retry \
    import allow max-prefix kernel table protocol metric ecmp \
    keep-routes-on-exit nexthop-compat-mode neighbor description \
    interface remote-as local-address preference prepend probe interval \
    misses password; do
	t_check "vtibgpd.conf(5) documents $key" \
	    grep -qE "Ic $key( |$)" "$top_srcdir/doc/vtibgpd.conf.5"
done
t_done
