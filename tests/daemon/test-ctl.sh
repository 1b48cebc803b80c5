#!/bin/bash
# SPDX-License-Identifier: ISC
# test-ctl.sh: vtibgpctl's command line and exit status without a daemon:
# usage errors exit 2, import of a missing file fails (1), and every command
# that needs the daemon exits 3 naming the socket when nobody listens.
# (tests/unit/test_ctl drives vtibgpctl against a live control server.)
set -u
. "${top_srcdir:-.}/tests/lib.sh"

tmp=$(mktemp -d /tmp/vtb-ctl.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
sock="$tmp/none.sock"

# expect STATUS DESCRIPTION ARGS...: vtibgpctl -s $sock ARGS exits STATUS.
expect() {
	local want=$1 what=$2 rc
	shift 2
	timeout 10 "$VTIBGPCTL" -s "$sock" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	t_eq "$what exits $want" "$want" "$rc"
}

# --- usage errors: 2, with the usage text or a reason ----------------------
expect 2 "no command"
t_check "no command prints usage" grep -q '^usage: vtibgpctl' "$tmp/err"
expect 2 "an unknown option" -x show summary
expect 2 "an unknown long option" --bogus show summary
for h in -h --help; do
	"$VTIBGPCTL" $h >"$tmp/out" 2>"$tmp/err"; rc=$?
	t_eq "vtibgpctl $h exits 0" 0 "$rc"
	t_check "vtibgpctl $h prints the usage on stdout, nothing on stderr" eval \
	    'grep -q "^usage: vtibgpctl" "$tmp/out" && [ ! -s "$tmp/err" ]'
done
for v in -V --version; do
	out=$("$VTIBGPCTL" $v); rc=$?
	t_eq "vtibgpctl $v exits 0" 0 "$rc"
	t_check "vtibgpctl $v prints the version" grep -qE '^vtibgpctl [0-9]+\.[0-9]+\.[0-9]+$' <<<"$out"
done
expect 2 "an unknown command" show nonsense
expect 2 "an extra argument" show summary extra
expect 2 "neighbor without an action" neighbor vti0
expect 2 "an unknown neighbor action" neighbor vti0 bogus
t_check "the bad action is named" grep -q 'unknown action bogus' "$tmp/err"
expect 2 "a message for enable" neighbor vti0 enable "why"
long=$(printf 'x%.0s' $(seq 1 256))
expect 2 "a shutdown message over 255 octets" neighbor vti0 shutdown "$long"
expect 2 "drill --hold 0" drill failover --hold 0
expect 2 "drill --hold not a number" drill failover --hold=10s
expect 2 "drill --probe not an address" drill failover --probe vgw
expect 2 "drill --from without a value" drill failover --from
expect 2 "drill with an unknown option" drill failover --bogus 1
expect 2 "show routes with a bad prefix" show routes 10.0.0.0/33
expect 2 "show routes with a name" show routes vpc
expect 2 "import of an unknown format" import aws-cisco "$tmp/x.txt"
expect 2 "import without a file" import aws-generic

# --- import: no daemon needed (tests/daemon/test-import.sh has the rest) ---
expect 1 "import aws-generic of a missing file" import aws-generic "$tmp/x.txt"
t_check "import names the missing file" \
    grep -q "^$tmp/x.txt: No such file or directory" "$tmp/err"

# --- no daemon: 3, naming the socket ---------------------------------------
while read -r cmd; do
	# shellcheck disable=SC2086
	expect 3 "$cmd without a daemon" $cmd
	t_check "$cmd names the socket" \
	    grep -q "not reachable at $sock" "$tmp/err"
done <<'CMDS'
show summary
show neighbor vti0
show routes 10.10.0.0/16
show drills
watch
neighbor vti0 shutdown
neighbor 169.254.249.57 reset
drill failover --from vti0 --probe 10.10.0.10 --hold 5
metrics
reload
CMDS

: >"$tmp/plain"
sock="$tmp/plain"
expect 3 "a socket path that is a plain file" show summary
if command -v python3 >/dev/null 2>&1; then
	sock="$tmp/stale.sock"
	python3 -c 'import socket, sys
socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$sock"
	expect 3 "a stale socket nobody listens on" show summary
fi
sock="$tmp/$(printf 'd%.0s' $(seq 1 120))/vtibgpd.sock"
expect 2 "a socket path too long" show summary
t_check "the long path is named" grep -q 'socket path too long' "$tmp/err"

t_done
