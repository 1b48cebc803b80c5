# SPDX-License-Identifier: ISC
# tests/lib.sh: small helpers shared by the shell tests (sourced).
#
# Each check prints "ok N - what" or "not ok N - what"; t_done exits 0 when
# all passed, 1 otherwise.  Paths: $top_builddir and $top_srcdir come from
# the automake test environment (default: the current directory).

: "${top_builddir:=.}"
: "${top_srcdir:=.}"
VTIBGPD="$top_builddir/vtibgpd"
VTIBGPCTL="$top_builddir/vtibgpctl"
t_count=0
t_failed=0

t_ok() {
	t_count=$((t_count + 1))
	echo "ok $t_count - $*"
}

t_fail() {
	t_count=$((t_count + 1))
	t_failed=$((t_failed + 1))
	echo "not ok $t_count - $*"
}

# t_check DESCRIPTION CMD...: ok when CMD succeeds.
t_check() {
	local what=$1
	shift
	if "$@"; then t_ok "$what"; else t_fail "$what"; fi
}

# t_eq DESCRIPTION EXPECTED ACTUAL
t_eq() {
	if [ "$2" = "$3" ]; then
		t_ok "$1"
	else
		t_fail "$1"
		printf '#   expected: %s\n#   got:      %s\n' "$2" "$3"
	fi
}

# t_wait SECONDS CMD...: poll CMD every 0.1 s until it succeeds; 1 on timeout.
t_wait() {
	local deadline=$(( $(date +%s%N) / 1000000 + $1 * 1000 ))
	shift
	until "$@"; do
		[ $(( $(date +%s%N) / 1000000 )) -ge "$deadline" ] && return 1
		sleep 0.1
	done
}

# t_skip_or_fail REASON: skip (77), or fail when running in CI.
t_skip_or_fail() {
	if [ "${CI:-}" = true ]; then
		echo "not ok - $1 (required in CI)"
		exit 1
	fi
	echo "# skip: $1"
	exit 77
}

t_done() {
	echo "1..$t_count"
	[ "$t_failed" -eq 0 ]
	exit $?
}

# t_need_lab: the lab's prerequisites (root, tools), or skip/fail; then
# source lab.sh and set the trap that tears the lab down.
t_need_lab() {
	local tool
	if [ "${VTB_LAB:-}" = skip ]; then
		echo "# skip: VTB_LAB=skip"
		exit 77
	fi
	[ "$(id -u)" = 0 ] || t_skip_or_fail "needs root (network namespaces)"
	for tool in bird birdc ip nft ping perl "$@"; do
		command -v "$tool" >/dev/null 2>&1 ||
		    t_skip_or_fail "'$tool' not found"
	done
	. "$top_srcdir/tests/lab/lab.sh" || exit 1
	lab_trap
}

# t_vtibgpd_conf FILE [EXTRA-NEIGHBOR-SETTINGS-1 [...-2]]: a config for
# the lab: AS 65000 announcing 172.100.0.0/16 (or T_NETWORKS) to both
# tunnels; T_HOLD, T_KEEPALIVE, T_RETRY, T_AS1, T_AS2 change the rest,
# T_GLOBAL adds top-level lines,
# T_PREF2=90 makes tunnel 2 the backup by our own preference (the VGW
# announces MED 100 on both tunnels, as AWS does).
t_vtibgpd_conf() {
	cat >"$1" <<CONF
router-id 172.100.0.1
local-as 65000
$(for n in ${T_NETWORKS:-172.100.0.0/16}; do echo "network $n"; done
[ -z "${T_GLOBAL:-}" ] || echo "$T_GLOBAL")
defaults { hold-time ${T_HOLD:-30} keepalive ${T_KEEPALIVE:-10} connect-retry ${T_RETRY:-1} }
import { allow 10.10.0.0/16 le 24 }
neighbor 169.254.249.57 { interface vti0 remote-as ${T_AS1:-64512} ${2:-} }
neighbor 169.254.249.61 { interface vti1 remote-as ${T_AS2:-64512} prepend 2 ${T_PREF2:+preference $T_PREF2} ${3:-} }
CONF
	chmod 644 "$1"
}

