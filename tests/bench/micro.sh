#!/bin/bash
# SPDX-License-Identifier: ISC
# tests/bench/micro.sh UPD_BENCH: the micro-benchmark of the UPDATE decoder
# and the RIB insert (tests/bench/upd_bench.c) as CSV rows of bench.sh:
# prefixes per second on one core (best of 3 runs at 1,000,000 prefixes,
# pinned to one CPU), and the instruction count per prefix under valgrind
# callgrind (100,000 prefixes, only decode_insert_all() counted), which
# does not depend on the load of the machine.
set -u
bin=$1
n=${MICRO_N:-1000000}
cg_n=${MICRO_CG_N:-100000}
best1=0 best2=0
for i in 1 2 3; do
	out=$(taskset -c 0 "$bin" "$n" 2>/dev/null || "$bin" "$n") || exit 1
	r1=$(awk '$2 == "tunnel1" { print int($5) }' <<<"$out")
	r2=$(awk '$2 == "tunnel2" { print int($5) }' <<<"$out")
	[ "$r1" -gt "$best1" ] && best1=$r1
	[ "$r2" -gt "$best2" ] && best2=$r2
done
echo "micro,$n,rate_new_prefix,1,$best1,prefixes/s"
echo "micro,$n,rate_second_path,1,$best2,prefixes/s"
if command -v valgrind >/dev/null; then
	f=$(mktemp /tmp/vtbcg.XXXXXX)
	if valgrind --tool=callgrind --callgrind-out-file="$f" \
	    --toggle-collect=decode_insert_all "$bin" "$cg_n" >/dev/null 2>&1; then
		ir=$(awk '/^(summary|totals):/ { print $2; exit }' "$f")
		echo "micro,$cg_n,ir_per_prefix,1,$(awk -v i="$ir" -v n="$cg_n" 'BEGIN { printf "%.0f", i / (2 * n) }'),instructions"
	fi
	rm -f "$f"
fi
