#!/bin/bash
# SPDX-License-Identifier: ISC
# test-frr.sh: interoperability with FRR on its defaults.  FRR 8 (zebra +
# bgpd, started by hand in the VGW namespace in a pathspace of its own)
# replaces BIRD as the VGW pair and runs as AWS does: AS 64512, timers
# 10/30, MED 100 on both tunnels, what it learns on one tunnel passed on
# to the other; otherwise FRR's stock eBGP settings: no TTL security, no
# password (TTL 1 out).  vtibgpd runs on its defaults (no ttl-security
# line).  Checks: both sessions reach Established with hold 30 /
# keepalive 10 and stay up past a hold time; the BGP segments of both
# sides carry TTL 1; FRR has our network with our AS_PATH; 10.10.0.0/16
# is installed (primary and standby) and a ping crosses; MED steering
# from FRR moves it both ways without a session reset; carrier loss on
# tunnel 1 moves it to tunnel 2 and tunnel 1 comes back as the standby.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
FRR_AF=ipv4
. "$top_srcdir/tests/lab/frr.sh"
frr_lab_up

# BGP segments on each tunnel by TTL (tests/lab/ttlcount.sh)
. "$top_srcdir/tests/lab/ttlcount.sh"
ttl_count_setup || t_fail "nft counters in vgw"

frr_start 10.10.0.0/16
t_start_vtibgpd
t_check "our config has no ttl-security line" eval '! grep -q ttl-security "$conf"'
# ctl, ping_vpc, our_timers, our_meds, installed, first_best
. "$top_srcdir/tests/lab/interop.sh"

t_check "both sessions with FRR reach Established" lab_wait 30 both_up
t_check "our log shows both Established" lab_wait 5 eval \
    '[ "$(grep -c "OpenConfirm -> Established" "$log")" -ge 2 ]'
t_eq "hold time 30 and keepalive 10 in use on both sessions" "30/10 30/10" \
    "$(our_timers vti0) $(our_timers vti1)"
ttl_checks FRR

# FRR learned our network: AS_PATH 65000 on tunnel 1, prepended on 2
t_check "FRR has our network from tunnel 1 with AS_PATH 65000" lab_wait 10 eval \
    '[ "$(frr_aspath $LAB_CGW_IP1 172.100.0.0/16)" = 65000 ]'
t_check "FRR has our network from tunnel 2 with AS_PATH 65000 65000 65000" lab_wait 10 eval \
    '[ "$(frr_aspath $LAB_CGW_IP2 172.100.0.0/16)" = "65000 65000 65000" ]'

t_check "we have 10.10.0.0/16 from both tunnels with FRR's MED 100" lab_wait 10 eval \
    '[ "$(our_meds)" = "vti0 100 vti1 100" ]'
first=$(first_best)
t_check "10.10.0.0/16 is installed: primary on tunnel $first's group, standby on the other's" \
    lab_wait 10 installed "$first"
t_check "a ping crosses the tunnel (lan -> vpc)" lab_wait 10 ping_vpc
# FRR passes what it learned on tunnel 1 on to tunnel 2, as a VGW does:
# our own network comes back with our AS in its AS_PATH, a loop.
own_as() {
	ctl -j show neighbor "$1" | jq -r '.neighbors[0].counters.rejected_own_as // 0'
}
t_check "our network, passed back by FRR on tunnel 2, is rejected as a loop" \
    lab_wait 10 eval '[ "$(own_as vti1)" -ge 1 ]'

# --- MED steering, as AWS does it, from FRR -----------------------------------
drops=$(frr_drops)
frr_med 2 200
t_check "MED 200 from FRR on tunnel 2 reaches us" lab_wait 10 eval \
    '[ "$(our_meds)" = "vti0 100 vti1 200" ]'
t_check "and 10.10.0.0/16 is on tunnel 1 (standby on tunnel 2)" lab_wait 10 installed 1
frr_med 2 100
t_check "MED 100 again on tunnel 2 reaches us" lab_wait 10 eval \
    '[ "$(our_meds)" = "vti0 100 vti1 100" ]'
