#!/bin/bash
# SPDX-License-Identifier: ISC
# tests/bench/bench.sh: vtibgpd against BIRD 2 and FRR in the namespace lab
# (tests/lab/lab.sh), one device under test (DUT) at a time, same VGW
# emulator (BIRD 2 with the lab's AWS profile, announcing 10.10.0.0/16 and
# N synthetic /24s on both tunnels with MED 100; every DUT prefers tunnel
# 1 by a lower local preference on tunnel 2).  Needs root.  `make bench` runs it; see
# doc/benchmarks.md for the figures and what each one means.
#
#   bench.sh [-n "100 10000 100000 1000000"] [-d "kernel vtibgpd bird frr"]
#            [-r 3] [-t "converge carrier silent hostile"] [-o DIR] [-a] [-s]
#   -n  sizes N            -d  DUTs: kernel (the floor), vtibgpd,
#   -r  repetitions            vtibgpd-probe (probes 200ms x 3), bird, frr,
#                              and with ECMP on: vtibgpd-ecmp (probes 200ms
#                              x 3), bird-ecmp, frr-ecmp, and over
#                              IPv6: vtibgpd6 (probes 200ms x 3),
#                              bird6, frr6
#   -t  tests              -o  where benchmarks.csv/.md go (default doc/)
#   -a  merge into the CSV (rows of the same DUT, N and figure replaced;
#       peak RSS and total CPU keep the larger value)
#   -s  smoke: no report, exit 1 when a figure is missing
#   -m  also the micro-benchmark (UPDATE decoder + RIB insert, callgrind)
# BENCH_LOGS=DIR in the environment keeps every run's logs there.
#
# Each (DUT, N) gets a fresh lab.  The watcher (nlwatch) timestamps route
# events in the CGW namespace; failovers are timed from the CGW's carrier
# loss event (carrier) or from the nft command (silent), to the first and
# to the last of the N+1 prefixes whose lowest-metric route uses tunnel 2,
# and recovery until all use tunnel 1 again.
#
# The ECMP DUTs (*-ecmp) face the lab's TGW profile (LAB_PROFILE=tgw, MED
# 100 on both tunnels); nothing prefers a tunnel (no local preference, no
# prepend), each installs every prefix on both tunnels (vtibgpd `kernel {
# ecmp on }`, BIRD `merge paths on` in its kernel protocol, FRR
# `maximum-paths 2`), and "converged" / "recovered" mean every prefix on
# both tunnels, "failed over" every prefix on tunnel 2 alone.
#
# The IPv6 DUTs (*6) peer over the tunnels' IPv6 inside addresses
# (LAB_IPV6="1 2": fd00:N::/126, the lab's TGW profile, since AWS offers
# IPv6 VPNs only on a transit gateway); the VGW announces
# 2001:db8:10::/56 and N synthetic /48s (LAB_EXTRA_PREFIXES6, from
# 2001:db8:8000::/48) on both tunnels with MED 100, no IPv4 routes; the
# DUT prefers tunnel 1 as the IPv4 DUTs do and the watcher (nlwatch -6)
# follows the IPv6 table.
#
# -t hostile (vtibgpd DUTs): then the same failovers again, with 16
# unprivileged users (setpriv, uids 60000-60015) holding 16 control
# connections each (tests/bench/ctl_hostile -m mix: idle with a partial
# 1 MiB request, flooding requests, watching without reading): rows
# hostile_carrier_*, hostile_silent_*, rss_idle / rss_hostile (VmRSS), and
# root's vtibgpctl round trips ctl_summary / ctl_reset, idle and hostile.
set -u

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
: "${top_srcdir:=$(cd "$BENCH_DIR/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
VTIBGPD="$top_builddir/vtibgpd"
NLWATCH="$top_builddir/tests/bench/nlwatch"
NLFLOOR="$top_builddir/tests/bench/nlfloor"
UPDBENCH="$top_builddir/tests/bench/upd_bench"
HOSTILE="$top_builddir/tests/bench/ctl_hostile"
VTIBGPCTL="$top_builddir/vtibgpctl"
FRR_LIB=/usr/lib/frr

SIZES="100 10000"
DUTS="kernel vtibgpd vtibgpd-probe bird frr"
REPS=3
TESTS="converge carrier silent"
OUT="$top_srcdir/doc"
APPEND=0
SMOKE=0
MICRO=0
CMDLINE="$0$(printf " %q" "$@")"
while getopts "n:d:r:t:o:asm" opt; do
	case $opt in
	n) SIZES=$OPTARG ;;
	d) DUTS=$OPTARG ;;
	r) REPS=$OPTARG ;;
	t) TESTS=$OPTARG ;;
	o) OUT=$OPTARG ;;
	a) APPEND=1 ;;
	s) SMOKE=1 ;;
	m) MICRO=1 ;;
	*) sed -n '2,/^set -u/p' "$0" | sed 's/^# \{0,1\}//;$d' >&2; exit 2 ;;
	esac
done

. "$top_srcdir/tests/lab/lab.sh"