# t_conf6: the config of the IPv6 lab tests (LAB_IPV6): our
# 2001:db8:172::/48, the VPC's prefixes within 2001:db8:10::/48 accepted,
# then the lines read from stdin (neighbors), in $LAB_DIR/vtibgpd.conf.
# Sets conf and log.
t_conf6() {
	conf="$LAB_DIR/vtibgpd.conf"
	log="$LAB_DIR/vtibgpd.log"
	{
		printf '%s\n' "router-id 172.100.0.1" "local-as 65000" \
		    "network 2001:db8:172::/48" \
		    "import { allow 2001:db8:10::/48 le 64 }"
		cat
	} >"$conf"
	chmod 644 "$conf"
}

# t_bird_state PROTO: BIRD's state of protocol PROTO (tun1, tun2).
t_bird_state() {
	lab_birdc show protocols "$1" | awk -v p="$1" '$1 == p { print $6 }'
}

t_bird_established() {
	[ "$(t_bird_state "$1")" = Established ]
}

# t_start_vtibgpd [EXTRA-1 [EXTRA-2]]: write the lab config (see
# t_vtibgpd_conf) to $LAB_DIR/vtibgpd.conf and start vtibgpd in the cgw
# namespace.  Sets conf, log and daemon (its PID).
t_start_vtibgpd() {
	conf="$LAB_DIR/vtibgpd.conf"
	log="$LAB_DIR/vtibgpd.log"
	t_vtibgpd_conf "$conf" "$@"
	lab_spawn cgw "$VTIBGPD" -d -f "$conf" -s "$LAB_DIR/ctl.sock" 2>"$log"
	daemon=$LAB_SPAWN_PID
}

# ---- the scripted peer (tests/lab/fakepeer.pl) on tunnel 2 -------------------
T_FAKE="$top_srcdir/tests/lab/fakepeer.pl"
T_VGW2=169.254.249.61

# t_fake_lab [EXTRA-1 [EXTRA-2]]: the lab with BIRD on tunnel 1 only (its
# tunnel 2 disabled: the scripted peer takes its place), vtibgpd started
# as t_start_vtibgpd does, and session 1 checked up.
t_fake_lab() {
	lab_up || { t_fail "lab_up"; t_done; }
	lab_birdc disable tun2 >/dev/null
	t_start_vtibgpd "$@"
	t_check "session 1 with BIRD is established" lab_wait 20 \
	    t_bird_established tun1
}

# t_fake ARGS...: one scripted session from tunnel 2's VGW address (its
# BGP ID above ours, so a connection collision keeps its connection),
# tried again while it does not open (we may be backing off).
t_fake() {
	lab_wait 15 lab_exec vgw perl "$T_FAKE" --bind $T_VGW2 \
	    --peer 169.254.249.62 --id 200.0.0.1 "$@"
}

# t_fake_done: the end of such a test: vtibgpd still running, session 1
# (BIRD) never disturbed, no sanitizer report; on a failure the end of
# vtibgpd's log.  Then t_done.
t_fake_done() {
	t_check "the daemon is still running" lab_pid_alive "$daemon"
	t_check "session 1 is still established" t_bird_established tun1
	t_eq "session 1 never flapped" 0 \
	    "$(grep -c '169.254.249.57: Established -> ' "$log")"
	t_check "no sanitizer report" eval '! grep -qE \
	    "ERROR: (Address|Leak)Sanitizer|runtime error:" "$log"'
	if [ "$t_failed" -gt 0 ]; then
		echo "# --- vtibgpd log"; sed 's/^/# /' "$log" | tail -80
	fi
	t_done
}

