#!/bin/bash
# SPDX-License-Identifier: ISC
# test-ipv6.sh: IPv6 end to end.  The lab with LAB_IPV6="1 2": BIRD (the
# VGW, stock eBGP: hold 30, keepalive 10, MED 100 on both tunnels) peers
# over fd00:1::/126 and fd00:2::/126 with an ipv6 channel.  vtibgpd must
# establish both IPv6 sessions, learn the VPC's 2001:db8:10::/56 and put
# it on tunnel 1's nexthop group (IPv6 nexthop objects) with the standby
# on tunnel 2's, announce our 2001:db8:172::/48 (prepended on tunnel 2),
# carry an IPv6 ping, and fail over as it does for IPv4: carrier loss
# (the kernel drops the primaries, the standbys forward) and silent loss
# (probes of 200 ms x 3: one group rewrite), then come back.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
t_need_lab jq

export LAB_IPV6="1 2"
VPC6=2001:db8:10::/56
NET6=2001:db8:172::/48
PROBE='probe { interval 200ms misses 3 }'
lab_up || { t_fail "lab_up"; t_done; }

t_conf6 <<CONF
defaults { hold-time 30 keepalive 10 connect-retry 1 }
neighbor fd00:1::1 { interface vti0 remote-as 64512 $PROBE }
neighbor fd00:2::1 { interface vti1 remote-as 64512 prepend 1
	preference 90 $PROBE }
CONF
t_check "the configuration passes vtibgpd -n" "$VTIBGPD" -n -f "$conf"
lab_spawn cgw "$VTIBGPD" -d -f "$conf" -s "$LAB_DIR/ctl.sock" 2>"$log"
daemon=$LAB_SPAWN_PID
ctl() { "$VTIBGPCTL" -s "$LAB_DIR/ctl.sock" "$@"; }

# route6_nhid PREFIX METRIC: the nexthop id of our IPv6 route, or nothing.
route6_nhid() {
	lab_exec cgw ip -6 -j route show table main proto bgp | jq -r \
	    --arg p "$1" --argjson m "$2" \
	    '.[] | select(.dst == $p and .metric == $m) | .nhid // empty'
}
# via_tunnel6 N PREFIX: as via_tunnel, for an IPv6 prefix.
via_tunnel6() {
	local nh want=$((0x76740000 + $1))
	nh=$(lab_exec cgw ip -6 -j route show table main proto bgp | jq -r \
	    --arg p "$2" '[.[] | select(.dst == $p)] | sort_by(.metric) |
	    .[0].nhid // empty')
	[ -n "$nh" ] && [ "$(group_members "$nh")" = "$want" ]
}
# routes6 PREFIX: the nexthop ids of our primary and standby routes.
routes6() { echo "$(route6_nhid "$1" 20) $(route6_nhid "$1" 21)"; }
# vgw_dev PREFIX: the device of the VGW kernel's route to PREFIX.
vgw_dev() {
	lab_exec vgw ip -6 -j route show exact "$1" | jq -r '.[0].dev'
}
ping6_vpc() {
	lab_exec lan ping -6 -c 1 -W 1 "$LAB_VPC_HOST6" >/dev/null 2>&1
}
# bird_path PROTO: the AS_PATH BIRD has for our network from PROTO.
bird_path() {
	lab_birdc show route "$NET6" protocol "$1" all |
	    sed -n 's/.*BGP.as_path: *//p' | head -n 1
}
both_up() { t_bird_established tun1 && t_bird_established tun2; }
# max_gap FILE: the longest time in ms between two replies of `ping -D`.
max_gap() {
	awk -F'[][]' '/bytes from/ { t = $2 * 1000
	    if (last && t - last > m) m = t - last; last = t }
	    END { printf "%d\n", m }' "$1"
}

t_check "both IPv6 sessions reach Established" lab_wait 20 both_up
t_eq "BIRD's session 1 is over IPv6" "fd00:1::2%vti0" \
    "$(lab_birdc show protocols all tun1 |
    sed -n 's/^ *Neighbor address: *//p')"
t_eq "vtibgpd says Established on vti0" ESTABLISHED \
    "$(ctl -j show neighbor vti0 | jq -r '.neighbors[0].state')"
