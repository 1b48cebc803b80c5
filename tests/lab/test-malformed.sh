#!/bin/bash
# SPDX-License-Identifier: ISC
# test-malformed.sh: a scripted peer (fakepeer.pl) on tunnel 2 sends what
# no sane peer sends.  Each case gets the NOTIFICATION RFC 4271 section 6 /
# RFC 7606 prescribe, or none where the route is only treated as
# withdrawn; the daemon keeps running and the session on tunnel 1 (BIRD)
# never flaps.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
t_need_lab

t_fake_lab

marker=ffffffffffffffffffffffffffffffff
origin=40010100
aspath=4002060201${T_ASPATH:-0000fc00}
nexthop=400304a9fef93d
nlri=100a0a

# case NAME EXPECTED ARGS...: EXPECTED is "NOTIFICATION c s[ data]" or ALIVE
case_() {
	local name=$1 want=$2 got
	shift 2
	got=$(t_fake --wait 2 "$@" 2>&1 | tail -n 1)
	case $got in
	"$want"*) t_ok "$name: $want" ;;
	*) t_fail "$name: expected '$want', got '$got'" ;;
	esac
}

case_ "bad marker" "NOTIFICATION 1 1" --raw "00000000000000000000000000000000001304"
case_ "length 18" "NOTIFICATION 1 2 0012" --raw "${marker}001204"
case_ "KEEPALIVE of 20 octets" "NOTIFICATION 1 2 0014" --raw "${marker}00140400"
case_ "unknown type 9" "NOTIFICATION 1 3 09" --raw "${marker}001309"
case_ "OPEN in Established" "NOTIFICATION 5 3" --msg "1:04fc00001ec800000100"
case_ "attributes longer than the message" "NOTIFICATION 3 1" --msg "2:0000001040010100"
case_ "unrecognized well-known attribute" "NOTIFICATION 3 2" \
    --msg "2:00000018${origin}${aspath}${nexthop}40630100${nlri}"
case_ "NLRI prefix length 33" "NOTIFICATION 3 10" \
    --msg "2:00000014${origin}${aspath}${nexthop}210a0a0a0a0a"
case_ "ORIGIN 5 is treated as withdraw" ALIVE \
    --msg "2:0000001440010105${aspath}${nexthop}${nlri}"
case_ "NEXT_HOP 0.0.0.0 is ignored" ALIVE \
    --msg "2:00000014${origin}${aspath}40030400000000${nlri}"
case_ "MED of 3 octets is treated as withdraw" ALIVE \
    --msg "2:0000001a${origin}${aspath}${nexthop}800403000064${nlri}"
t_check "treat-as-withdraw is logged" grep -q 'treated as withdraw' "$log"
t_check "the bad NEXT_HOP is logged" grep -q 'NEXT_HOP not on the tunnel' "$log"

t_eq "a connection from an unknown address is closed without an OPEN" \
    CLOSED "$(bgp_probe lan 172.100.0.1)"
t_check "the unknown address is logged" \
    grep -q 'connection from 172.100.0.10 closed: not a configured neighbor' "$log"
# Single-hop eBGP: the SYN-ACK leaves with TTL 1 and dies at the VGW.
t_eq "a speaker two hops away gets no answer (our TTL 1 does not reach it)" \
    TIMEOUT "$(bgp_probe vpc 169.254.249.58)"
# A burst of 40 connections from the unknown address: each closed, the log
# rate-limited (5 lines, then one per 10 s saying that more were dropped).
lab_exec lan perl -MSocket=:all -e '
	for (1 .. 40) {
		socket(my $s, PF_INET, SOCK_STREAM, 0) or die;
		connect($s, pack_sockaddr_in(179, inet_aton($ARGV[0]))) or next;
		sysread($s, my $b, 100);
		close($s);
	}' 172.100.0.1
sleep 1
n=$(grep -c 'connection from 172.100.0.10 closed: not a configured neighbor' "$log")
t_check "40 more unknown connections log at most 6 lines in all (logged $n)" test "$n" -le 6
t_eq "each one is still closed without an OPEN" CLOSED "$(bgp_probe lan 172.100.0.1)"

t_fake_done
