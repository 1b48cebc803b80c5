#!/bin/bash
# SPDX-License-Identifier: ISC
# test-gobgp.sh: interoperability with GoBGP on its defaults.  gobgpd
# replaces BIRD as the VGW pair and runs as AWS does: AS 64512, hold time
# 30 / keepalive 10, MED 100 on each tunnel (a global export policy with
# one statement per neighbor, which steering changes at run time);
# otherwise GoBGP's stock settings: no TTL security, no password (TTL 1
# out).  vtibgpd runs on its defaults (no ttl-security line).  Checks:
# both sessions reach Established with hold 30 / keepalive 10 and stay
# up past a hold time; the BGP segments of both sides carry TTL 1; GoBGP
# has our network with our AS_PATH (prepended on tunnel 2); 10.10.0.0/16
# is installed (primary and standby) and a ping crosses; MED steering
# from GoBGP moves it both ways without a session reset; carrier loss on
# tunnel 1 moves it to tunnel 2 and tunnel 1 comes back as the standby.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
t_need_lab gobgpd gobgp jq

lab_up || { t_fail "lab_up"; t_done; }
# GoBGP takes BIRD's place (both would listen on port 179).
bird=$(lab_bird_pid)
kill "$bird"
lab_wait 10 lab_pid_dead "$bird" || t_fail "BIRD did not stop"

# BGP segments on each tunnel by TTL (tests/lab/ttlcount.sh)
. "$top_srcdir/tests/lab/ttlcount.sh"
ttl_count_setup || t_fail "nft counters in vgw"

# GoBGP applies export policies globally (per neighbor only to route
# server clients); a neighbor-set condition matches the neighbor a route
# is exported to, so one statement per tunnel sets its MED.
cat >"$LAB_DIR/gobgpd.toml" <<'TOML'
[global.config]
  as = 64512
  router-id = "169.254.249.57"
[global.apply-policy.config]
  export-policy-list = ["aws-med"]

[[defined-sets.neighbor-sets]]
  neighbor-set-name = "tun1"
  neighbor-info-list = ["169.254.249.58"]
[[defined-sets.neighbor-sets]]
  neighbor-set-name = "tun2"
  neighbor-info-list = ["169.254.249.62"]

[[policy-definitions]]
  name = "aws-med"
  [[policy-definitions.statements]]
    name = "med-tun1"
    [policy-definitions.statements.conditions.match-neighbor-set]
      neighbor-set = "tun1"
    [policy-definitions.statements.actions]
      route-disposition = "accept-route"
    [policy-definitions.statements.actions.bgp-actions]
      set-med = "100"
  [[policy-definitions.statements]]
    name = "med-tun2"
    [policy-definitions.statements.conditions.match-neighbor-set]
      neighbor-set = "tun2"
    [policy-definitions.statements.actions]
      route-disposition = "accept-route"
    [policy-definitions.statements.actions.bgp-actions]
      set-med = "100"

[[neighbors]]
  [neighbors.config]
    neighbor-address = "169.254.249.58"
    peer-as = 65000
  [neighbors.timers.config]
    hold-time = 30
    keepalive-interval = 10

[[neighbors]]
  [neighbors.config]
    neighbor-address = "169.254.249.62"
    peer-as = 65000
  [neighbors.timers.config]
    hold-time = 30
    keepalive-interval = 10
TOML
lab_spawn vgw gobgpd -f "$LAB_DIR/gobgpd.toml" --api-hosts 127.0.0.1:50151 \
    -l info --log-plain --pprof-disable \
    >"$LAB_DIR/gobgpd.log" 2>&1
gobgp() { lab_exec vgw timeout 10 gobgp -u 127.0.0.1 -p 50151 "$@"; }
t_check "gobgpd answers" lab_wait 10 eval 'gobgp global >/dev/null 2>&1'
gobgp global rib add -a ipv4 10.10.0.0/16 >/dev/null

t_start_vtibgpd
t_check "our config has no ttl-security line" eval '! grep -q ttl-security "$conf"'
# ctl, ping_vpc, our_timers, our_meds, installed, first_best
. "$top_srcdir/tests/lab/interop.sh"

# gobgp_state ADDR: GoBGP's session state of neighbor ADDR (6: Established)
gobgp_state() {
	gobgp neighbor "$1" -j 2>/dev/null | jq -r '.state.session_state // empty'
}
gobgp_established() { [ "$(gobgp_state "$1")" = 6 ]; }
gobgp_up() { gobgp_established "$LAB_CGW_IP1" && gobgp_established "$LAB_CGW_IP2"; }