t_check "$VPC6 is installed on tunnel 1's group" lab_wait 10 eval \
    '[ "$(route6_nhid $VPC6 20)" = "$G0" ]'
t_check "with a standby route on tunnel 2's group, metric 21" lab_wait 5 eval \
    '[ "$(route6_nhid $VPC6 21)" = "$G1" ]'
t_eq "group of tunnel 1 holds tunnel 1's nexthop" "$NH0" "$(group_members $G0)"
t_eq "tunnel 1's nexthop: the VGW's IPv6 address on vti0" "vti0 fd00:1::1" \
    "$(nexthop_of $NH0)"
t_eq "tunnel 2's nexthop: the VGW's IPv6 address on vti1" "vti1 fd00:2::1" \
    "$(nexthop_of $NH1)"
t_eq "the nexthop object has protocol bgp" bgp \
    "$(lab_exec cgw ip -j nexthop show id $NH0 | jq -r '.[0].protocol')"
t_eq "no IPv4 route of ours" "" \
    "$(lab_exec cgw ip -4 -j route show table main proto bgp | jq -r '.[].dst')"
t_check "BIRD learned our network on tunnel 1 with our AS" lab_wait 10 eval \
    '[ "$(bird_path tun1)" = 65000 ]'
t_check "and on tunnel 2 prepended once" lab_wait 10 eval \
    '[ "$(bird_path tun2)" = "65000 65000" ]'
t_check "the VGW routes our network into tunnel 1" lab_wait 10 eval \
    '[ "$(vgw_dev $NET6)" = vti0 ]'
t_check "an IPv6 ping crosses the tunnel (lan -> vpc)" lab_wait 5 ping6_vpc

# --- what the operator sees --------------------------------------------------
t_check "show summary lists the IPv6 neighbors Established" eval \
    'ctl show summary | grep -qE "^fd00:1::1 +vti0 +64512 +Established" &&
    ctl show summary | grep -qE "^fd00:2::1 +vti1 +64512 +Established"'
ctl show neighbor vti0 >"$LAB_DIR/nbr.txt"
K1="fd00:1::1 dev vti0" K2="fd00:2::1 dev vti1"
t_check "show neighbor: the local address is ours on the tunnel" grep -q \
    'Local address fd00:1::2, local AS 65000' "$LAB_DIR/nbr.txt"
t_check "show neighbor: IPv6 unicast sent and received" grep -qE \
    '^ +IPv6 unicast +yes +yes$' "$LAB_DIR/nbr.txt"
t_check "show neighbor: no IPv4 unicast sent" grep -qE \
    '^ +IPv4 unicast +no +no$' "$LAB_DIR/nbr.txt"
t_eq "JSON: local_address" fd00:1::2 \
    "$(ctl -j show neighbor vti0 | jq -r '.neighbors[0].local_address')"
t_eq "JSON: mp_ipv6_unicast received" true "$(ctl -j show neighbor vti0 |
    jq -r '.neighbors[0].caps_received.mp_ipv6_unicast')"
t_check "show routes PREFIX: best on vti0, standby on vti1, kernel routes" \
    eval 'ctl show routes $VPC6 >"$LAB_DIR/routes.txt" &&
    grep -qE "^> +$VPC6 +vti0 +fd00:1::1 +100" "$LAB_DIR/routes.txt" &&
    grep -qE "^s +vti1 +fd00:2::1 +100" "$LAB_DIR/routes.txt" &&
    grep -q "kernel: primary, metric 20, table 254, group $G0: $K1" \
    "$LAB_DIR/routes.txt" &&
    grep -q "kernel: standby, metric 21, table 254, group $G1: $K2" \
    "$LAB_DIR/routes.txt"'
t_eq "show routes ADDRESS finds the covering IPv6 prefix" "$VPC6" \
    "$(ctl -j show routes 2001:db8:10::10 | jq -r '.routes[0].prefix')"
t_eq "JSON: the kernel's gateway of the primary" "fd00:1::1 vti0" \
    "$(ctl -j show routes $VPC6 | jq -r '.routes[0].kernel[0].members[0] |
    "\(.gateway) \(.interface)"')"
t_check "metrics label the IPv6 neighbors" eval 'ctl metrics |
    grep -q "^vtibgp_session_up{neighbor=\"fd00:1::1\",interface=\"vti0\"} 1"'
