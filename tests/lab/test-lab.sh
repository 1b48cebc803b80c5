#!/bin/bash
# SPDX-License-Identifier: ISC
# tests/lab/test-lab.sh - checks that the namespace lab itself works, before
# any daemon test relies on it.  Automake test protocol: exit 0 pass,
# 1 fail, 77 skip (never skips when CI=true).  Prints one "ok"/"not ok"
# line per check (TAP-like).

# shellcheck disable=SC2317,SC2016  # helpers run indirectly via check/lab_wait; perl code in single quotes
set -u

LAB_SH="$(dirname "${BASH_SOURCE[0]}")/lab.sh"

# ---------------------------------------------------------------- prerequisites

# skip REASON: exit 77, or 1 under CI (CI must not silently skip).
skip() {
	if [ "${CI:-}" = true ]; then
		echo "FAIL: $1 (CI=true, refusing to skip)" >&2
		exit 1
	fi
	echo "SKIP: $1" >&2
	exit 77
}

# make distcheck sets VTB_LAB=skip: the lab tests already ran in the build.
if [ "${VTB_LAB:-}" = skip ]; then
	echo "SKIP: VTB_LAB=skip" >&2
	exit 77
fi
[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
for tool in bird birdc ip nft ping perl; do
	command -v "$tool" >/dev/null 2>&1 || skip "'$tool' not found"
done

# shellcheck source=lab.sh
. "$LAB_SH" || { echo "cannot source $LAB_SH" >&2; exit 1; }

# ---------------------------------------------------------------- reporting

CHECKS=0
FAILED=0

# check DESCRIPTION CMD...: run CMD, print ok/not ok.
check() {
	local desc="$1"; shift
	CHECKS=$((CHECKS + 1))
	if "$@"; then
		echo "ok $CHECKS - $desc"
	else
		echo "not ok $CHECKS - $desc"
		FAILED=1
	fi
}

# diagnostics: what a failing run needs to be understood.
diagnostics() {
	echo "# --- birdc show protocols"
	lab_birdc show protocols 2>&1 | sed 's/^/# /'
	echo "# --- tail of bird.log"
	tail -n 30 "$LAB_DIR/bird.log" 2>&1 | sed 's/^/# /'
	local f
	for f in "$LAB_DIR"/open?.hex "$LAB_DIR"/open?.err; do
		[ -s "$f" ] && echo "# --- ${f##*/}: $(cat "$f")"
	done
	return 0
}

# ---------------------------------------------------------------- helpers

# ping_ok NS ADDR: one echo answered within 1 s.
ping_ok() {
	lab_exec "$1" ping -n -q -c 1 -W 1 "$2" >/dev/null 2>&1
}

# ping_fails NS ADDR: the echo is not answered.
ping_fails() {
	! ping_ok "$1" "$2"
}

# link_flags NS IF: the interface flags as ip -j prints them.
link_flags() {
	ip -j -n "$(lab_ns "$1")" link show dev "$2" | grep -o '"flags":\[[^]]*\]'
}

# no_carrier NS IF: NO-CARRIER set and LOWER_UP absent.
no_carrier() {
	local f
	f="$(link_flags "$1" "$2")" || return 1
	[[ "$f" == *'"NO-CARRIER"'* && "$f" != *'"LOWER_UP"'* ]]
}

# carrier_up NS IF: UP and LOWER_UP set, NO-CARRIER absent.
carrier_up() {
	local f
	f="$(link_flags "$1" "$2")" || return 1
	[[ "$f" == *'"UP"'* && "$f" == *'"LOWER_UP"'* && "$f" != *'"NO-CARRIER"'* ]]
}

# bird_proto_state NAME: "State Info" columns of one protocol on the VGW.
bird_proto_state() {
	lab_birdc show protocols "$1" 2>/dev/null | awk -v p="$1" '$1 == p {print $4, $6}'
}

# bird_connecting NAME: protocol started and trying (Connect or Active).
bird_connecting() {
	case "$(bird_proto_state "$1")" in
	"start Connect"|"start Active") return 0 ;;
	*) return 1 ;;
	esac
}

# bird_established NAME: the session is up.
bird_established() {
	[ "$(bird_proto_state "$1")" = "up Established" ]
}

# bgp_capture ADDR TIMEOUT: in cgw, listen on ADDR:179, accept one
# connection and print the hex of its first bytes (at least an OPEN's fixed
# part, 29 bytes).  perl-base is Essential on Debian; only core Socket used.
bgp_capture() {
	lab_exec cgw perl -e '
		use strict; use Socket;
		my ($ip, $t) = @ARGV;
		$SIG{ALRM} = sub { exit 2 }; alarm $t;
		socket(my $s, PF_INET, SOCK_STREAM, 0) or die "socket: $!";
		setsockopt($s, SOL_SOCKET, SO_REUSEADDR, pack("l", 1)) or die "setsockopt: $!";
		bind($s, sockaddr_in(179, inet_aton($ip))) or die "bind: $!";
		listen($s, 1) or die "listen: $!";
		accept(my $c, $s) or die "accept: $!";
		my $buf = "";
		while (length($buf) < 29) {
			my $n = sysread($c, $buf, 4096, length $buf);
			last unless $n;
		}
		print unpack("H*", $buf), "\n";
	' "$1" "$2"
}

