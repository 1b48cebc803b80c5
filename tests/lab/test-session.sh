#!/bin/bash
# SPDX-License-Identifier: ISC
# test-session.sh: BGP sessions of vtibgpd with BIRD 2 as the two AWS
# endpoints: both reach Established and stay up for two hold times; our
# network reaches BIRD with the right AS_PATH (prepend on tunnel 2); a
# BIRD restart and a NOTIFICATION from BIRD bring the sessions down and
# back; a wrong remote-as makes us refuse BIRD's OPEN with 2/2, which BIRD
# reports; SIGTERM sends Cease/Administrative Shutdown.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
t_need_lab jq

# BIRD offers hold 6, we offer 9: both must use 6 (RFC 4271 4.2), and our
# keepalive (3 configured) must drop to 6/3 = 2 to keep the session up.
export LAB_HOLD=6 LAB_KEEPALIVE=2
T_HOLD=9 T_KEEPALIVE=3
lab_up || { t_fail "lab_up"; t_done; }
t_start_vtibgpd

both_up() { t_bird_established tun1 && t_bird_established tun2; }
t_check "both sessions reach Established" lab_wait 20 both_up
t_check "our log shows both Established" lab_wait 5 eval \
    '[ "$(grep -c "OpenConfirm -> Established" "$log")" -ge 2 ]'
t_check "the negotiated hold time is the smaller one (6)" eval \
    'lab_birdc show protocols all tun1 | grep -qE "Hold timer: +[0-9.]+/6\$"'

# our network, with AS_PATH 65000 on tunnel 1 and 65000 x3 on tunnel 2
routes=$(lab_birdc show route 172.100.0.0/16 all)
t_check "BIRD has 172.100.0.0/16 from tunnel 1 with AS_PATH 65000" \
    eval 'awk "/via 169.254.249.58/,/BGP.as_path/" <<<"$routes" | grep -qE "BGP.as_path: 65000\$"'
t_check "BIRD has 172.100.0.0/16 from tunnel 2 with AS_PATH 65000 65000 65000" \
    eval 'awk "/via 169.254.249.62/,/BGP.as_path/" <<<"$routes" | grep -qE "BGP.as_path: 65000 65000 65000\$"'
t_check "BIRD's next hop for it is our inside address" \
    grep -q 'BGP.next_hop: 169.254.249.58' <<<"$routes"

# two hold times (2 x 6 s) without a flap: our keepalives come often enough
flaps_before=$(grep -c 'Established -> ' "$log")
sleep 13
t_check "sessions stay up for two hold times" both_up
t_eq "no session flapped" "$flaps_before" "$(grep -c 'Established -> ' "$log")"

# a NOTIFICATION from BIRD: Cease/Administrative Shutdown with a message
lab_birdc disable tun1 '"maintenance window"' >/dev/null
t_check "BIRD's shutdown is logged with code names and message" lab_wait 5 \
    grep -q 'neighbor 169.254.249.57: received NOTIFICATION Cease/Administrative Shutdown: "maintenance window"' "$log"
t_check "session 1 leaves Established" lab_wait 5 grep -q '169.254.249.57: Established -> Idle' "$log"
t_check "session 2 is untouched" t_bird_established tun2
t_eq "session 2 did not flap" 0 "$(grep -c '169.254.249.61: Established -> ' "$log")"
lab_birdc enable tun1 >/dev/null
t_check "session 1 comes back after enable" lab_wait 20 t_bird_established tun1

# BIRD restarts: both sessions come back
lab_bird_restart || t_fail "lab_bird_restart"
t_check "both sessions come back after a BIRD restart" lab_wait 30 both_up

# wrong remote-as on tunnel 2: we refuse BIRD's OPEN with 2/2
T_AS2=64999 t_vtibgpd_conf "$conf"
kill -HUP "$daemon"
t_check "we send OPEN error Bad Peer AS" lab_wait 20 grep -q \
    '169.254.249.61: sent NOTIFICATION OPEN Message Error/Bad Peer AS' "$log"
t_check "BIRD received Bad peer AS on the wire" lab_wait 5 grep -qi \
    'tun2: Received: Bad peer AS' "$LAB_DIR/bird.log"
t_check "session 1 stays up meanwhile" t_bird_established tun1
t_vtibgpd_conf "$conf"
kill -HUP "$daemon"
t_check "session 2 comes back with the right AS" lab_wait 30 t_bird_established tun2

# networks changed at reload: announced and withdrawn, no session reset
flaps=$(grep -c 'Established -> ' "$log")
T_NETWORKS="172.100.0.0/16 172.100.64.0/18" t_vtibgpd_conf "$conf"
kill -HUP "$daemon"
t_check "a network added at reload reaches BIRD on both tunnels" lab_wait 10 eval \
    '[ "$(lab_birdc show route 172.100.64.0/18 all | grep -c "BGP.as_path")" = 2 ]'