t_check "both sessions with GoBGP reach Established" lab_wait 30 gobgp_up
t_check "our log shows both Established" lab_wait 5 eval \
    '[ "$(grep -c "OpenConfirm -> Established" "$log")" -ge 2 ]'
t_eq "hold time 30 and keepalive 10 in use on both sessions" "30/10 30/10" \
    "$(our_timers vti0) $(our_timers vti1)"
ttl_checks GoBGP

t_check "GoBGP has our network from tunnel 1 with AS_PATH 65000" lab_wait 10 eval \
    'gobgp neighbor $LAB_CGW_IP1 adj-in | grep -qE "172.100.0.0/16 +169.254.249.58 +65000 "'
t_check "GoBGP has our network from tunnel 2 with AS_PATH 65000 65000 65000" lab_wait 10 eval \
    'gobgp neighbor $LAB_CGW_IP2 adj-in | grep -qE "172.100.0.0/16 +169.254.249.62 +65000 65000 65000 "'

t_check "we have 10.10.0.0/16 from both tunnels with GoBGP's MED 100" lab_wait 10 eval \
    '[ "$(our_meds)" = "vti0 100 vti1 100" ]'
first=$(first_best)
t_check "10.10.0.0/16 is installed: primary on tunnel $first's group, standby on the other's" \
    lab_wait 10 installed "$first"
# GoBGP has no kernel FIB: the return route into tunnel 1 by hand (the
# VGW's business, not what this test is about).
lab_exec vgw ip route add 172.100.0.0/16 via "$LAB_CGW_IP1" dev vti0 metric 100
lab_exec vgw ip route add 172.100.0.0/16 via "$LAB_CGW_IP2" dev vti1 metric 200
t_check "a ping crosses the tunnel (lan -> vpc)" lab_wait 10 ping_vpc

# --- MED steering, as AWS does it, from GoBGP ---------------------------------
# gobgp_med N MED: GoBGP's MED towards tunnel N (the statement of its
# export policy), then a soft reset out so that it is sent at once.
gobgp_med() {
	local a old
	a=$([ "$1" = 1 ] && echo "$LAB_CGW_IP1" || echo "$LAB_CGW_IP2")
	old=$(gobgp policy statement "med-tun$1" | awk '$1 == "MED:" { print $2 }')
	gobgp policy statement "med-tun$1" del action med set "$old" &&
	gobgp policy statement "med-tun$1" add action med set "$2" &&
	gobgp neighbor "$a" softresetout
}
# gobgp_downs ADDR: sessions with ADDR that GoBGP logged as going down
gobgp_downs() {
	grep -c "msg=\"Peer Down\" Key=$1 " "$LAB_DIR/gobgpd.log"
}
# gobgp_ups ADDR: sessions with ADDR that GoBGP logged as coming up
gobgp_ups() {
	grep -c "msg=\"Peer Up\" Key=$1 " "$LAB_DIR/gobgpd.log"
}
gobgp_flaps() { echo "$(gobgp_downs $LAB_CGW_IP1) $(gobgp_downs $LAB_CGW_IP2)"; }
flaps=$(gobgp_flaps)
gobgp_med 2 200
t_check "MED 200 from GoBGP on tunnel 2 reaches us" lab_wait 10 eval \
    '[ "$(our_meds)" = "vti0 100 vti1 200" ]'
t_check "and 10.10.0.0/16 is on tunnel 1 (standby on tunnel 2)" lab_wait 10 installed 1
gobgp_med 2 100
t_check "MED 100 again on tunnel 2 reaches us" lab_wait 10 eval \
    '[ "$(our_meds)" = "vti0 100 vti1 100" ]'
sleep 1
t_check "and the route stays on tunnel 1" installed 1
t_check "a ping crosses tunnel 1" lab_wait 10 ping_vpc
t_eq "MED steering reset no session" "$flaps" "$(gobgp_flaps)"

# --- carrier loss on tunnel 1 ---------------------------------------------
lab_link_down 1
t_check "after carrier loss on tunnel 1 the route forwards into tunnel 2" \
    lab_wait 5 via_tunnel 2 10.10.0.0/16