# is_bgp_open HEX AS: BGP marker (16 x 0xff), type 1 (OPEN), version 4,
# My Autonomous System = AS.
is_bgp_open() {
	local hex="$1" as
	as="$(printf '%04x' "$2")"
	[ "${hex:0:32}" = "ffffffffffffffffffffffffffffffff" ] &&
	[ "${hex:36:2}" = "01" ] && [ "${hex:38:2}" = "04" ] &&
	[ "${hex:40:4}" = "$as" ]
}

# file_nonempty FILE: for lab_wait.
file_nonempty() {
	[ -s "$1" ]
}

# standin_birdc CMD...: birdc of the CGW stand-in BIRD.
standin_birdc() {
	lab_exec cgw birdc -s "$LAB_DIR/cgw.ctl" "$@"
}

# standin_start: a BIRD in cgw playing vtibgpd (AS 65000, announcing
# 172.100.0.0/16 on both tunnels, learned routes into the cgw kernel).
standin_start() {
	cat > "$LAB_DIR/cgw.conf" <<EOF
log "$LAB_DIR/cgw-bird.log" all;
router id 172.100.0.1;
protocol device { }
protocol kernel { ipv4 { import none; export where source = RTS_BGP; }; }
protocol static { ipv4; route 172.100.0.0/16 blackhole; }
protocol bgp t1 {
    local 169.254.249.58 as 65000; neighbor 169.254.249.57 as 64512;
    interface "vti0"; direct; connect delay time 1; error wait time 1,5;
    ipv4 { import all; export where source = RTS_STATIC; };
}
protocol bgp t2 {
    local 169.254.249.62 as 65000; neighbor 169.254.249.61 as 64512;
    interface "vti1"; direct; connect delay time 1; error wait time 1,5;
    ipv4 { import all; export where source = RTS_STATIC; };
}
EOF
	lab_exec cgw bird -c "$LAB_DIR/cgw.conf" -s "$LAB_DIR/cgw.ctl" \
		-P "$LAB_DIR/cgw.pid" || return 1
	lab_wait 5 file_nonempty "$LAB_DIR/cgw.pid" || return 1
	STANDIN_PID="$(cat "$LAB_DIR/cgw.pid")"
	lab_record_pid "$STANDIN_PID"
}

# standin_med PROTO PREFIX MED: the stand-in got PREFIX from PROTO with MED.
standin_med() {
	standin_birdc show route "$2" protocol "$1" all 2>/dev/null |
		grep -q "BGP.med: $3\$"
}

# standin_has PREFIX...: the stand-in learned every PREFIX from both tunnels.
standin_has() {
	local p
	for p in "$@"; do
		standin_birdc show route "$p" protocol t1 2>/dev/null | grep -qF "$p" &&
		standin_birdc show route "$p" protocol t2 2>/dev/null | grep -qF "$p" || return 1
	done
}

# standin_meds MED1 MED2: 10.10.0.0/16 came with MED1 on t1 and MED2 on t2.
standin_meds() {
	standin_med t1 10.10.0.0/16 "$1" && standin_med t2 10.10.0.0/16 "$2"
}

# both_established: tun1 and tun2 are up.
both_established() {
	bird_established tun1 && bird_established tun2
}

# bird_pid_changed OLD: the VGW BIRD runs with a PID other than OLD.
bird_pid_changed() {
	local pid
	pid="$(lab_bird_pid)" && [ "$pid" != "$1" ]
}

# vgw_route_to_lan: BIRD exported the CGW's network into the vgw kernel.
vgw_route_to_lan() {
	ip -n "$LAB_VGW" route show 172.100.0.0/16 proto bird | grep -q 'via 169.254.249.'
}

# netns_gone: none of this lab's namespaces is left.
netns_gone() {
	! ip netns list | grep -qF "${LAB_ID}-"
}

# ---------------------------------------------------------------- the test

T0="${EPOCHREALTIME}"
STANDIN_PID=""
lab_trap   # lab_down on EXIT, INT and TERM
if ! lab_up; then
	echo "not ok 1 - lab_up"
	exit 1
fi
check "lab_up exported the namespace names" \
	test -n "$LAB_CGW" -a -n "$LAB_VGW" -a -n "$LAB_LAN" -a -n "$LAB_VPC"