T_NETWORKS="172.100.64.0/18" t_vtibgpd_conf "$conf"
kill -HUP "$daemon"
t_check "a network removed at reload is withdrawn" lab_wait 10 eval \
    '! lab_birdc show route 172.100.0.0/16 | grep -q "172.100.0.0/16"'
t_eq "no session was reset for it" "$flaps" "$(grep -c 'Established -> ' "$log")"
t_vtibgpd_conf "$conf"
kill -HUP "$daemon"

# IPv6 networks beside the IPv4 one: IPv4 neighbors get the IPv4 one only
# (an IPv6 prefix in IPv4 NLRI would be malformed and BIRD would reset the
# session), at reload and when a session comes up.
ctl6() { "$VTIBGPCTL" -s "$LAB_DIR/ctl.sock" "$@"; }
bird_errors() {
	grep -ciE 'malformed|invalid|update message' "$LAB_DIR/bird.log"
}
count() { grep -c "$1" "$log"; }
tun1_routes() {
	lab_birdc show route protocol tun1 | grep -cE '^[0-9a-f:.]+/[0-9]+'
}
errors=$(bird_errors)
reloads=$(count 'configuration reloaded')
T_NETWORKS="2001:db8:172::/48 172.100.0.0/16 2001:db8:173::1/128" \
    t_vtibgpd_conf "$conf"
kill -HUP "$daemon"
t_check "IPv6 networks added: the reload is done" lab_wait 10 eval \
    '[ "$(count "configuration reloaded")" -gt "$reloads" ]'
sleep 2
t_eq "IPv6 networks reset no IPv4 session" "$flaps" \
    "$(count 'Established -> ')"
t_eq "BIRD logged no malformed UPDATE" "$errors" "$(bird_errors)"
both_have() {
	[ "$(lab_birdc show route 172.100.0.0/16 all |
	    grep -c "BGP.as_path")" = 2 ]
}
t_check "BIRD still has 172.100.0.0/16 on both tunnels" both_have
t_eq "BIRD has nothing else from tunnel 1" 1 "$(tun1_routes)"
t_eq "show neighbor counts the IPv4 network only" 1 \
    "$(ctl6 -j show neighbor vti0 | jq -r '.neighbors[0].exported')"
up1='169.254.249.57: OpenConfirm -> Established'
ups=$(count "$up1")
ctl6 neighbor vti0 reset >/dev/null
t_check "session 1 comes back after a reset" lab_wait 30 eval \
    '[ "$(count "$up1")" -gt "$ups" ] && t_bird_established tun1'
t_check "and announces 172.100.0.0/16 again" lab_wait 10 both_have
t_eq "with no malformed UPDATE" "$errors" "$(bird_errors)"
t_eq "and nothing else" 1 "$(tun1_routes)"
t_vtibgpd_conf "$conf"
kill -HUP "$daemon"

# TCP MD5 (RFC 2385) on tunnel 1: the right password works, a wrong one
# does not (the kernel drops the segments), tunnel 2 never notices.
LAB_PASSWORD1=s3cret lab_bird_reconfigure >/dev/null || t_fail "BIRD takes the password"
t_vtibgpd_conf "$conf" 'password "s3cret"'
kill -HUP "$daemon"
t_check "session 1 comes up with a TCP MD5 password" lab_wait 30 t_bird_established tun1
t_vtibgpd_conf "$conf" 'password "wrong"'
kill -HUP "$daemon"
sleep 8
t_check "session 1 stays down with a wrong password" eval '! t_bird_established tun1'
t_check "session 2 is not disturbed by it" t_bird_established tun2
t_vtibgpd_conf "$conf" 'password "s3cret"'
kill -HUP "$daemon"
t_check "session 1 comes back with the right password" lab_wait 30 t_bird_established tun1

# SIGTERM: Cease/Administrative Shutdown to both, exit 0
kill -TERM "$daemon"
t_check "the daemon exits on SIGTERM" lab_wait 10 lab_pid_dead "$daemon"
t_check "BIRD received our Administrative Shutdown" lab_wait 5 grep -qi \
    'tun1: Received: Administrative shutdown' "$LAB_DIR/bird.log"
t_check "no sanitizer report" eval '! grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$log"'
if [ "$t_failed" -gt 0 ]; then
	echo "# --- vtibgpd log"; sed 's/^/# /' "$log"
	echo "# --- bird log"; sed 's/^/# /' "$LAB_DIR/bird.log" | tail -50
fi
t_done
