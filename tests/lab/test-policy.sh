#!/bin/bash
# SPDX-License-Identifier: ISC
# test-policy.sh: the import policy in the kernel.  BIRD announces
# 10.10.0.0/16, three /24s in 10.128/16, a default route and a route
# covering our own network, two inside it, and one whose AS_PATH holds our
# own AS; only what an allow rule admits is installed (the default route
# and the routes covering or inside our network only when named exactly),
# never a loop.
# Then max-prefix: over the limit, Cease/Maximum Number of Prefixes
# Reached, down for the restart delay, up again once the limit fits.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
t_need_lab jq

export LAB_EXTRA_PREFIXES=3
export LAB_EXTRA_STATIC="0.0.0.0/0 172.0.0.0/8 10.10.9.0/24 172.100.1.0/24 172.100.2.0/24"
export LAB_LOOP_PREFIX=10.10.9.0/24     # comes back with our AS in its path
lab_up || { t_fail "lab_up"; t_done; }
conf="$LAB_DIR/vtibgpd.conf"
log="$LAB_DIR/vtibgpd.log"
# write_conf MAX-PREFIX: the allow rules below, and the given limit
write_conf() {
	cat >"$conf" <<CONF
router-id 172.100.0.1
local-as 65000
network 172.100.0.0/16
defaults { connect-retry 1 }
import {
	allow 10.10.0.0/16 le 24
	allow 10.128.0.0/24
	allow 10.128.2.0/23 le 24
	allow 0.0.0.0/0 le 8           # not exact: no default route, no 172/8
	allow 172.100.0.0/16 le 24     # not exact: nothing inside our network
	allow 172.100.2.0/24           # but this one, named exactly
	max-prefix $1 restart 2s
}
neighbor 169.254.249.57 { interface vti0 remote-as 64512 }
neighbor 169.254.249.61 { interface vti1 remote-as 64512 }
CONF
	chmod 644 "$conf"
}
installed() {
	lab_exec cgw ip -j route show table main proto bgp |
	    jq -r '[.[] | select(.metric == 20) | .dst] | sort | join(" ")'
}
both_up() { t_bird_established tun1 && t_bird_established tun2; }

write_conf 100
lab_spawn cgw "$VTIBGPD" -d -f "$conf" -s "$LAB_DIR/ctl.sock" 2>"$log"
daemon=$LAB_SPAWN_PID
t_check "both sessions reach Established" lab_wait 20 both_up
t_check "only allowed prefixes are installed (not 10.128.1.0/24, not default, not 172/8, not 172.100.1.0/24, not the loop)" \
    lab_wait 10 eval '[ "$(installed)" = "10.10.0.0/16 10.128.0.0/24 10.128.2.0/24 172.100.2.0/24" ]'
# why_vti0 PREFIX: show routes' reason for refusing tunnel 1's path
why_vti0() {
	"$VTIBGPCTL" -s "$LAB_DIR/ctl.sock" -j show routes "$1" | jq -r \
	    '.routes[0].paths[] | select(.interface == "vti0") | .rejected'
}
# The VGW passes our own network on to the tunnel whose copy it did not
# choose as best (either, as both are equal), and while both sessions come
# up it may pass it on to tunnel 1 first and withdraw it later: the
# counters count every refusal, so tunnel 1 has refused it as a loop once
# more if it has it now, and perhaps once more than that.
loops=$((1 + $(why_vti0 172.100.0.0/16 | grep -c 'AS_PATH loop')))
counters=$("$VTIBGPCTL" -s "$LAB_DIR/ctl.sock" -j show neighbor vti0 | jq -c '.neighbors[0].counters')
t_eq "rejections by reason: default route, covering, inside, not allowed" "1 1 1 1" \
    "$(jq -r '"\(.rejected_default_route) \(.rejected_covers_network) \(.rejected_inside_network) \(.rejected_not_allowed)"' <<<"$counters")"
own_as=$(jq -r .rejected_own_as <<<"$counters")
t_check "own AS: our loop and the VGW's reflections ($own_as, at least $loops, at most 2 more)" \
    eval '[ "$own_as" -ge "$loops" ] && [ "$own_as" -le 3 ]'
t_eq "metrics: the refusals by reason" \
    "not_allowed 1 default_route 1 covers_network 1 own_as $own_as inside_network 1 bad_nexthop 0" \
    "$("$VTIBGPCTL" -s "$LAB_DIR/ctl.sock" metrics | sed -n \
    's/^vtibgp_prefixes_rejected_total{neighbor="169.254.249.57",reason="\([a-z_]*\)"} /\1 /p' | xargs)"
t_eq "show routes: the loop says so" "AS_PATH loop (own AS 65000)" \
    "$(why_vti0 10.10.9.0/24)"
t_eq "show routes: the default route" \
    "default route (no allow names it exactly)" "$(why_vti0 0.0.0.0/0)"
t_eq "show routes: the route covering our network" \
    "covers one of our networks (no allow names it exactly)" \
    "$(why_vti0 172.0.0.0/8)"
t_eq "show routes: the route inside our network" \
    "inside one of our networks (no allow names it exactly)" \
    "$(why_vti0 172.100.1.0/24)"
t_eq "show routes: inside, but allowed exactly" "" "$(why_vti0 172.100.2.0/24)"
t_eq "show routes: the one no rule allows" "not allowed by import" \
    "$(why_vti0 10.128.1.0/24)"
t_eq "show routes: an accepted path has no reason" "" "$(why_vti0 10.10.0.0/16)"
t_check "the text form flags the loop" eval '"$VTIBGPCTL" -s "$LAB_DIR/ctl.sock" \
    show routes 10.10.9.0/24 | grep -q "^!  10.10.9.0/24 .*rejected: AS_PATH loop (own AS 65000)"'

# nine prefixes per tunnel, limit 5: Cease/1, then back after 2 s
write_conf 5
kill -HUP "$daemon"
lab_birdc reload in all >/dev/null 2>&1 || true
lab_birdc reload out all >/dev/null
t_check "over max-prefix we send Cease/Maximum Number of Prefixes Reached" \
    lab_wait 10 grep -q 'sent NOTIFICATION Cease/Maximum Number of Prefixes Reached' "$log"
t_check "BIRD received it" lab_wait 5 grep -qi \
    'tun1: Received: Maximum number of prefixes reached' "$LAB_DIR/bird.log"
t_check "and the routes are gone from the kernel" lab_wait 5 eval '[ -z "$(installed)" ]'
write_conf 100
kill -HUP "$daemon"
t_check "after the restart delay, with room again, the sessions come back" \
    lab_wait 20 both_up
t_check "and the routes return" lab_wait 10 eval \
    '[ "$(installed)" = "10.10.0.0/16 10.128.0.0/24 10.128.2.0/24 172.100.2.0/24" ]'
t_check "the daemon is still running" lab_pid_alive "$daemon"
t_check "no sanitizer report" eval '! grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$log"'
if [ "$t_failed" -gt 0 ]; then
	echo "# --- vtibgpd log"; sed 's/^/# /' "$log" | tail -60
	lab_exec cgw ip route
fi
t_done