log() { printf '%s bench: %s\n' "$(date +%H:%M:%S.%3N)" "$*" >&2; }
now_us() { local t=$EPOCHREALTIME; echo "${t/[.,]/}"; }
has_test() { [[ " $TESTS " == *" $1 "* ]]; }

# ---------------------------------------------------------------- results

RAW=""            # this run's rows: dut,n,metric,rep,value,unit
HOME_C=vti0       # where every prefix is when all is well (ECMP: both)
V6=""             # an IPv6 DUT (*6): the lab and the watcher in IPv6
row() { printf '%s,%s,%s,%s,%s,%s\n' "$DUT" "$N" "$1" "$2" "$3" "$4" >> "$RAW"; }

# ---------------------------------------------------------------- watcher

NLW=""            # nlwatch output of the current lab
NLW_PID=""
T=0               # N + 1

# nlw_find SINCE_US COND: timestamp of the first watcher line at or after
# SINCE_US for which the awk condition COND holds; c["vti0"] etc. are the
# line's key=value fields, ev its event name.  Nothing if none yet.
nlw_find() {
	awk -v since="$1" -v T="$T" '
	$1 >= since {
		delete c; ev = $2
		for (i = 3; i <= NF; i++) if (split($i, kv, "=") == 2) c[kv[1]] = kv[2]
		if ('"$2"') { print $1; exit }
	}' "$NLW"
}

# nlw_wait SECS SINCE_US COND: wait for such a line; prints its timestamp.
nlw_wait() {
	local deadline=$(( $(now_us) + $1 * 1000000 )) t
	while :; do
		t=$(nlw_find "$2" "$3")
		[ -n "$t" ] && { echo "$t"; return 0; }
		[ "$(now_us)" -ge "$deadline" ] && return 1
		sleep 0.05
	done
}

# nlw_last: the last "cnt" line (the current counts).
nlw_last() { grep ' cnt ' "$NLW" | tail -1; }

# nlw_quiet_since SINCE: true if the last line is "quiet" and after SINCE.
nlw_quiet_since() {
	tail -1 "$NLW" | awk -v s="$1" '$2 == "quiet" && $1 >= s { ok = 1 } END { exit !ok }'
}

nlw_start() {
	NLW="$LAB_DIR/nlwatch.out"
	# real-time priority: its timestamps must not wait for a busy CPU
	lab_spawn cgw chrt -f 10 "$NLWATCH" ${V6:+-6} -n "$N" -q 1000 \
	    >"$NLW" 2>"$LAB_DIR/nlwatch.err"
	NLW_PID=$LAB_SPAWN_PID
	lab_wait 10 grep -q ' ready ' "$NLW"
}

# ---------------------------------------------------------------- VGW side

both_up() {
	local out
	out=$(lab_birdc show protocols 2>/dev/null) || return 1
	[ "$(grep -cE '^tun[12] .*Established' <<<"$out")" = 2 ]
}

# First "State changed to up" of tun1/tun2 in the VGW BIRD's log at or
# after SINCE_US, as epoch microseconds.
vgw_session_up_us() {
	local line ts
	while read -r line; do
		ts=$(date -u -d "${line:0:23}" +%s%N 2>/dev/null) || continue
		ts=$((ts / 1000))
		[ "$ts" -ge "$1" ] && { echo "$ts"; return 0; }
	done < <(grep -E 'tun[12]: State changed to up' "$LAB_DIR/bird.log")
	return 1
}

# ---------------------------------------------------------------- DUTs

DUT_PIDS=""

# Processes of the DUT: everything in the CGW namespace but the watcher.
dut_pids() {
	local p
	for p in $(ip netns pids "$LAB_CGW" 2>/dev/null); do
		[ "$p" = "$NLW_PID" ] && continue
		case "$(cat /proc/"$p"/comm 2>/dev/null)" in
		vtibgpd|bird|zebra|bgpd) echo "$p" ;;
		esac
	done
}

# CPU seconds (user + system) and peak RSS (KiB, VmHWM summed; or another
# field of /proc/PID/status, e.g. VmRSS) of them.
dut_cpu() {
	local p tot=0 tck
	tck=$(getconf CLK_TCK)
	for p in $(dut_pids); do
		tot=$((tot + $(awk '{ print $14 + $15 }' /proc/"$p"/stat 2>/dev/null || echo 0)))
	done
	awk -v t="$tot" -v h="$tck" 'BEGIN { printf "%.2f\n", t / h }'
}
dut_rss() {
	local p tot=0 kb key=${1:-VmHWM}
	for p in $(dut_pids); do
		kb=$(awk -v k="$key:" '$1 == k { print $2 }' /proc/"$p"/status 2>/dev/null)
		tot=$((tot + ${kb:-0}))
	done
	echo "$tot"
}

# The import range of the lab's prefixes (see lab_bird_extra_routes).
ALLOW="10.10.0.0/16 10.128.0.0/9 11.0.0.0/8 12.0.0.0/6 16.0.0.0/4"