t_check "the ICMPv6 probes are answered" eval 'ctl metrics |
    grep -q "^vtibgp_probe_up{neighbor=\"fd00:2::1\",interface=\"vti1\"} 1"'

# --- a drill on an IPv6 tunnel, with an ICMPv6 probe through the backup ------
ctl drill failover --from vti0 --probe $LAB_VPC_HOST6 --hold 2 \
    >"$LAB_DIR/drill.txt" 2>&1
rc=$?
sed 's/^/# /' "$LAB_DIR/drill.txt"
t_eq "a drill from vti0 passes" 0 "$rc"
t_check "its preflight picks vti1" grep -q \
    'ok   preflight: vti0 and vti1 Established; vti1 has a path for all 1 pre' \
    "$LAB_DIR/drill.txt"
t_check "the IPv6 probe is answered through the backup" grep -q \
    "ok   probe through the backup: $LAB_VPC_HOST6 answers through" \
    "$LAB_DIR/drill.txt"
t_check "tunnel 1 carries the traffic again" lab_wait 10 via_tunnel6 1 $VPC6
t_check "both sessions are up after the drill" lab_wait 20 both_up

# --- carrier loss on tunnel 1: the standby forwards at once --------------
lab_exec lan ping -6 -i 0.01 -c 600 -W 1 "$LAB_VPC_HOST6" \
    >"$LAB_DIR/ping1.txt" 2>&1 &
pinger=$!
sleep 1
lab_link_down 1
t_check "after carrier loss the route forwards into tunnel 2" lab_wait 5 \
    via_tunnel6 2 $VPC6
t_check "the primary is rebuilt on tunnel 1's group, pointing at tunnel 2" \
    lab_wait 5 eval '[ "$(routes6 $VPC6)" = "$G0 $G1" ] &&
    [ "$(group_members $G0)" = "$NH1" ]'
# (the link's news may come after the probes' verdict: the kernel's
# linkwatch delays a carrier change up to a second)
t_check "the session of tunnel 1 went down at once" grep -qE \
    'tunnel interface vti0 down|liveness probes lost on vti0' "$log"
wait "$pinger"
lost=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$LAB_DIR/ping1.txt")
lost=$((600 - ${lost:-0}))
echo "# carrier loss: $lost of 600 IPv6 pings (10 ms apart) lost"
t_check "carrier loss loses under a second of pings (lost $lost of 600)" \
    test "$lost" -lt 100
lab_link_up 1
t_check "tunnel 1 comes back" lab_wait 30 t_bird_established tun1
t_check "its nexthop and group are back, holding it" lab_wait 10 eval \
    '[ "$(group_members $G0)" = "$NH0" ]'
t_check "the route returns to tunnel 1" lab_wait 10 eval \
    '[ "$(routes6 $VPC6)" = "$G0 $G1" ]'
t_check "tunnel 1 forwards again" lab_wait 10 via_tunnel6 1 $VPC6

# --- silent loss on tunnel 1: the probes, one group rewrite --------------
t_check "the probes of tunnel 1 get answers" lab_wait 10 eval \
    '[ "$(ctl -j show neighbor vti0 |
    jq -r ".neighbors[0].probe.state")" = up ]'
lab_exec lan ping -6 -D -i 0.01 -c 500 -W 1 "$LAB_VPC_HOST6" \
    >"$LAB_DIR/ping2.txt" 2>&1 &
pinger=$!
ctl watch >"$LAB_DIR/watch.txt" 2>&1 &
watcher=$!
sleep 1
t0=$(lab_now_us)
lab_drop 1
t_check "the probes move tunnel 1's group to tunnel 2 before the hold timer" \
    lab_wait 6 eval '[ "$(group_members $G0)" = "$NH1" ]'
t1=$(lab_now_us)
echo "# silent loss to group rewritten (polled): $(( (t1 - t0) / 1000 )) ms"
t_check "session 1 went down because of the probes" grep -q \
    'liveness probes lost on vti0: session down at once' "$log"
t_check "the group rewrite is logged" grep -q \
    'tunnel vti0: failover to vti1' "$log"
