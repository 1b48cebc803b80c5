#!/bin/bash
# SPDX-License-Identifier: ISC
# test-gtsm.sh: TTL security (GTSM, RFC 5082) is the one knob this test
# turns, on both sides when it says so; every other lab test runs the AWS
# profile, where it is off.
#
#  1. Defaults on both sides (as AWS): the VGW sends TTL 1 and so do we;
#     both sessions come up.
#  2. ttl-security on here only: the peer's TTL-1 segments are dropped, the
#     session never gets past OpenSent, and the log and `show neighbor`
#     say why (ttl-security named as the likely cause).  Tunnel 2 is not
#     disturbed.
#  3. On both sides: the session comes up, our segments carry TTL 255,
#     and a speaker two hops away gets no answer.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
t_need_lab jq

ctl() { "$VTIBGPCTL" -s "$LAB_DIR/ctl.sock" "$@"; }

lab_up || { t_fail "lab_up"; t_done; }

# Counters in vgw of BGP segments on tunnel 1 by TTL: sent by the VGW
# (output) and received from us (input).
lab_exec vgw nft -f - <<'EOF' || t_fail "nft counters"
table ip ttlcount {
	counter out_ttl1 { }
	counter in_ttl1 { }
	counter in_ttl255 { }
	chain output {
		type filter hook output priority 0; policy accept;
		oifname "vti0" meta l4proto tcp ip ttl 1 counter name out_ttl1
	}
	chain input {
		type filter hook input priority 0; policy accept;
		iifname "vti0" meta l4proto tcp ip ttl 1 counter name in_ttl1
		iifname "vti0" meta l4proto tcp ip ttl 255 counter name in_ttl255
	}
}
EOF
# packets NAME: the packets counted by counter NAME so far
packets() {
	lab_exec vgw nft -j list counter ip ttlcount "$1" |
	    jq '[.nftables[] | select(.counter) | .counter.packets][0]'
}

# minttl_drops: segments the cgw kernel dropped for a TTL below IP_MINTTL
minttl_drops() {
	lab_exec cgw awk '$1 == "TcpExt:" && !n { split($0, k); n = 1; next }
	    $1 == "TcpExt:" { for (i = 2; i <= NF; i++)
		if (k[i] == "TCPMinTTLDrop") print $i }' /proc/net/netstat
}

# ---- 1. defaults on both sides -------------------------------------------
t_start_vtibgpd
t_check "defaults: tunnel 1 reaches Established with a TTL-1 peer" \
    lab_wait 20 t_bird_established tun1
t_check "defaults: tunnel 2 reaches Established" \
    lab_wait 10 t_bird_established tun2
t_check "the VGW's BGP segments leave with TTL 1 ($(packets out_ttl1))" \
    test "$(packets out_ttl1)" -gt 0
t_check "ours arrive with TTL 1 ($(packets in_ttl1)), none with 255" \
    test "$(packets in_ttl1)" -gt 0 -a "$(packets in_ttl255)" -eq 0
t_eq "show neighbor: ttl-security off" false \
    "$(ctl -j show neighbor vti0 | jq -r '.neighbors[0].ttl_security')"
t_check "show neighbor (text) says so" eval \
    'ctl show neighbor vti0 | grep -q "TTL security off (TTL 1 sent, any TTL accepted)"'
t_eq "no segment dropped for its TTL" 0 "$(minttl_drops)"
t_check "routes learned: 10.10.0.0/16 installed" \
    lab_wait 10 eval '[ -n "$(route_nhid 10.10.0.0/16 20)" ]'

# ---- 2. on here only: stuck in OpenSent, and told why ---------------------
t_vtibgpd_conf "$conf" "ttl-security on"
kill -HUP "$daemon"
t_check "the reload resets tunnel 1" lab_wait 10 grep -q \
    '169.254.249.57: settings changed: resetting the session' "$log"
