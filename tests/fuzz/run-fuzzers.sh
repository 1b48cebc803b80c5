#!/bin/bash
# SPDX-License-Identifier: ISC
# tests/fuzz/run-fuzzers.sh: build the fuzz targets with clang and
# libFuzzer (configure --enable-fuzzing: coverage, ASan, UBSan) and run
# each for FUZZ_SECONDS (default 60) on a copy of its seed corpus.
#
#   tests/fuzz/run-fuzzers.sh [TARGET...]     (default: every target)
#
# The build happens in a private copy of the sources (FUZZ_BUILD_DIR, by
# default a temporary directory removed afterwards), so it works whether
# the source tree is unconfigured, built in place or built elsewhere.
# Exit status 0 when no target crashed, leaked, timed out or broke an
# invariant; 1 otherwise, with each crashing input saved in
# tests/fuzz/crashes/TARGET-* (add it to tests/fuzz/corpus/TARGET/ once
# the bug is fixed, so that make check replays it).  New inputs that
# libFuzzer found are kept only with FUZZ_KEEP_CORPUS=DIR.
set -eu

src=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${FUZZ_SECONDS:-60}
jobs=${FUZZ_MAKE_JOBS:-2}
crashes=$src/tests/fuzz/crashes

die() { echo "run-fuzzers: $*" >&2; exit 1; }

command -v clang >/dev/null ||
    die "clang not found (Debian: apt-get install clang libclang-rt-14-dev)"

if [ -n "${FUZZ_BUILD_DIR:-}" ]; then
	work=$FUZZ_BUILD_DIR
	mkdir -p "$work"
else
	work=$(mktemp -d "${TMPDIR:-/tmp}/vtb-fuzz.XXXXXX")
	trap 'rm -rf "$work"' EXIT
fi

# Copy the sources only (no objects, no configure output, no build dir
# below the tree) to $work/src; they are configured out of tree with
# clang in $work/build.
copy_sources() {
	local dst=$work/src
	mkdir -p "$dst"
	(cd "$src" && find . \( -name .git -o -name autom4te.cache -o \
	    -name 'vtibgpd-*' -o -path ./tests/fuzz/crashes \) -prune -o \
	    -type d -exec test -e '{}/config.status' \; ! -name . -prune -o \
	    -type f \( -name '*.[ch]' -o -name '*.proto' -o -name '*.am' -o \
	    -name configure.ac -o -path './m4/*' \) ! -name config.h \
	    ! -name '*.pb-c.[ch]' -print) |
	while read -r f; do
		mkdir -p "$dst/$(dirname "$f")"
		cp -p "$src/$f" "$dst/$f"
	done
	# dist files that automake insists on
	mkdir -p "$dst/m4" "$dst/doc"
	for f in README.md doc/vtibgpd.8 doc/vtibgpctl.8 doc/vtibgpd.conf.5; do
		[ -e "$src/$f" ] && cp -p "$src/$f" "$dst/$f"
	done
	return 0
}

build() {
	copy_sources	# again each time: make rebuilds what changed
	if [ ! -x "$work/build/config.status" ]; then
		rm -rf "$work/build"
		(cd "$work/src" && autoreconf -fi) >"$work/autoreconf.log" 2>&1 ||
		    { cat "$work/autoreconf.log"; die "autoreconf failed"; }
		mkdir -p "$work/build"
		(cd "$work/build" && CC=clang ../src/configure \
		    --enable-fuzzing) >"$work/configure.log" 2>&1 ||
		    { tail -20 "$work/configure.log"; die "configure failed"; }
	fi
	make -C "$work/build" -j"$jobs" "${targets[@]/#/tests/fuzz/}" \
	    >"$work/make.log" 2>&1 ||
	    { tail -40 "$work/make.log"; die "build failed"; }
}

# Longest input worth trying per target.
max_len() {
	case $1 in
	fuzz_msg)	echo 16384 ;;	# a few messages of up to 4096
	fuzz_ctl)	echo 8192 ;;
	*)		echo 16384 ;;	# configs and AWS files
	esac
}

run_one() {
	local t=$1 bin=$work/build/tests/fuzz/$1 corpus=$work/corpus/$1
	local log=$work/$1.log rc=0

	rm -rf "$corpus"
	mkdir -p "$corpus" "$crashes"
	cp "$src/tests/fuzz/corpus/$t"/* "$corpus"/ 2>/dev/null || true
	echo "==== $t: $seconds s"
	ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=1:allocator_may_return_null=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	    "$bin" -max_total_time="$seconds" -max_len="$(max_len "$t")" \
	    -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$crashes/$t-" "$corpus" >"$log" 2>&1 || rc=$?
	grep -E '^#[0-9]+' "$log" | tail -1 || true
	grep -E '^stat::(number_of_executed_units|average_exec_per_sec)' \
	    "$log" || true
	if [ -n "${FUZZ_KEEP_CORPUS:-}" ]; then
		mkdir -p "$FUZZ_KEEP_CORPUS/$t"
		cp "$corpus"/* "$FUZZ_KEEP_CORPUS/$t"/
	fi
	if [ "$rc" -ne 0 ]; then
		echo "---- $t FAILED (exit $rc); log:"
		grep -vE '^#[0-9]+' "$log" | tail -60
		ls -l "$crashes" | grep -F "$t-" || true
		return 1
	fi
	return 0
}

if [ $# -gt 0 ]; then
	targets=("$@")
else
	targets=(fuzz_msg fuzz_ctl fuzz_conf fuzz_import)
fi
build
failed=0
for t in "${targets[@]}"; do
	run_one "$t" || failed=$((failed + 1))
done
echo "==== fuzzing: ${#targets[@]} targets, $failed failed"
[ "$failed" -eq 0 ]