t_eq "the routes were not rewritten: primary on 1's group, standby on 2's" \
    "$G0 $G1" "$(routes6 $VPC6)"
wait "$pinger"
gap=$(max_gap "$LAB_DIR/ping2.txt")
echo "# longest gap in IPv6 replies (lan -> vpc and back): $gap ms"
t_check "IPv6 traffic is answered again quickly (gap $gap ms)" \
    test "$gap" -lt 2000
kill "$watcher"
wait "$watcher" 2>/dev/null
sed 's/^/# watch: /' "$LAB_DIR/watch.txt" | head -20
t_check "watch names the IPv6 neighbor whose probes were lost" grep -qE \
    'fd00:1::1.*probes lost: tunnel dead' "$LAB_DIR/watch.txt"
lab_undrop 1
t_check "tunnel 1 comes back after the drop" lab_wait 30 t_bird_established tun1
t_check "tunnel 1's group holds tunnel 1 again" lab_wait 10 eval \
    '[ "$(group_members $G0)" = "$NH0" ]'
t_check "the route returns to tunnel 1" lab_wait 10 via_tunnel6 1 $VPC6
t_check "a ping crosses again" lab_wait 5 ping6_vpc

# --- tunnel 2's inside address removed and put back ----------------------
lab_exec cgw ip -6 addr del fd00:2::2/126 dev vti1
t_check "removing tunnel 2's IPv6 inside address takes session 2 down" \
    lab_wait 5 grep -q \
    'inside address fd00:2::2 removed from vti1: session down at once' "$log"
t_check "tunnel 2's group now points at tunnel 1, the primary stays" \
    lab_wait 5 eval '[ "$(group_members $G1)" = "$NH0" ] &&
    [ "$(route6_nhid $VPC6 20)" = "$G0" ]'
lab_exec cgw ip -6 addr add fd00:2::2/126 dev vti1 nodad
t_check "with the address back session 2 returns" lab_wait 30 \
    t_bird_established tun2
t_check "its group holds its own nexthop again" lab_wait 10 eval \
    '[ "$(group_members $G1)" = "$NH1" ] &&
    [ "$(routes6 $VPC6)" = "$G0 $G1" ]'

# --- TCP MD5 (RFC 2385) on tunnel 2, keyed on the IPv6 address ----------
export LAB_PASSWORD2=s3cret
lab_bird_reconfigure >/dev/null || t_fail "BIRD takes the password"
sed -i 's/^\(neighbor fd00:2::1 { .*\)$/\1 password "s3cret"/' "$conf"
t_check "a reload sets the password" ctl reload
t_check "session 2 comes up with a TCP MD5 password" lab_wait 30 \
    t_bird_established tun2
t_check "show neighbor says so" eval \
    'ctl show neighbor vti1 | grep -q "TCP MD5 on"'
sed -i 's/password "s3cret"/password "wrong"/' "$conf"
t_check "a reload sets a wrong one" ctl reload
sleep 8
t_check "session 2 stays down with a wrong password" eval \
    '! t_bird_established tun2'
sed -i 's/password "wrong"/password "s3cret"/' "$conf"
t_check "a reload puts the right one back" ctl reload
t_check "session 2 comes back" lab_wait 30 t_bird_established tun2
t_check "its group holds its own nexthop again, the standby on it" \
    lab_wait 10 eval '[ "$(group_members $G1)" = "$NH1" ] &&
    [ "$(routes6 $VPC6)" = "$G0 $G1" ]'

# --- GTSM (RFC 5082) over IPv6: hop limit 255 out, 255 required in -------
export LAB_TTL_SECURITY=on
lab_bird_reconfigure >/dev/null || t_fail "BIRD takes ttl security"
sed -i 's/^defaults { \(.*\) }$/defaults { \1 ttl-security on }/' "$conf"
t_check "a reload turns ttl-security on" ctl reload
t_check "both sessions come up with GTSM on both sides" lab_wait 30 both_up
t_check "show neighbor says TTL 255" eval 'ctl show neighbor vti0 |
    grep -q "TTL security on"'
export LAB_TTL_SECURITY=off
lab_bird_reconfigure >/dev/null || t_fail "BIRD drops ttl security"
sed -i 's/ ttl-security on }$/ }/' "$conf"
t_check "a reload turns it off" ctl reload
t_check "both sessions come back" lab_wait 30 both_up
t_check "with the routes as before" lab_wait 10 eval \
    '[ "$(routes6 $VPC6)" = "$G0 $G1" ]'