# start_vtibgpd [probe] [ecmp|ipv6] (ipv6: the IPv6 DUT, over the
# tunnels' IPv6 inside addresses)
start_vtibgpd() {
	local probe="" a ecmp=off backup="prepend 2 preference 90" al=()
	local net=172.100.0.0/16 n1=$LAB_VGW_IP1 n2=$LAB_VGW_IP2
	[ "${1:-}" = probe ] && probe='probe { interval 200ms misses 3 }'
	for a in $ALLOW; do al+=("$a le 24"); done
	case ${2:-} in
	ecmp)	ecmp=on backup="" ;;
	ipv6)	net=$NET6 n1=fd00:1::1 n2=fd00:2::1
		IFS=';' read -ra al <<<"$ALLOW6" ;;
	esac
	{
		echo "router-id 172.100.0.1"
		echo "local-as 65000"
		echo "network $net"
		echo "defaults { hold-time 30 keepalive 10 connect-retry 1 }"
		printf 'import {'
		for a in "${al[@]}"; do printf ' allow %s' "${a# }"; done
		echo " max-prefix $((2 * N + 100)) }"
		echo "kernel { metric 20 ecmp $ecmp }"
		echo "neighbor $n1 { interface vti0 remote-as 64512 $probe }"
		echo "neighbor $n2 { interface vti1 remote-as 64512 $backup $probe }"
	} >"$LAB_DIR/vtibgpd.conf"
	lab_spawn cgw "$VTIBGPD" -d -f "$LAB_DIR/vtibgpd.conf" \
	    -s "$LAB_DIR/vtibgpd.sock" 2>"$LAB_DIR/vtibgpd.log"
}

# BIRD 2 as a competent operator sets it up for fast failover: direct
# eBGP bound to the tunnel, `check link` (carrier loss drops the session
# at once), no TTL security (as AWS), connect/error timers as short as the
# VGW's, hold/keepalive as AWS (30/10), kernel protocol exporting only
# BGP routes, learn off, no persist.  start_bird ecmp: no backup (no
# local preference, no prepend) and `merge paths on`: equal paths of
# both tunnels merged into one multipath kernel route.  start_bird ipv6:
# the IPv6 DUT: sessions and an ipv6 channel over the tunnels' IPv6
# inside addresses.
start_bird() {
	local pfxs="" a merge="" backup=vpc_in_backup af=ipv4
	local net=172.100.0.0/16 n1=$LAB_VGW_IP1 s1=$LAB_CGW_IP1
	local n2=$LAB_VGW_IP2 s2=$LAB_CGW_IP2
	local prepend='bgp_path.prepend(65000); bgp_path.prepend(65000); '
	case ${1:-} in
	ecmp)	merge="merge paths on;" backup=vpc_in prepend="" ;;
	ipv6)	af=ipv6 net=$NET6 n1=fd00:1::1 s1=fd00:1::2 n2=fd00:2::1 \
		    s2=fd00:2::2
		pfxs="2001:db8:10::/48{48,56}, 2001:db8:8000::/33{33,48}" ;;
	esac
	[ "$af" = ipv6 ] ||
	    for a in $ALLOW; do pfxs="$pfxs${pfxs:+, }$a{${a#*/},24}"; done
	cat >"$LAB_DIR/dut-bird.conf" <<EOF
log "$LAB_DIR/dut-bird.log" { info, warning, error, fatal };
router id 172.100.0.1;
protocol device { scan time 10; }
protocol static local_nets { $af; route $net blackhole; }
protocol kernel {
    $af { import none; export where source = RTS_BGP; };
    learn off; persist off; scan time 60; $merge
}
filter vpc_in { if net ~ [ $pfxs ] then accept; reject; }
filter vpc_in_backup { if net ~ [ $pfxs ] then { bgp_local_pref = 90; accept; } reject; }
template bgp vgw {
    local as 65000;
    direct; check link on;
    hold time 30; keepalive time 10;
    connect delay time 1; connect retry time 1; error wait time 1,5;
    graceful restart off;
}
protocol bgp tun1 from vgw {
    neighbor $n1 as 64512; interface "vti0"; source address $s1;
    $af { import filter vpc_in; export where source = RTS_STATIC; };
}
protocol bgp tun2 from vgw {
    neighbor $n2 as 64512; interface "vti1"; source address $s2;
    $af { import filter $backup;
           export filter { if source = RTS_STATIC then { ${prepend}accept; } reject; }; };
}
EOF
	lab_spawn cgw bird -f -c "$LAB_DIR/dut-bird.conf" \
	    -s "$LAB_DIR/dut-bird.ctl" -P "$LAB_DIR/dut-bird.pid" \
	    2>"$LAB_DIR/dut-bird.err"
}