# Addressing: every /30 and LAN answers.
check "cgw pings VGW tunnel 1 (169.254.249.57)" ping_ok cgw 169.254.249.57
check "cgw pings VGW tunnel 2 (169.254.249.61)" ping_ok cgw 169.254.249.61
check "lan host pings cgw (172.100.0.1)" ping_ok lan 172.100.0.1
check "vpc host pings vgw (10.10.0.1)" ping_ok vpc 10.10.0.1

# BIRD is up and actively connecting; capture its OPENs on both tunnels.
check "bird tun1 is connecting (Connect/Active)" lab_wait 5 bird_connecting tun1
check "bird tun2 is connecting (Connect/Active)" lab_wait 5 bird_connecting tun2
bgp_capture 169.254.249.58 20 > "$LAB_DIR/open1.hex" 2>"$LAB_DIR/open1.err" &
CAP1=$!
bgp_capture 169.254.249.62 20 > "$LAB_DIR/open2.hex" 2>"$LAB_DIR/open2.err" &
CAP2=$!
lab_record_pid "$CAP1"
lab_record_pid "$CAP2"
wait "$CAP1" "$CAP2"
check "tun1 connects to 169.254.249.58:179 and sends OPEN from AS 64512" \
	is_bgp_open "$(cat "$LAB_DIR/open1.hex")" 64512
check "tun2 connects to 169.254.249.62:179 and sends OPEN from AS 64512" \
	is_bgp_open "$(cat "$LAB_DIR/open2.hex")" 64512

# Carrier loss on tunnel 1.
lab_link_down 1
check "link down 1: cgw vti0 loses carrier" lab_wait 3 no_carrier cgw vti0
check "link down 1: ping 169.254.249.57 fails" ping_fails cgw 169.254.249.57
lab_link_up 1
check "link up 1: cgw vti0 has carrier again" lab_wait 5 carrier_up cgw vti0
check "link up 1: ping 169.254.249.57 works again" \
	lab_wait 5 ping_ok cgw 169.254.249.57

# Silent drop on tunnel 2.
lab_drop 2
check "drop 2: ping 169.254.249.61 fails" ping_fails cgw 169.254.249.61
check "drop 2: cgw vti1 stays UP with carrier" carrier_up cgw vti1
check "drop 2: tunnel 1 unaffected" ping_ok cgw 169.254.249.57
lab_undrop 2
check "undrop 2: ping 169.254.249.61 works again" \
	lab_wait 5 ping_ok cgw 169.254.249.61

# End to end with a BIRD standing in for vtibgpd in cgw.
check "stand-in BIRD starts in cgw" standin_start
check "tun1 reaches Established" lab_wait 15 bird_established tun1
check "tun2 reaches Established" lab_wait 15 bird_established tun2
check "cgw learns 10.10.0.0/16 with MED 100 on both tunnels" \
	lab_wait 5 standin_meds 100 100
check "vgw kernel routes 172.100.0.0/16 back over a tunnel" lab_wait 5 vgw_route_to_lan
check "lan host pings vpc host across the tunnel" lab_wait 5 ping_ok lan 10.10.0.10

# Reconfigure from the knobs: MED steering and synthetic prefixes.
LAB_MED1=50 LAB_EXTRA_PREFIXES=3
check "lab_bird_reconfigure succeeds" lab_bird_reconfigure
check "reconfigure: tun1 now sends MED 50, tun2 still 100" \
	lab_wait 5 standin_meds 50 100
check "reconfigure: 3 extra prefixes 10.128.0-2.0/24 announced" \
	lab_wait 5 standin_has 10.128.0.0/24 10.128.1.0/24 10.128.2.0/24
check "reconfigure: sessions stayed Established" \
	both_established
LAB_MED1=100 LAB_EXTRA_PREFIXES=0

# Restart of the VGW BIRD: new PID, sessions come back.
OLD_BIRD_PID="$(lab_bird_pid)"
check "lab_bird_restart succeeds" lab_bird_restart
check "restart: bird has a new PID" \
	bird_pid_changed "$OLD_BIRD_PID"
check "restart: tun1 Established again" lab_wait 15 bird_established tun1

[ "$FAILED" = 0 ] || diagnostics

# Teardown: nothing may be left.
BIRD_PID="$(lab_bird_pid)"
lab_down
check "lab_down: no namespace of this lab left" netns_gone
check "lab_down: bird pid $BIRD_PID gone" lab_pid_dead "$BIRD_PID"
check "lab_down: recorded stand-in pid $STANDIN_PID gone" lab_pid_dead "$STANDIN_PID"
check "lab_down: lab dir removed" test ! -e "$LAB_DIR"
lab_down
check "lab_down twice is harmless" netns_gone

echo "1..$CHECKS"
T1="${EPOCHREALTIME}"
printf '# %d checks in %.1f s\n' "$CHECKS" "$(awk -v a="$T0" -v b="$T1" 'BEGIN {print b - a}')"
exit "$FAILED"
