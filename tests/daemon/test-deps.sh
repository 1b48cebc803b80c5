#!/bin/bash
# SPDX-License-Identifier: ISC
# test-deps.sh: what tests/deps.sh installs.  The demo installs what it
# runs and nothing of the test suite's (no Prometheus, debhelper, GoBGP,
# FRR, clang, valgrind); the test command installs everything the demo
# needs and more.  Needs nothing installed.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
. "$top_srcdir/tests/deps.sh"

in_list() { case " $(echo $2) " in *" $1 "*) return 0 ;; esac; return 1; }

for p in $VTB_DEMO_DEPS; do
	t_check "the test command installs $p too" in_list "$p" "$VTB_DEPS"
done
for p in prometheus debhelper dpkg-dev gobgpd frr clang libclang-rt-14-dev \
    valgrind mandoc; do
	t_check "the demo does not install $p" eval '! in_list "$p" "$VTB_DEMO_DEPS"'
done
t_check "the demo installs with its own list" grep -q \
    '^vtb_install_deps "\$VTB_DEMO_DEPS"$' "$top_srcdir/tests/lab/demo"
t_check "the test command installs the whole list" grep -q \
    '^vtb_install_deps$' "$top_srcdir/tests/run-all"
t_done