# --- a crash: the routes of the earlier run forward until the restart ---
kill -KILL "$daemon"
lab_wait 5 lab_pid_dead "$daemon"
t_eq "our IPv6 routes stay in the kernel while vtibgpd is gone" "$G0 $G1" \
    "$(routes6 $VPC6)"
lab_spawn cgw "$VTIBGPD" -d -f "$conf" -s "$LAB_DIR/ctl.sock" 2>>"$log"
daemon=$LAB_SPAWN_PID
t_check "the new run finds them (primary and standby)" lab_wait 5 grep -q \
    '2 routes of an earlier run keep forwarding until the sessions have' \
    "$log"
t_check "both IPv6 sessions come back" lab_wait 30 both_up
t_check "the routes converge" lab_wait 40 grep -q 'routes converged' "$log"
t_eq "the IPv6 routes are where they were" "$G0 $G1" "$(routes6 $VPC6)"
t_check "nothing of the earlier run was left behind" eval \
    '[ "$(lab_exec cgw ip -6 -j route show table main proto bgp |
    jq length)" = 2 ]'
t_check "a ping crosses after the restart" lab_wait 10 ping6_vpc

# --- tunnel 1 over link-local addresses (fe80::1:1 and fe80::1:2) -------
LAB_IPV6_LL=1 lab_bird_reconfigure >/dev/null
sed -i 's/^neighbor fd00:1::1 { interface vti0 remote-as 64512/neighbor \
fe80::1:1 { interface vti0 remote-as 64512 local-address fe80::1:2/' "$conf"
t_check "a reload takes the link-local neighbor" ctl reload
t_check "the session over link-local addresses reaches Established" \
    lab_wait 30 t_bird_established tun1
t_eq "BIRD's neighbor is our link-local address" "fe80::1:2%vti0" \
    "$(lab_birdc show protocols all tun1 |
    sed -n 's/^ *Neighbor address: *//p')"
t_check "$VPC6 is on tunnel 1's group, its nexthop fe80::1:1 on vti0" \
    lab_wait 10 eval '[ "$(nexthop_of $NH0)" = "vti0 fe80::1:1" ] &&
    [ "$(routes6 $VPC6)" = "$G0 $G1" ]'
t_eq "show routes names the link-local next hop" fe80::1:1 \
    "$(ctl -j show routes $VPC6 | jq -r '.routes[0].paths[] |
    select(.interface == "vti0") | .next_hop')"
t_check "BIRD has our network with our link-local address as next hop" \
    lab_wait 10 eval '[ "$(lab_birdc show route $NET6 protocol tun1 all |
    sed -n "s/.*BGP.next_hop: *//p")" = ":: fe80::1:2" ]'
t_check "a ping crosses tunnel 1" lab_wait 10 ping6_vpc
t_check "and leaves through vti0" eval '[ "$(lab_exec cgw ip -j -6 route get \
    $LAB_VPC_HOST6 | jq -r ".[0].dev")" = vti0 ]'

# --- SIGTERM: routes and nexthops removed -----------------------------------
kill -TERM "$daemon"
t_check "the daemon exits on SIGTERM" lab_wait 10 lab_pid_dead "$daemon"
t_eq "no route of ours is left" "" \
    "$(lab_exec cgw ip -6 -j route show table all proto bgp | jq -r '.[].dst')"
t_eq "no nexthop of ours is left" "" "$(lab_exec cgw ip -j nexthop show |
    jq -r '.[] | select(.id >= 1987313664 and .id <= 1987379199) | .id')"
t_check "no sanitizer report" eval '! grep -qE \
    "ERROR: (Address|Leak)Sanitizer|runtime error:" "$log"'
if [ "$t_failed" -gt 0 ]; then
	echo "# --- vtibgpd log"; sed 's/^/# /' "$log" | tail -80
	echo "# --- kernel"; lab_exec cgw ip -6 route; lab_exec cgw ip nexthop
	echo "# --- bird"; lab_birdc show protocols all | sed 's/^/# /' | head -60
fi
t_done