t_check "our session on tunnel 1 went down at once" lab_wait 5 grep -q \
    'neighbor 169.254.249.57: tunnel interface vti0 down: session down at once' "$log"
t_check "a ping crosses tunnel 2" lab_wait 10 ping_vpc
t_check "session 2 stayed up" gobgp_established "$LAB_CGW_IP2"
# (GoBGP does not watch links: its session on tunnel 1 goes down when
# the link is back and our new connection resets the old one, or after
# its hold time)
lab_link_up 1
# (the kernel flushed the return route into tunnel 1 with the link)
lab_exec vgw ip route replace 172.100.0.0/16 via "$LAB_CGW_IP1" dev vti0 metric 100
# (GoBGP stays Idle for 5 s after a session went down, refusing
# connections, then accepts ours)
t_check "tunnel 1 comes back: a new session" lab_wait 30 eval \
    '[ "$(gobgp_ups $LAB_CGW_IP1)" = 2 ] && gobgp_established $LAB_CGW_IP1'
# Both tunnels carry it again.  With equal MEDs the path that has been
# best longest stays best (RFC 5004; rib/decision.c, test_rib.c "best
# longest: a returning tunnel stays standby"): tunnel 2 keeps the
# primary, tunnel 1 gets the standby.
t_check "tunnel 1 is the standby again, tunnel 2 keeps the primary (equal MED)" \
    lab_wait 10 installed 2
t_check "a ping crosses" lab_wait 10 ping_vpc

# --- MED steering both ways ------------------------------------------------------
flaps=$(gobgp_flaps)
gobgp_med 2 200
t_check "MED 200 on tunnel 2 brings 10.10.0.0/16 back to tunnel 1" lab_wait 10 installed 1
t_check "a ping crosses tunnel 1" lab_wait 10 ping_vpc
gobgp_med 2 100
gobgp_med 1 200
t_check "MED 200 on tunnel 1 moves it to tunnel 2" lab_wait 10 installed 2
t_check "a ping crosses tunnel 2" lab_wait 10 ping_vpc
gobgp_med 1 100
t_check "MED 100 again on tunnel 1 reaches us" lab_wait 10 eval \
    '[ "$(our_meds)" = "vti0 100 vti1 100" ]'
sleep 1
t_check "and the route stays on tunnel 2 (best longest)" installed 2
t_eq "MED steering reset no session" "$flaps" "$(gobgp_flaps)"

# --- past a hold time ----------------------------------------------------------
gobgp_up_secs() {
	local since
	since=$(gobgp neighbor "$1" -j 2>/dev/null | jq -r '.timers.state.uptime.seconds // empty')
	echo $(( $(date +%s) - ${since:-$(date +%s)} ))
}
t_check "session 2 stays up past a hold time (30 s)" lab_wait 40 eval \
    '[ "$(gobgp_up_secs $LAB_CGW_IP2)" -gt 31 ]'
t_check "both sessions are up" gobgp_up
t_eq "GoBGP logged session 2 up once, never down" "1 0" \
    "$(gobgp_ups $LAB_CGW_IP2) $(gobgp_downs $LAB_CGW_IP2)"
t_eq "GoBGP logged session 1 down once (the carrier loss), up twice" "2 1" \
    "$(gobgp_ups $LAB_CGW_IP1) $(gobgp_downs $LAB_CGW_IP1)"
t_eq "our log: one session left Established (tunnel 1, carrier loss)" 1 \
    "$(grep -c 'Established -> ' "$log")"
for n in 1 2; do
	t_eq "through the test, GoBGP sent no BGP segment with another TTL than 1 on tunnel $n" \
	    0 "$(ttl_packets out${n}_msg_other)"
	t_eq "nor did we on tunnel $n" 0 "$(ttl_packets in${n}_msg_other)"
done
ttl_report
t_check "no sanitizer report" eval '! grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$log"'
if [ "$t_failed" -gt 0 ]; then
	echo "# --- vtibgpd log"; sed 's/^/# /' "$log" | tail -60
	echo "# --- gobgpd log"; sed 's/^/# /' "$LAB_DIR/gobgpd.log" | tail -30
	echo "# --- GoBGP"; gobgp neighbor | sed 's/^/# /'
	echo "# --- cgw kernel"; lab_exec cgw ip route | sed 's/^/# /'
	ctl show routes | sed 's/^/# /'
fi
t_done
