#!/bin/bash
# SPDX-License-Identifier: ISC
# test-plain.sh: the fallback for kernels without nexthop objects (forced
# here with VTIBGPD_NO_NEXTHOPS=1): plain routes via the VGW, a standby one
# metric higher, and a carrier loss moves the primary to tunnel 2.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
t_need_lab jq

export T_PREF2=90
lab_up || { t_fail "lab_up"; t_done; }
lab_exec vgw ip route add 172.100.0.0/16 via 169.254.249.62 dev vti1 metric 4000
export VTIBGPD_NO_NEXTHOPS=1
t_start_vtibgpd
# via METRIC: "gateway dev" of our route with that metric
via() {
	lab_exec cgw ip -j route show 10.10.0.0/16 proto bgp | jq -r \
	    --argjson m "$1" '.[] | select(.metric == $m) | "\(.gateway) \(.dev)"'
}
both_up() { t_bird_established tun1 && t_bird_established tun2; }
t_check "both sessions reach Established" lab_wait 20 both_up
t_check "the fallback is logged" grep -q "nexthop objects not used; plain routes" "$log"
t_check "the primary is a plain route via tunnel 1" lab_wait 10 eval \
    '[ "$(via 20)" = "169.254.249.57 vti0" ]'
t_check "the standby is a plain route via tunnel 2" lab_wait 5 eval \
    '[ "$(via 21)" = "169.254.249.61 vti1" ]'
t_eq "no nexthop object of ours" "" "$(lab_exec cgw ip -j nexthop show | jq -r '.[].id')"
lab_link_down 1
t_check "after carrier loss the primary goes via tunnel 2" lab_wait 5 eval \
    '[ "$(via 20)" = "169.254.249.61 vti1" ]'
t_check "a ping crosses tunnel 2" lab_wait 5 eval \
    'lab_exec lan ping -c 1 -W 1 10.10.0.10 >/dev/null'
lab_link_up 1
t_check "back on tunnel 1 after recovery (higher preference)" lab_wait 30 eval \
    '[ "$(via 20)" = "169.254.249.57 vti0" ] && [ "$(via 21)" = "169.254.249.61 vti1" ]'
kill -TERM "$daemon"
t_check "SIGTERM removes the plain routes" lab_wait 10 eval '[ -z "$(via 20)$(via 21)" ]'
t_check "no sanitizer report" eval '! grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$log"'
if [ "$t_failed" -gt 0 ]; then
	echo "# --- vtibgpd log"; sed 's/^/# /' "$log" | tail -30
	lab_exec cgw ip route
fi
t_done