# FRR 8 (zebra + bgpd, no watchfrr/staticd) in its own pathspace (-N) with
# its sockets in LAB_DIR; fast failover as FRR offers it: eBGP
# fast-external-failover (default on: interface down resets the session),
# BGP timers 10/30 as AWS, connect retry 1 s, MRAI 0, route-maps
# because FRR refuses eBGP routes without a policy; zebra with nexthop
# groups (its default on this kernel) and a 128 MiB netlink buffer.
# start_frr ecmp: no backup route-maps, and `maximum-paths 2`.  start_frr
# ipv6: the IPv6 DUT, over the tunnels' IPv6 inside addresses.
start_frr() {
	# FRR's pathspace: /var/run/frr/LAB_ID, owned by frr (its daemons read
	# the configuration after dropping to that user); removed by frr_clean.
	local d="/var/run/frr/$LAB_ID" a i=1 bk=-BACKUP ip=ip af=ipv4
	local net=172.100.0.0/16 n1=$LAB_VGW_IP1 n2=$LAB_VGW_IP2 vpc=()
	for a in $ALLOW; do vpc+=("$a le 24"); done
	case ${1:-} in
	ecmp)	bk="" ;;
	ipv6)	ip=ipv6 af=ipv6 net=$NET6 n1=fd00:1::1 n2=fd00:2::1
		IFS=';' read -ra vpc <<<"$ALLOW6" ;;
	esac
	FRR_DIR=$d
	install -d -o frr -g frr -m 750 "$d"
	cat >"$d/zebra.conf" <<EOF