sleep 1
t_check "and the route stays on tunnel 1" installed 1
t_check "a ping crosses tunnel 1" lab_wait 10 ping_vpc
t_eq "MED steering reset no session" "$drops" "$(frr_drops)"

# --- carrier loss on tunnel 1 ---------------------------------------------
lab_link_down 1
t_check "after carrier loss on tunnel 1 the route forwards into tunnel 2" \
    lab_wait 5 via_tunnel 2 10.10.0.0/16
t_check "our session on tunnel 1 went down at once" lab_wait 5 grep -q \
    'neighbor 169.254.249.57: tunnel interface vti0 down: session down at once' "$log"
t_check "FRR's session on tunnel 1 goes down" lab_wait 5 eval '! frr_established $LAB_CGW_IP1'
t_check "a ping crosses tunnel 2" lab_wait 10 ping_vpc
t_check "session 2 stayed up" frr_established "$LAB_CGW_IP2"
lab_link_up 1
t_check "tunnel 1 comes back: a new session" lab_wait 30 eval \
    'frr_established $LAB_CGW_IP1 && [ "$(frr_conns $LAB_CGW_IP1)" = "2 1" ]'
# Both tunnels carry it again.  With equal MEDs the path that has been
# best longest stays best (RFC 5004; rib/decision.c, test_rib.c "best
# longest: a returning tunnel stays standby"): tunnel 2 keeps the
# primary, tunnel 1 gets the standby.
t_check "tunnel 1 is the standby again, tunnel 2 keeps the primary (equal MED)" \
    lab_wait 10 installed 2
t_check "a ping crosses" lab_wait 10 ping_vpc

# --- MED steering both ways ------------------------------------------------------
drops=$(frr_drops)
frr_med 2 200
t_check "MED 200 on tunnel 2 brings 10.10.0.0/16 back to tunnel 1" lab_wait 10 installed 1
t_check "a ping crosses tunnel 1" lab_wait 10 ping_vpc
frr_med 2 100
frr_med 1 200
t_check "MED 200 on tunnel 1 moves it to tunnel 2" lab_wait 10 installed 2
t_check "a ping crosses tunnel 2" lab_wait 10 ping_vpc
frr_med 1 100
t_check "MED 100 again on tunnel 1 reaches us" lab_wait 10 eval \
    '[ "$(our_meds)" = "vti0 100 vti1 100" ]'
sleep 1
t_check "and the route stays on tunnel 2 (best longest)" installed 2
t_eq "MED steering reset no session" "$drops" "$(frr_drops)"

# --- past a hold time ----------------------------------------------------------
t_check "session 2 stays up past a hold time (30 s)" lab_wait 40 eval \
    '[ "$(frr_up_secs $LAB_CGW_IP2)" -gt 31 ]'
t_check "both sessions are up" both_up
t_eq "FRR: session 2 was established once, never dropped" "1 0" "$(frr_conns $LAB_CGW_IP2)"
t_eq "FRR: session 1 dropped once (the carrier loss)" "2 1" "$(frr_conns $LAB_CGW_IP1)"
t_eq "our log: one session left Established (tunnel 1, carrier loss)" 1 \
    "$(grep -c 'Established -> ' "$log")"
for n in 1 2; do
	t_eq "through the test, FRR sent no BGP segment with another TTL than 1 on tunnel $n" \
	    0 "$(ttl_packets out${n}_msg_other)"
	t_eq "nor did we on tunnel $n" 0 "$(ttl_packets in${n}_msg_other)"
done
ttl_report
t_check "no sanitizer report" eval '! grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$log"'
if [ "$t_failed" -gt 0 ]; then
	echo "# --- vtibgpd log"; sed 's/^/# /' "$log" | tail -60
	echo "# --- FRR bgpd log"; sed 's/^/# /' "$FRR_DIR/bgpd.log" | tail -40
	echo "# --- FRR"; vtysh -c "show bgp summary" | sed 's/^/# /'
	echo "# --- cgw kernel"; lab_exec cgw ip route | sed 's/^/# /'
	ctl show routes | sed 's/^/# /'
fi
t_done
