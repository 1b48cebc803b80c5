#!/bin/bash
# SPDX-License-Identifier: ISC
# test-show-routes.sh: `show routes` lists every prefix received, accepted
# or not, also when only refused paths came after the last change of a
# best path (the listing is cached between requests), each refused path
# says why, and `show summary` counts the same prefixes.  BIRD on tunnel
# 1 announces 10.10.0.0/16; a scripted peer (fakepeer.pl) on tunnel 2
# announces it too, then a default route and our own network with our AS
# in the path, then a prefix whose NEXT_HOP is not on the tunnel.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
t_need_lab jq

t_fake_lab
ctl() { "$VTIBGPCTL" -s "$LAB_DIR/ctl.sock" "$@"; }

( t_fake --msg "$(t_upd $T_VGW2 64512 10.10.0.0/16)" --sleep 4 \
    --msg "$(t_upd $T_VGW2 64512 0.0.0.0/0)" \
    --msg "$(t_upd $T_VGW2 "64512 65000" 172.100.0.0/16)" \
    --msg "$(t_upd 1.2.3.4 64512 10.10.5.0/24)" --wait 60 \
    >"$LAB_DIR/fake.out" 2>&1 ) &
lab_record_pid $!

listed() { ctl -j show routes | jq -r '[.routes[].prefix] | join(" ")'; }
paths_of() {
	ctl -j show routes | jq --arg p "$1" \
	    '[.routes[] | select(.prefix == $p) | .paths[]] | length'
}
t_check "both tunnels' paths for 10.10.0.0/16 are listed (cache filled)" \
    lab_wait 15 eval '[ "$(paths_of 10.10.0.0/16)" = 2 ]'
all="0.0.0.0/0 10.10.0.0/16 10.10.5.0/24 172.100.0.0/16"
t_check "then every prefix received is listed, the refused ones too" \
    lab_wait 10 eval '[ "$(listed)" = "$all" ]'
t_eq "the reply's total counts them" 4 "$(ctl -j show routes | jq .total)"
# why PREFIX: the reason tunnel 2's path is refused
why() {
	ctl -j show routes "$1" | jq -r \
	    '.routes[0].paths[] | select(.interface == "vti1") | .rejected'
}
t_eq "the default route says why" \
    "default route (no allow names it exactly)" "$(why 0.0.0.0/0)"
t_eq "our own network coming back says why" \
    "AS_PATH loop (own AS 65000)" "$(why 172.100.0.0/16)"
t_eq "the prefix with a NEXT_HOP off the tunnel says why" \
    "bad next hop (not on the tunnel)" "$(why 10.10.5.0/24)"
t_eq "and is not in the kernel" "" \
    "$(lab_exec cgw ip route show 10.10.5.0/24 proto bgp)"
t_check "the text form flags it" eval 'ctl show routes 10.10.5.0/24 |
    grep -q "^!  10.10.5.0/24 .*rejected: bad next hop (not on the tunnel)"'
t_eq "show summary counts them alike (received accepted rejected stale)" \
    "4 1 3 0" "$(ctl -j show summary | jq -r '[.rib_received,
    .rib_prefixes, .rib_rejected, .rib_stale] | map(tostring) | join(" ")')"
t_check "and says so in words" eval 'ctl show summary |
    grep -q "^RIB: 4 prefixes received, 1 accepted, 3 rejected; 0 stale paths$"'
t_eq "show neighbor counts the refusal by reason" "1 1 1" \
    "$(ctl -j show neighbor vti1 | jq -r '.neighbors[0].counters |
    "\(.rejected_bad_nexthop) \(.rejected_default_route) \(.rejected_own_as)"')"

if [ "$t_failed" -gt 0 ]; then
	echo "# --- fakepeer"; sed 's/^/# /' "$LAB_DIR/fake.out"
	ctl show routes | sed 's/^/# /'
fi
t_fake_done