# ---- messages for the scripted peer ------------------------------------------
# t_upd NEXT-HOP "AS..." PREFIX...: an UPDATE for fakepeer.pl --msg
# announcing the prefixes (A.B.C.D/L) with ORIGIN IGP, the AS_PATH of
# the ASes given (4-octet) and NEXT-HOP.  T_EOR is the End-of-RIB.
T_EOR=2:00000000
t_upd() {
	local nh=$1 as p addr len attrs nlri="" aspath="" n=0
	for as in $2; do
		aspath+=$(printf '%08x' "$as")
		n=$((n + 1))
	done
	shift 2
	for p in "$@"; do
		addr=${p%/*} len=${p#*/}
		nlri+=$(printf '%02x' "$len")
		[ "$len" = 0 ] || nlri+=$(printf '%02x%02x%02x%02x' \
		    ${addr//./ } | cut -c 1-$(((len + 7) / 8 * 2)))
	done
	attrs=40010100$(printf '4002%02x02%02x%s' $((2 + 4 * n)) "$n" "$aspath")
	attrs+=400304$(printf '%02x%02x%02x%02x' ${nh//./ })
	printf '2:0000%04x%s%s' $((${#attrs} / 2)) "$attrs" "$nlri"
}

# ---- our routes in the lab's cgw namespace --------------------------------
# Nexthop ids: NH(i) = 0x76740001 + i, G(i) = 0x76740100 + i.
NH0=$((0x76740001)) NH1=$((0x76740002)) G0=$((0x76740100)) G1=$((0x76740101))

# t_routes PREFIX: our routes (ip -j) of PREFIX's family (IPv6 if it has
# a colon).
t_routes() {
	local f=-4
	case "$1" in *:*) f=-6 ;; esac
	lab_exec cgw ip "$f" -j route show table main proto bgp
}

# route_nhid PREFIX METRIC: the nexthop id of our route, or nothing.
route_nhid() {
	t_routes "$1" | jq -r \
	    --arg p "$1" --argjson m "$2" \
	    '.[] | select(.dst == $p and .metric == $m) | .nhid // empty'
}

# group_members ID: the nexthop ids in group ID, sorted, space-separated.
group_members() {
	lab_exec cgw ip -j nexthop show id "$1" 2>/dev/null |
	    jq -r '[.[0].group[]?.id] | sort | map(tostring) | join(" ")'
}

# nexthop_of ID: "DEV GATEWAY" of nexthop object ID.
nexthop_of() {
	lab_exec cgw ip -j nexthop show id "$1" |
	    jq -r '.[0] | "\(.dev) \(.gateway)"'
}

# via_tunnel N PREFIX: the route of ours that forwards PREFIX (the lowest
# metric: the primary, or after a carrier loss the standby that took
# over) goes into tunnel N (1: vti0, 2: vti1), whichever group it is on.
via_tunnel() {
	local nh want=$((0x76740000 + $1))
	nh=$(t_routes "$2" | jq -r \
	    --arg p "$2" '[.[] | select(.dst == $p)] | sort_by(.metric) |
	    .[0].nhid // empty')
	[ -n "$nh" ] && [ "$(group_members "$nh")" = "$want" ]
}

# bgp_probe NS DST [TTL]: connect from NS to DST:179 (with TTL, else the
# system's) and report CLOSED (accepted, then closed with nothing sent),
# DATA (something was sent), OPEN (accepted, nothing within 4 s), REFUSED
# or TIMEOUT (no answer to the SYN).
bgp_probe() {
	lab_exec "$1" perl -MSocket=:all -MIO::Select -e '
		socket(my $s, PF_INET, SOCK_STREAM, 0) or die;
		!$ARGV[1] or setsockopt($s, IPPROTO_IP, IP_TTL, $ARGV[1])
		    or die;
		local $SIG{ALRM} = sub { print "TIMEOUT\n"; exit 0 };
		alarm 4;
		connect($s, pack_sockaddr_in(179, inet_aton($ARGV[0])))
		    or do { print "REFUSED\n"; exit 0 };
		alarm 0;
		IO::Select->new($s)->can_read(4)
		    or do { print "OPEN\n"; exit 0 };
		print sysread($s, my $b, 100) ? "DATA\n" : "CLOSED\n";' \
	    "$2" "${3:-0}"
}
