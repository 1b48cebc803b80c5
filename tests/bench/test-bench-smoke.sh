#!/bin/bash
# SPDX-License-Identifier: ISC
# test-bench-smoke.sh: the benchmark harness at a smoke size, so that it
# cannot rot: N = 100, one repetition, every DUT installed (BIRD, FRR if
# present: convergence and carrier loss; vtibgpd with probes: also a
# silent loss), the kernel floor; with ECMP against the TGW profile,
# vtibgpd through carrier and silent loss, BIRD and FRR converging; over
# IPv6 (vtibgpd6, bird6, frr6: IPv6 sessions, /48s), vtibgpd through
# carrier and silent loss, BIRD and FRR converging.  Checks that every
# figure came out, not how good it is.  Writes nothing to doc/.  60 to
# 90 s.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
t_need_lab chrt
out=$(mktemp -d /tmp/vtbsmoke.XXXXXX)
trap 'rm -rf "$out"' EXIT
bench="$top_srcdir/tests/bench/bench.sh"
# the bench's own programs are not part of `make all`
make -C "$top_builddir" tests/bench/nlwatch tests/bench/nlfloor \
    tests/bench/upd_bench >/dev/null || { t_fail "building the bench programs"; t_done; }
duts="kernel bird"
[ -x /usr/lib/frr/bgpd ] && duts="$duts frr" || echo "# FRR not installed: not in the smoke run"
export top_srcdir top_builddir
rows=$(bash "$bench" -s -n 100 -r 1 -d "$duts" -t "converge carrier" -o "$out" 2>"$out/log")
t_eq "bench exits 0" 0 $?
rows+=$'\n'$(bash "$bench" -s -n 100 -r 1 -d vtibgpd-probe -t "converge carrier silent" -o "$out" 2>>"$out/log")
duts="$duts vtibgpd-probe"
# ECMP against the TGW profile: vtibgpd through both failures; BIRD and
# FRR with their ECMP settings converge on both tunnels
rows+=$'\n'$(bash "$bench" -s -n 100 -r 1 -d vtibgpd-ecmp \
    -t "converge carrier silent" -o "$out" 2>>"$out/log")
ecmp="bird-ecmp"
[ -x /usr/lib/frr/bgpd ] && ecmp="$ecmp frr-ecmp"
rows+=$'\n'$(bash "$bench" -s -n 100 -r 1 -d "$ecmp" -t converge \
    -o "$out" 2>>"$out/log")
# IPv6: the sessions over the IPv6 inside addresses, the watcher on the
# IPv6 table
rows+=$'\n'$(bash "$bench" -s -n 100 -r 1 -d vtibgpd6 \
    -t "converge carrier silent" -o "$out" 2>>"$out/log")
v6="bird6"
[ -x /usr/lib/frr/bgpd ] && v6="$v6 frr6"
rows+=$'\n'$(bash "$bench" -s -n 100 -r 1 -d "$v6" -t converge \
    -o "$out" 2>>"$out/log")
has() { grep -qE "^$1,100,$2,1,[0-9.]+," <<<"$rows"; }
t_check "kernel floor: routes added on a group" has kernel floor_group-add
for d in ${duts#kernel }; do
	t_check "$d: converged" has "$d" start_all
	t_check "$d: RSS and CPU" eval 'has "$d" rss_peak && has "$d" cpu_total'
	t_check "$d: carrier failover, all routes moved" has "$d" carrier_all
	t_check "$d: recovered" has "$d" carrier_recovery
done
t_check "vtibgpd with probes: silent failover, all routes moved" has vtibgpd-probe silent_all
t_check "vtibgpd with probes: recovered" has vtibgpd-probe silent_recovery
for d in vtibgpd-ecmp $ecmp; do
	t_check "$d: converged on both tunnels" has "$d" start_all
done
t_check "vtibgpd ECMP: carrier loss, all on tunnel 2" has vtibgpd-ecmp carrier_all
t_check "vtibgpd ECMP: silent loss, all on tunnel 2" has vtibgpd-ecmp silent_all
t_check "vtibgpd ECMP: recovered, all on both again" eval \
    'has vtibgpd-ecmp carrier_recovery && has vtibgpd-ecmp silent_recovery'
for d in vtibgpd6 $v6; do
	t_check "$d: all IPv6 prefixes on tunnel 1" has "$d" start_all
done
t_check "vtibgpd IPv6: carrier loss, all on tunnel 2" has vtibgpd6 carrier_all
t_check "vtibgpd IPv6: silent loss, all on tunnel 2" has vtibgpd6 silent_all
t_check "vtibgpd IPv6: recovered, all on tunnel 1 again" eval \
    'has vtibgpd6 carrier_recovery && has vtibgpd6 silent_recovery'
t_check "a report can be written" eval \
    '{ echo "dut,n,metric,rep,value,unit"; echo "$rows"; } > "$out/c.csv" &&
     bash "$top_srcdir/tests/bench/report.sh" "$out/c.csv" > "$out/c.md" &&
     grep -q "^| vtibgpd, probes" "$out/c.md" &&
     grep -q "^### IPv6, N = 100" "$out/c.md"'
if [ "$t_failed" -gt 0 ]; then
	echo "$rows" | sed 's/^/# /'
	tail -40 "$out/log" | sed 's/^/# /'
fi
t_done
