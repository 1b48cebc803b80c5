#!/bin/bash
# test-gobgp.sh: interoperability with another implementation: GoBGP
# (gobgpd) replaces BIRD as the VGW pair.  Both sessions reach
# Established, GoBGP receives our network with our AS_PATH (prepended on
# tunnel 2), and a route GoBGP announces reaches our kernel.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
t_need_lab gobgpd gobgp jq

lab_up || { t_fail "lab_up"; t_done; }
# GoBGP takes BIRD's place (both would listen on port 179).
bird=$(lab_bird_pid)
kill "$bird"
lab_wait 10 lab_pid_dead "$bird" || t_fail "BIRD did not stop"

cat >"$LAB_DIR/gobgpd.toml" <<'TOML'
[global.config]
  as = 64512
  router-id = "169.254.249.57"
  local-address-list = ["169.254.249.57", "169.254.249.61"]
[global.apply-policy.config]
  default-import-policy = "accept-route"
  default-export-policy = "accept-route"

[[neighbors]]
  [neighbors.config]
    neighbor-address = "169.254.249.58"
    peer-as = 65000
  [neighbors.timers.config]
    hold-time = 9
    keepalive-interval = 3
    connect-retry = 1
  [neighbors.transport.config]
    local-address = "169.254.249.57"
  [neighbors.ttl-security.config]
    enabled = true
    ttl-min = 255

[[neighbors]]
  [neighbors.config]
    neighbor-address = "169.254.249.62"
    peer-as = 65000
  [neighbors.timers.config]
    hold-time = 9
    keepalive-interval = 3
    connect-retry = 1
  [neighbors.transport.config]
    local-address = "169.254.249.61"
  [neighbors.ttl-security.config]
    enabled = true
    ttl-min = 255
TOML
lab_spawn vgw gobgpd -f "$LAB_DIR/gobgpd.toml" --api-hosts 127.0.0.1:50151 \
    -l info --log-plain --pprof-disable \
    >"$LAB_DIR/gobgpd.log" 2>&1
gobgp() { lab_exec vgw gobgp -u 127.0.0.1 -p 50151 "$@"; }
t_check "gobgpd answers" lab_wait 10 eval 'gobgp global >/dev/null 2>&1'
gobgp global rib add -a ipv4 10.10.0.0/16 med 100 >/dev/null

T_HOLD=9 T_KEEPALIVE=3 t_start_vtibgpd

gobgp_up() {
	[ "$(gobgp neighbor 2>/dev/null | grep -c Establ)" -eq 2 ]
}
t_check "both sessions with GoBGP reach Established" lab_wait 30 gobgp_up
t_check "GoBGP has our network from tunnel 1 with AS_PATH 65000" lab_wait 10 eval \
    'gobgp neighbor 169.254.249.58 adj-in | grep -qE "172.100.0.0/16 +169.254.249.58 +65000 "'
t_check "GoBGP has our network from tunnel 2 with AS_PATH 65000 65000 65000" lab_wait 10 eval \
    'gobgp neighbor 169.254.249.62 adj-in | grep -qE "172.100.0.0/16 +169.254.249.62 +65000 65000 65000 "'
t_check "GoBGP's route is installed from both tunnels (primary and standby)" \
    lab_wait 10 eval '[ "$(lab_exec cgw ip -j route show 10.10.0.0/16 proto bgp | jq length)" = 2 ]'
sleep 10
t_check "sessions stay up past a hold time" gobgp_up
t_eq "no session flapped" 0 "$(grep -c 'Established -> ' "$log")"
if [ "$t_failed" -gt 0 ]; then
	echo "# --- vtibgpd log"; sed 's/^/# /' "$log" | tail -60
	echo "# --- gobgpd log"; sed 's/^/# /' "$LAB_DIR/gobgpd.log" | tail -30
fi
t_done