t_check "the log names ttl-security as the likely cause" lab_wait 20 grep -q \
    '169.254.249.57: no OPEN from the peer 5 s after the TCP connection came up; likely ttl-security is on here while the peer sends TTL 1' \
    "$log"
json=$(ctl -j show neighbor vti0)
t_eq "show neighbor: ttl-security on" true \
    "$(jq -r '.neighbors[0].ttl_security' <<<"$json")"
t_eq "tunnel 1 is in OpenSent" OPEN_SENT \
    "$(jq -r '.neighbors[0].state' <<<"$json")"
t_check "show neighbor's last error says why" eval \
    'jq -r ".neighbors[0].last_error" <<<"$json" | grep -q "ttl-security is on here"'
t_check "the text form shows it as the last error" eval \
    'ctl show neighbor vti0 | grep -q "Last error: no OPEN from the peer"'
sleep 6
t_eq "the explanation is logged once, not every few seconds" 1 \
    "$(grep -c '169.254.249.57: no OPEN from the peer' "$log")"
t_check "the kernel dropped the peer's segments for their TTL ($(minttl_drops))" \
    test "$(minttl_drops)" -gt 0
t_check "BIRD never sees tunnel 1 Established" eval '! t_bird_established tun1'
t_check "tunnel 2 stayed Established" t_bird_established tun2
t_eq "tunnel 2 never flapped" 0 "$(grep -c '169.254.249.61: Established -> ' "$log")"
t_check "10.10.0.0/16 forwards via tunnel 2 meanwhile" via_tunnel 2 10.10.0.0/16

# ---- 3. on both sides -----------------------------------------------------
# Ours first (tunnel 2 now stalls in OpenSent too), then BIRD's: BIRD
# restarts both sessions with the new setting, and its FIN on each old
# connection, sent with TTL 1, never reaches us.  The connection we
# initiated is dead while we still wait in OpenSent on it: it must not win
# the collision with the new one BIRD opens (else no session until the
# OpenSent hold timer, 4 minutes).
t_vtibgpd_conf "$conf" "ttl-security on" "ttl-security on"
kill -HUP "$daemon"
t_check "the reload resets tunnel 2" lab_wait 10 grep -q \
    '169.254.249.61: settings changed: resetting the session' "$log"
t_check "tunnel 2 stalls in OpenSent and says why" lab_wait 20 grep -q \
    '169.254.249.61: no OPEN from the peer 5 s after' "$log"
before=$(packets in_ttl255)
LAB_TTL_SECURITY=on lab_bird_reconfigure >/dev/null || t_fail "BIRD reconfigure"
t_check "GTSM on both sides: both sessions reach Established" \
    lab_wait 20 eval 't_bird_established tun1 && t_bird_established tun2'
t_check "the dead connection lost the collision to the new one" grep -q \
    'connection collision: no OPEN on the first connection in 5 s, taking the new one' \
    "$log"
t_check "our segments now carry TTL 255" \
    test "$(packets in_ttl255)" -gt "$before"

# With every neighbor on GTSM the listener wants 255: a SYN that crossed a
# router (the VGW) arrives with 254 and is dropped, unanswered.
before=$(minttl_drops)
t_eq "GTSM: a speaker two hops away gets no answer" TIMEOUT \
    "$(bgp_probe vpc 169.254.249.58 255)"
t_check "its SYN was dropped for its TTL" test "$(minttl_drops)" -gt "$before"

t_check "the daemon is still running" lab_pid_alive "$daemon"
t_check "no sanitizer report" eval '! grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$log"'
if [ "$t_failed" -gt 0 ]; then
	echo "# --- vtibgpd log"; sed 's/^/# /' "$log" | tail -60
	lab_birdc show protocols all tun1 | sed 's/^/# /'
	grep -E "tun[12]" "$LAB_DIR/bird.log" | tail -30 | sed 's/^/# bird: /'
fi
t_done