hostname cgw-zebra
log file $d/zebra.log informational
EOF
	{
		echo "hostname cgw-bgpd"
		echo "log file $d/bgpd.log informational"
		for a in "${vpc[@]}"; do
			echo "$ip prefix-list VPC seq $((i * 5)) permit ${a# }"
			i=$((i + 1))
		done
		echo "$ip prefix-list LOCAL seq 5 permit $net"
		echo "route-map VPC-IN permit 10"
		echo " match $ip address prefix-list VPC"
		echo "route-map VPC-IN-BACKUP permit 10"
		echo " match $ip address prefix-list VPC"
		echo " set local-preference 90"
		echo "route-map LOCAL-OUT permit 10"
		echo " match $ip address prefix-list LOCAL"
		echo "route-map LOCAL-OUT-BACKUP permit 10"
		echo " match $ip address prefix-list LOCAL"
		echo " set as-path prepend 65000 65000"
		echo "router bgp 65000"
		echo " bgp router-id 172.100.0.1"
		echo " no bgp default ipv4-unicast"
		echo " timers bgp 10 30"
		for a in "$n1 vti0" "$n2 vti1"; do
			set -- $a
			echo " neighbor $1 remote-as 64512"
			echo " neighbor $1 update-source $2"
			echo " neighbor $1 timers connect 1"
			echo " neighbor $1 advertisement-interval 0"
		done
		echo " address-family $af unicast"
		echo "  network $net"
		[ -z "$bk" ] && echo "  maximum-paths 2"
		for a in "$n1 LOCAL-OUT VPC-IN" "$n2 LOCAL-OUT$bk VPC-IN$bk"; do
			set -- $a
			echo "  neighbor $1 activate"
			echo "  neighbor $1 route-map $3 in"
			echo "  neighbor $1 route-map $2 out"
		done
		echo " exit-address-family"
	} >"$d/bgpd.conf"
	chown frr:frr "$d"/*.conf
	# our network must be in the RIB for `network`: a blackhole, as BIRD's
	lab_exec cgw ip -${af#ipv} route replace blackhole "$net" proto static
	lab_spawn cgw "$FRR_LIB/zebra" -N "$LAB_ID" -f "$d/zebra.conf" \
	    --vty_socket "$d" -P 0 -s 134217728 2>"$LAB_DIR/zebra.err"
	lab_wait 10 test -S "$d/zserv.api" || log "zebra did not start"
	lab_spawn cgw "$FRR_LIB/bgpd" -N "$LAB_ID" -f "$d/bgpd.conf" \
	    --vty_socket "$d" -P 0 -p 179 2>"$LAB_DIR/bgpd.err"
}

# frr_clean: keep FRR's logs in LAB_DIR, remove its pathspace directory.
FRR_DIR=""
frr_clean() {
	case "$FRR_DIR" in
	/var/run/frr/vtb*)
		cp "$FRR_DIR"/*.log "$LAB_DIR"/ 2>/dev/null
		rm -rf -- "$FRR_DIR" ;;
	esac
	FRR_DIR=""
}

# lab_stop_dut: stop the DUT's processes (recorded PIDs, TERM then KILL)
# before the lab goes, so that FRR's directory can be cleaned.
lab_stop_dut() {
	local p
	for p in $(dut_pids); do lab_stop_pid "$p"; done
	frr_clean
}

# The IPv6 DUTs: the lab's IPv6 addresses inside the tunnels, our
# network 2001:db8:172::/48, the VGW's /56 and /48s (lab.sh).
ALLOW6="2001:db8:10::/48 le 56; 2001:db8:8000::/33 le 48"
NET6=2001:db8:172::/48

start_dut() {
	case $DUT in
	vtibgpd6) start_vtibgpd probe ipv6 ;;
	bird6) start_bird ipv6 ;;
	frr6) start_frr ipv6 ;;
	vtibgpd) start_vtibgpd ;;
	vtibgpd-probe) start_vtibgpd probe ;;
	vtibgpd-ecmp) start_vtibgpd probe ecmp ;;
	bird) start_bird ;;
	bird-ecmp) start_bird ecmp ;;
	frr) start_frr ;;
	frr-ecmp) start_frr ecmp ;;
	esac
}

dut_version() {
	case $1 in
	vtibgpd*) "$VTIBGPD" -V 2>&1 | head -1 ;;
	bird*) bird --version 2>&1 | head -1 ;;
	frr*) "$FRR_LIB/bgpd" --version 2>&1 | head -1 ;;
	esac
}

# ---------------------------------------------------------------- measurements

ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f\n", (b - a) / 1000 }'; }

# steady SECS: all prefixes on tunnel 1, both sessions up, no route event
# for a second (standby routes and background work done).
steady() {
	local deadline=$(( $(now_us) + $1 * 1000000 )) since
	since=$(now_us)
	while :; do
		if nlw_last | grep -q " $HOME_C=$T " && both_up &&
		    nlw_quiet_since "$since"; then
			return 0
		fi
		[ "$(now_us)" -ge "$deadline" ] && return 1
		sleep 0.2
	done
}

# One failover and its recovery.  KIND carrier|silent; REP the number.
failover() {
	local kind=$1 rep=$2 mark t0 first all up back sess lu tmo=$((30 + N / 10000))
	[ "$kind" = silent ] && tmo=$((50 + N / 10000))
	mark=$(now_us)
	if [ "$kind" = carrier ]; then
		lab_link_down 1
		t0=$(nlw_wait 5 "$mark" 'ev == "link" && $3 == "vti0" && c["carrier"] == 0') || t0=""
		[ -n "$t0" ] && row "${FPFX:-}carrier_trigger" "$rep" "$(ms "$mark" "$t0")" ms
	else
		lab_drop 1
		t0=$mark
	fi
	# (from the command: the kernel flushes the dead routes before it
	# announces the carrier loss; what is done by then counts as 0)
	if [ -n "$t0" ] &&
	    all=$(nlw_wait "$tmo" "$mark" 'ev == "cnt" && c["vti1"] == T'); then
		first=$(nlw_find "$mark" 'ev == "cnt" && c["vti1"] > 0')
		[ "$all" -ge "$t0" ] || all=$t0
		[ "$first" -ge "$t0" ] || first=$t0
		row "${FPFX:-}${kind}_first" "$rep" "$(ms "$t0" "$first")" ms
		row "${FPFX:-}${kind}_all" "$rep" "$(ms "$t0" "$all")" ms
		react "$kind" "$rep" "$t0" "$all"
		log "$DUT N=$N ${FPFX:-}$kind #$rep: first $(ms "$t0" "$first") ms, all $(ms "$t0" "$all") ms"
	else
		log "$DUT N=$N ${FPFX:-}$kind #$rep: not all moved within $tmo s: $(nlw_last)"
		row "${FPFX:-}${kind}_all" "$rep" timeout s
	fi
	sleep 1
	mark=$(now_us)
	if [ "$kind" = carrier ]; then
		lab_link_up 1
		up=$(nlw_wait 5 "$mark" 'ev == "link" && $3 == "vti0" && c["carrier"] == 1') || up=$mark
	else
		lab_undrop 1
		up=$mark
	fi
	if back=$(nlw_wait $((60 + N / 5000)) "$up" "ev == \"cnt\" && c[\"$HOME_C\"] == T"); then
		row "${FPFX:-}${kind}_recovery" "$rep" "$(ms "$up" "$back")" ms
		# where the time goes: the session on tunnel 1 coming back up
		sess=$(vgw_session_up_us "$up") &&
		    row "${FPFX:-}${kind}_recovery_session" "$rep" "$(ms "$up" "$sess")" ms
		# and the VGW's last UPDATE on tunnel 1 before all were back
		lu=$(last_update "$up" "$back") &&
		    row "${FPFX:-}${kind}_recovery_lastupdate" "$rep" "$(ms "$up" "$lu")" ms
		log "$DUT N=$N ${FPFX:-}$kind #$rep: recovery $(ms "$up" "$back") ms (session up after ${sess:+$(ms "$up" "$sess")} ms, last UPDATE after ${lu:+$(ms "$up" "$lu")} ms)"
	else
		log "$DUT N=$N ${FPFX:-}$kind #$rep: no recovery within $((60 + N / 5000)) s"
		row "${FPFX:-}${kind}_recovery" "$rep" timeout s
		return 1
	fi
	steady $((60 + N / 5000)) || { log "$DUT N=$N: not steady after recovery"; return 1; }
}

# ---------------------------------------------------------------- hostile users

HOSTILE_PIDS=""
hostile_start() {
	local u
	chmod 711 "$LAB_DIR"	# the socket is 0666; its directory was 0700
	for u in $(seq 60000 60015); do
		setpriv --reuid="$u" --regid="$u" --clear-groups "$HOSTILE" \
		    -s "$LAB_DIR/vtibgpd.sock" -n 16 -m mix \
		    >"$LAB_DIR/hostile.$u.out" 2>&1 &
		lab_record_pid $!
		HOSTILE_PIDS="$HOSTILE_PIDS $!"
	done
}

hostile_stop() {
	[ -n "$HOSTILE_PIDS" ] || return 0
	# shellcheck disable=SC2086
	kill -TERM $HOSTILE_PIDS 2>/dev/null
	# shellcheck disable=SC2086
	wait $HOSTILE_PIDS 2>/dev/null
	HOSTILE_PIDS=""
}

# ctl_rtt NAME CMD...: root's vtibgpctl round trip, a row in ms.
ctl_rtt() {
	local name=$1 t0 t1
	shift
	t0=$(now_us)
	"$VTIBGPCTL" -s "$LAB_DIR/vtibgpd.sock" "$@" >/dev/null 2>&1 ||
	    log "vtibgpctl $* failed"
	t1=$(now_us)
	row "$name" 1 "$(ms "$t0" "$t1")" ms
}

# The failovers again with 256 hostile clients; the rows before them in
# this run are the figures without.
run_hostile() {
	local r tmo=$((60 + N / 5000)) users
	row rss_idle 1 "$(dut_rss VmRSS)" KiB
	ctl_rtt ctl_summary_idle show summary
	ctl_rtt ctl_reset_idle neighbor vti1 reset
	steady "$tmo" || return 1
	hostile_start
	sleep 10	# every connection made, the idle ones past their request
	users=$("$VTIBGPCTL" -s "$LAB_DIR/vtibgpd.sock" metrics |
	    sed -n 's/^vtibgp_control_clients{class="user"} //p')
	row hostile_clients 1 "${users:-0}" count
	log "$DUT N=$N: $users hostile clients connected"
	ctl_rtt ctl_summary_hostile show summary
	ctl_rtt ctl_reset_hostile neighbor vti1 reset
	steady "$tmo" || { hostile_stop; return 1; }
	FPFX=hostile_
	for r in $(seq 1 "$REPS"); do
		failover carrier "$r" || break
	done
	for r in $(seq 1 "$REPS"); do
		[ "$DUT" = vtibgpd-probe ] || break
		failover silent "$r" || break
	done
	FPFX=
	row rss_hostile 1 "$(dut_rss VmRSS)" KiB
	"$VTIBGPCTL" -s "$LAB_DIR/vtibgpd.sock" metrics |
	    grep -E '^vtibgp_(control|watch)_' | sed 's/^/# /' >&2
	hostile_stop
}

# dut_log_us SINCE_US REGEX: the time (us) of vtibgpd's first log line
# matching REGEX at or after SINCE_US (its stamps are in ms: 1 ms slack).
dut_log_us() {
	local line ts
	[ -f "$LAB_DIR/vtibgpd.log" ] || return 1
	while read -r line; do
		ts=$(date -d "${line:0:23}" +%s%N 2>/dev/null) || continue
		ts=$((ts / 1000))
		[ "$ts" -ge $(($1 - 1000)) ] && { echo "$ts"; return 0; }
	done < <(grep -E "$2" "$LAB_DIR/vtibgpd.log")
	return 1
}

# How long vtibgpd took to act on the failure, from its log: carrier,
# from the kernel's link event to its "link down" line; silent, from its
# probe verdict to the last route moved.  What waits behind control work.
react() {
	local kind=$1 rep=$2 t0=$3 all=$4 t
	[[ $DUT == vtibgpd* ]] || return 0
	if [ "$kind" = carrier ]; then
		t=$(dut_log_us "$t0" 'tunnel vti0: link down') &&
		    row "${FPFX:-}carrier_react" "$rep" "$(ms "$t0" "$t")" ms
	else
		t=$(dut_log_us "$t0" 'probe: [0-9]+ echoes in a row unanswered') &&
		    row "${FPFX:-}silent_react" "$rep" "$(ms "$t" "$all")" ms
	fi
}

# last_update FROM_US TO_US: arrival (us) of the last UPDATE packet from
# tunnel 1 between the two times (the capture runs for the whole run).
last_update() {
	local t
	[ -s "$LAB_DIR/updates.txt" ] || return 1
	t=$(awk -v a="$1" -v b="$2" '{ u = $1 * 1000000 } u >= a && u <= b { t = u }
	    END { if (t) printf "%.0f", t }' "$LAB_DIR/updates.txt")
	[ -n "$t" ] && echo "$t"
}

# updates_done SESSION_US ALL_US: where the convergence time goes: the
# last UPDATE packet from tunnel 1 (tcpdump in the CGW) against the last
# route in the kernel.
updates_done() {
	local last
	last=$(awk '$1 > 0 { t = $1 } END { printf "%.0f", t * 1000000 }' "$LAB_DIR/updates.txt")
	[ "${last:-0}" -gt 0 ] || return 0
	[ -n "$1" ] && row session_lastupdate 1 "$(ms "$1" "$last")" ms
	row lastupdate_all 1 "$(ms "$last" "$2")" ms
}

run_kernel() {
	local out line
	# as vtibgpd sets it: a group rewrite sends no per-route notification
	lab_sysctl "$LAB_CGW" net.ipv4.nexthop_compat_mode 0
	out=$(lab_exec cgw "$NLFLOOR" "$N") || log "nlfloor failed"
	printf '%s\n' "$out" | sed 's/^/# /' >&2
	while read -r line; do
		set -- $line
		[ "$1" = floor ] && [ "$2" != errors ] &&
		    row "floor_$2" 1 "$(awk -v s="$4" 'BEGIN { printf "%.3f", s * 1000 }')" ms
	done <<<"$out"
}

run_one() {
	local start sess="" all first tmo=$((120 + N / 2000)) r ok=1
	# the VGW as AWS runs it: MED 100 on both tunnels; each DUT makes
	# tunnel 2 its backup by a lower local preference
	export LAB_EXTRA_PREFIXES=$N LAB_MED1=100 LAB_MED2=100
	# (the ECMP DUTs: a transit gateway with ECMP, every prefix on both)
	case $DUT in
	*-ecmp) export LAB_PROFILE=tgw; HOME_C=both ;;
	*) export LAB_PROFILE=aws; HOME_C=vti0 ;;
	esac
	# (the IPv6 DUTs: IPv6 sessions, the /48s instead of the /24s)
	V6=""
	unset LAB_IPV6 LAB_EXTRA_PREFIXES6
	case $DUT in
	*6) V6=1
	    export LAB_PROFILE=tgw LAB_IPV6="1 2" LAB_EXTRA_PREFIXES6=$N
	    export LAB_EXTRA_PREFIXES=0 ;;
	esac
	T=$((N + 1))
	lab_up || { log "lab_up failed"; return 1; }
	lab_sysctl "$LAB_CGW" net.ipv4.conf.all.ignore_routes_with_linkdown 0
	nlw_start || { log "nlwatch did not start"; lab_down; return 1; }
	if [ "$DUT" = kernel ]; then
		run_kernel
		lab_down
		return 0
	fi
	# arrival of the UPDATEs from tunnel 1 (segments over 200 bytes, or
	# whose first BGP message is an UPDATE: a short one at the end of a
	# table counts too; keepalives do not), to tell the VGW's sending
	# time from the DUT's work
	local cap=""
	if [ -n "$V6" ] && command -v tcpdump >/dev/null; then
		# (IPv6: no tcp[] in filters; the TCP header from ip6[52])
		lab_spawn cgw tcpdump -i vti0 -n -tt -l -Q in \
		    "ip6 and tcp and src host fd00:1::1 and (greater 200 or
		    ip6[40 + ((ip6[52] & 0xf0) >> 2) + 18] = 2)" \
		    >"$LAB_DIR/updates.txt" 2>/dev/null
		cap=$LAB_SPAWN_PID
		sleep 0.5
	elif command -v tcpdump >/dev/null; then
		lab_spawn cgw tcpdump -i vti0 -n -tt -l -Q in \
		    "tcp and src host $LAB_VGW_IP1 and (greater 200 or
		    tcp[((tcp[12] & 0xf0) >> 2) + 18] = 2)" \
		    >"$LAB_DIR/updates.txt" 2>/dev/null
		cap=$LAB_SPAWN_PID
		sleep 0.5
	fi
	start=$(now_us)
	start_dut
	if all=$(nlw_wait "$tmo" "$start" "ev == \"cnt\" && c[\"$HOME_C\"] == T"); then
		first=$(nlw_find "$start" 'ev == "cnt" && c["none"] < T')
		row start_all 1 "$(ms "$start" "$all")" ms
		row start_first 1 "$(ms "$start" "$first")" ms
		if sess=$(vgw_session_up_us "$start"); then
			row session_all 1 "$(ms "$sess" "$all")" ms
		fi
		log "$DUT N=$N: all $T prefixes in $(ms "$start" "$all") ms from start"
	else
		log "$DUT N=$N: not converged within $tmo s: $(nlw_last)"
		row start_all 1 timeout s
		ok=0
	fi
	if [ $ok = 1 ] && steady $((60 + N / 5000)); then
		[ -n "$cap" ] && updates_done "$sess" "$all"
		row cpu_converge 1 "$(dut_cpu)" s
		row rss_converge 1 "$(dut_rss)" KiB
		row rss_now_converged 1 "$(dut_rss VmRSS)" KiB
		for r in $(seq 1 "$REPS"); do
			has_test carrier || break
			failover carrier "$r" || { ok=0; break; }
		done
		for r in $(seq 1 "$REPS"); do
			[ $ok = 1 ] && has_test silent || break
			failover silent "$r" || { ok=0; break; }
		done
		if [ $ok = 1 ] && has_test hostile && [[ $DUT == vtibgpd* ]]; then
			run_hostile || ok=0
		fi
	else
		log "$DUT N=$N: not steady: $(nlw_last)"
		ok=0
	fi
	[ -n "$cap" ] && lab_stop_pid "$cap"
	row rss_peak 1 "$(dut_rss)" KiB
	row cpu_total 1 "$(dut_cpu)" s
	if grep -q overrun "$NLW"; then
		row watcher_overruns 1 "$(grep -c overrun "$NLW")" count
	fi
	lab_stop_dut
	if [ -n "${BENCH_LOGS:-}" ]; then   # keep the logs of each run
		mkdir -p "$BENCH_LOGS/$DUT-$N" &&
		    cp "$LAB_DIR"/*.log "$LAB_DIR"/*.err "$LAB_DIR"/*.out \
		    "$LAB_DIR"/*.conf "$BENCH_LOGS/$DUT-$N"/ 2>/dev/null
	fi
	[ $ok = 1 ] || { for f in "$LAB_DIR"/*.log "$LAB_DIR"/*.err; do
		[ -f "$f" ] && { echo "# --- $f"; tail -15 "$f"; }; done | sed 's/^/# /' >&2; }
	lab_down
	[ $ok = 1 ]
}

# ---------------------------------------------------------------- report

machine_info() {
	echo "- CPU: $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
	echo "- Memory: $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
	echo "- Kernel: $(uname -sr)"
	echo "- Load average when the report was written: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "- vtibgpd: $(dut_version vtibgpd) ($(git -C "$top_srcdir" describe --always --dirty 2>/dev/null || echo 'no git'))"
	echo "- BIRD: $(dut_version bird)"
	echo "- FRR: $(dut_version frr)"
	echo "- libnl $(pkg-config --modversion libnl-3.0 2>/dev/null), gcc $(gcc -dumpfullversion 2>/dev/null), CFLAGS: $(sed -n 's/^CFLAGS = //p' "$top_builddir/Makefile" 2>/dev/null)"
}

# ---------------------------------------------------------------- main "$@"; exit

main() {
	local csv="$OUT/benchmarks.csv" d
	if [ "$(id -u)" != 0 ]; then
		echo "bench: needs root (network namespaces)" >&2
		exit 77
	fi
	for d in "$NLWATCH" "$NLFLOOR" "$VTIBGPD" $(has_test hostile && echo "$HOSTILE"); do
		[ -x "$d" ] || { echo "bench: $d not built (make bench builds it)" >&2; exit 1; }
	done
	RAW=$(mktemp /tmp/vtbbench.XXXXXX.csv)
	trap 'hostile_stop; lab_stop_dut 2>/dev/null; lab_down; rm -f "$RAW"' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	log "sizes: $SIZES; DUTs: $DUTS; $REPS repetitions; tests: $TESTS; load $(cut -d' ' -f1-3 /proc/loadavg)"
	for N in $SIZES; do
		for DUT in $DUTS; do
			case $DUT in
			frr*) [ -x "$FRR_LIB/bgpd" ] || { log "FRR not installed: skipped"; continue; } ;;
			esac
			log "=== $DUT N=$N (load $(cut -d' ' -f1-3 /proc/loadavg))"
			row load_before 1 "$(cut -d' ' -f1 /proc/loadavg)" load
			run_one || log "$DUT N=$N: incomplete"
		done
	done
	if [ "$MICRO" = 1 ] && [ -x "$UPDBENCH" ]; then
		DUT=micro N=0
		"$BENCH_DIR/micro.sh" "$UPDBENCH" >>"$RAW" || log "micro-benchmark failed"
	fi
	if [ "$SMOKE" = 1 ]; then
		cat "$RAW"
		# every DUT run must have produced its convergence and failover figures
		local missing
		missing=$(awk -F, '$5 == "timeout"' "$RAW")
		[ -z "$missing" ] || { echo "bench: timeouts: $missing" >&2; return 1; }
		return 0
	fi
	mkdir -p "$OUT"
	printf '_run,0,command,%s,%s,\n' "$(date -u +%FT%H:%MZ)" "${CMDLINE//,/;}" >> "$RAW"
	if [ "$APPEND" = 1 ] && [ -f "$csv" ]; then
		# keep the old rows of each (DUT, N, figure) not measured again;
		# peak RSS and total CPU: the larger of the old and the new
		awk -F, 'NR == FNR { if ($1 != "_run") { k = $1 "," $2 "," $3; seen[k] = 1; nv[k] = $5 }; next }
		    FILENAME == ARGV[2] { k = $1 "," $2 "," $3
			if (k in seen && ($3 == "rss_peak" || $3 == "cpu_total") && $5 + 0 > nv[k] + 0) keep[k] = $0
			if (!(k in seen) || (k in keep)) print; next }
		    { k = $1 "," $2 "," $3; if (!(k in keep)) print }' "$RAW" "$csv" "$RAW" > "$csv.new"
		mv "$csv.new" "$csv"
	else
		echo "dut,n,metric,rep,value,unit" > "$csv"
		cat "$RAW" >> "$csv"
	fi
	machine_info > "$RAW.machine"
	"$BENCH_DIR/report.sh" "$csv" "$RAW.machine" > "$OUT/benchmarks.md"
	rm -f "$RAW.machine"
	log "wrote $csv and $OUT/benchmarks.md"
}

main "$@"; exit
