#!/bin/bash
# SPDX-License-Identifier: ISC
# test-updown.sh: doc/vtibgp-updown, the IPsec updown hook, called the way
# strongSwan's updown plugin and libreswan's pluto call it, in the cgw
# namespace, against a running vtibgpd with BIRD as the VGW pair.
# down-client sets the tunnel interface down: vtibgpd takes that session
# down at once (no hold timer: the AWS timers, 30/10, are kept) and
# 10.10.0.0/16 forwards into the other tunnel while a ping keeps going;
# up-client brings it back.  Unknown verbs are no-ops; bad interface names
# are refused without touching anything.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
t_need_lab jq

UPDOWN="$top_srcdir/doc/vtibgp-updown"
# The AWS timers (hold 30, keepalive 10): a failover within seconds can
# only come from the link.  Preference 90 on tunnel 2 (ours: the VGW
# sends MED 100 on both, as AWS) makes tunnel 1 the best path, so that
# the routes have somewhere to come back to (with equal paths they would
# rightly stay where they are).
export T_PREF2=90
lab_up || { t_fail "lab_up"; t_done; }
# The return path is the VGW's business: a kernel fallback into tunnel 2,
# so that what a ping loses is ours alone (as in test-routes.sh).
lab_exec vgw ip route add 172.100.0.0/16 via 169.254.249.62 dev vti1 metric 4000
t_start_vtibgpd
sock="$LAB_DIR/ctl.sock"
ctl() { "$VTIBGPCTL" -s "$sock" "$@"; }

# kernel_dev: the interface the cgw kernel forwards 10.10.0.10 into now.
kernel_dev() {
	lab_exec cgw ip -j route get 10.10.0.10 2>/dev/null | jq -r '.[0].dev // empty'
}
# link_flag IFACE: UP or DOWN (the admin flag) of IFACE in cgw.
link_flag() {
	if lab_exec cgw ip -j link show dev "$1" |
	    jq -e '.[0].flags | index("UP")' >/dev/null; then
		echo UP
	else
		echo DOWN
	fi
}
# links: every cgw interface with its flags, to prove nothing changed.
links() {
	lab_exec cgw ip -j link show | jq -c '[.[] | [.ifname, .flags, .operstate]]'
}
nb() {	# nb IFACE FIELD: a field of the neighbor on IFACE in show summary -j
	ctl -j show summary | jq -r --arg i "$1" \
	    ".neighbors[] | select(.interface == \$i) | .$2"
}
both_up() { t_bird_established tun1 && t_bird_established tun2; }
ping_vpc() { lab_exec lan ping -c 1 -W 1 10.10.0.10 >/dev/null 2>&1; }
# pinger FILE: 600 pings 10 ms apart lan -> vpc in the background (PID in
# pinger_pid); ping_lost FILE: how many of them were lost.
pinger() {
	lab_exec lan ping -i 0.01 -c 600 -W 1 10.10.0.10 >"$1" 2>&1 &
	pinger_pid=$!
}
ping_lost() {
	local got
	got=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$1")
	echo $((600 - ${got:-0}))
}
ms_since() { echo $((($(lab_now_us) - $1) / 1000)); }

# strongswan VERB [ARG...]: the hook as charon's updown plugin runs it: a
# shell command line (updown = .../vtibgp-updown vti0), PLUTO_* in a clean
# environment, stdout and stderr kept in $LAB_DIR/updown.out.
strongswan() {
	local verb=$1
	shift
	lab_exec cgw env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	    ${FAKEPATH:+PATH="$FAKEPATH:/usr/sbin:/usr/bin:/sbin:/bin"} \
	    VTIBGP_UPDOWN_STDERR=1 \
	    PLUTO_VERSION=1.1 PLUTO_VERB="$verb" PLUTO_CONNECTION=aws-tunnel-1 \
	    PLUTO_INTERFACE=eth0 PLUTO_REQID=1 PLUTO_PROTO=esp PLUTO_UNIQUEID=7 \
	    PLUTO_ME=192.0.2.10 PLUTO_MY_ID=192.0.2.10 PLUTO_MY_CLIENT=0.0.0.0/0 \
	    PLUTO_PEER=198.51.100.1 PLUTO_PEER_ID=198.51.100.1 \
	    PLUTO_PEER_CLIENT=0.0.0.0/0 \
	    PLUTO_MARK_IN=100/0xffffffff PLUTO_MARK_OUT=100/0xffffffff \
	    sh -c "sh '$UPDOWN' $*" >"$LAB_DIR/updown.out" 2>&1
}
# libreswan VERB: as pluto runs leftupdown="...vtibgp-updown" (through
# /bin/sh -c, no argument: the interface is VTI_IFACE from vti-interface=).
libreswan() {
	lab_exec cgw env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	    VTIBGP_UPDOWN_STDERR=1 \
	    PLUTO_VERB="$1" PLUTO_CONNECTION=aws-tunnel-1 \
	    PLUTO_CONNECTION_TYPE=tunnel PLUTO_VIRT_INTERFACE=NULL \
	    PLUTO_INTERFACE=eth0 PLUTO_ME=192.0.2.10 PLUTO_PEER=198.51.100.1 \
	    PLUTO_MY_CLIENT=0.0.0.0/0 PLUTO_PEER_CLIENT=0.0.0.0/0 \
	    PLUTO_CONN_ADDRFAMILY=ipv4 PLUTO_CLIENT_FAMILY=ipv4 \
	    CONNMARK_IN=100/0xffffffff CONNMARK_OUT=100/0xffffffff \
	    VTI_IFACE=vti0 VTI_ROUTING=no VTI_SHARED=no \
	    VTI_IP=169.254.249.58/30 SPI_IN=0x1234 SPI_OUT=0x5678 \
	    /bin/sh -c "$UPDOWN" >"$LAB_DIR/updown.out" 2>&1
}

t_check "the script passes sh -n" sh -n "$UPDOWN"
t_check "both sessions reach Established" lab_wait 20 both_up
t_check "10.10.0.0/16 is installed on tunnel 1's group" lab_wait 10 eval \
    '[ "$(route_nhid 10.10.0.0/16 20)" = "$G0" ] && [ "$(route_nhid 10.10.0.0/16 21)" = "$G1" ]'
t_check "a ping crosses tunnel 1" lab_wait 5 ping_vpc
t_eq "the kernel forwards into vti0" vti0 "$(kernel_dev)"

# --- strongSwan: down-client ---------------------------------------------
pinger "$LAB_DIR/ping1.txt"
sleep 1
t0=$(lab_now_us)
strongswan down-client vti0; rc=$?
script_ms=$(ms_since "$t0")
t_eq "down-client exits 0" 0 "$rc"
t_eq "vti0 is set down" DOWN "$(link_flag vti0)"
# The kernel dropped the primaries on vti0 with the link: the standby on
# tunnel 2 forwards at once, before vtibgpd does anything: the first look
# after the script returned must see it.
t_eq "the kernel forwards 10.10.0.0/16 into vti1 at once" vti1 "$(kernel_dev)"
kernel_ms=$(ms_since "$t0")
until via_tunnel 2 10.10.0.0/16 || [ "$(ms_since "$t0")" -gt 5000 ]; do sleep 0.01; done
primary_ms=$(ms_since "$t0")
t_check "vtibgpd's primary route moves to tunnel 2" via_tunnel 2 10.10.0.0/16
t_check "vtibgpd took session 1 down at once (link monitor, not the hold timer)" \
    lab_wait 2 grep -q 'tunnel interface vti0 down' "$log"
t_check "the script logged what it did" \
    grep -q 'aws-tunnel-1: down-client: set vti0 down' "$LAB_DIR/updown.out"
t_check "show summary: vti0's session is not Established" lab_wait 2 eval \
    '[ -n "$(nb vti0 state)" ] && [ "$(nb vti0 state)" != ESTABLISHED ]'
t_eq "show summary: vti1's session stays Established" ESTABLISHED "$(nb vti1 state)"
t_check "show summary: vti0 has no link" eval '[ "$(nb vti0 link_up)" != true ]'
t_eq "vti1 was not touched" UP "$(link_flag vti1)"
t_eq "lan0 was not touched" UP "$(link_flag lan0)"
wait "$pinger_pid"
lost1=$(ping_lost "$LAB_DIR/ping1.txt")
echo "# down-client: script ${script_ms} ms, kernel seen on vti1 ${kernel_ms} ms after the call," \
    "vtibgpd primary on tunnel 2 after ${primary_ms} ms; $lost1 of 600 pings (10 ms apart) lost"
# Loose bound: shared build machines.  The hold timer would be 30 s.
t_check "the ping kept going (lost $lost1 of 600)" test "$lost1" -lt 100
t_check "a ping crosses tunnel 2" lab_wait 5 ping_vpc

# --- verbs that are not ours, bad names: nothing changes ------------------
before=$(links)
strongswan rekey-client vti0; rc=$?
t_eq "an unknown verb exits 0" 0 "$rc"
strongswan "" vti0; rc=$?
t_eq "an empty PLUTO_VERB exits 0" 0 "$rc"
for v in prepare-client route-client unroute-client; do
	libreswan "$v"; rc=$?
	t_eq "libreswan's $v is a no-op (exit 0)" 0 "$rc"
done
t_eq "and vti0 stays down" DOWN "$(link_flag vti0)"
for bad in "'vti0;reboot'" "'../vti0'" "'-vti0'" lo "'vti 0'" \
    averyveryverylongname0 "'vti0\$(id)'" "''"; do
	strongswan up-client "$bad"; rc=$?
	t_eq "interface name $bad is refused (exit 2)" 2 "$rc"
done
strongswan up-client; rc=$?
t_eq "no interface at all is refused (exit 2)" 2 "$rc"
t_check "the refusal says why" grep -q "no interface" "$LAB_DIR/updown.out"
strongswan up-client vti0 vti1; rc=$?
t_eq "two interfaces are refused (exit 2)" 2 "$rc"
strongswan up-client vti9; rc=$?
t_eq "up-client on a missing interface fails (exit 1)" 1 "$rc"
strongswan down-client vti9; rc=$?
t_eq "down-client on a missing interface has nothing to do (exit 0)" 0 "$rc"
t_eq "no interface changed" "$before" "$(links)"

# --- strongSwan: up-client ---------------------------------------------------
pinger "$LAB_DIR/ping2.txt"
sleep 1
t0=$(lab_now_us)
strongswan up-client vti0; rc=$?
t_eq "up-client exits 0" 0 "$rc"
t_eq "vti0 is up" UP "$(link_flag vti0)"
t_check "session 1 re-establishes" lab_wait 20 t_bird_established tun1
up_ms=$(ms_since "$t0")
t_check "show summary: vti0's session is Established" lab_wait 5 eval \
    '[ "$(nb vti0 state)" = ESTABLISHED ]'
t_check "tunnel 1's group holds tunnel 1 again" lab_wait 10 eval \
    '[ "$(group_members $G0)" = "$NH0" ]'
t_check "the routes go back to tunnel 1" lab_wait 10 eval \
    '[ "$(route_nhid 10.10.0.0/16 20)" = "$G0" ] && [ "$(route_nhid 10.10.0.0/16 21)" = "$G1" ]'
t_eq "the kernel forwards into vti0 again" vti0 "$(kernel_dev)"
back_ms=$(ms_since "$t0")
wait "$pinger_pid"
lost2=$(ping_lost "$LAB_DIR/ping2.txt")
echo "# up-client: session up after ${up_ms} ms, routes back on tunnel 1 after" \
    "${back_ms} ms; $lost2 of 600 pings lost"
t_check "going back loses under a second of pings (lost $lost2 of 600)" test "$lost2" -lt 100
strongswan up-client vti0; rc=$?
t_eq "a second up-client is harmless (exit 0)" 0 "$rc"
t_check "and says the link is already up" grep -q 'vti0 is already up' "$LAB_DIR/updown.out"

# --- make-before-break: another SA to the peer still installed ----------------
# A stand-in `ip` reports two outbound ESP SAs to PLUTO_PEER (the dying one
# and its successor) and passes every other command to the real ip.
mkdir -p "$LAB_DIR/fakebin"
cat >"$LAB_DIR/fakebin/ip" <<EOF
#!/bin/sh
for a; do
	case \$a in xfrm)
		echo 'src 192.0.2.10 dst 198.51.100.1 proto esp spi 0x00000001 reqid 1 mode tunnel'
		echo 'src 192.0.2.10 dst 198.51.100.1 proto esp spi 0x00000002 reqid 1 mode tunnel'
		exit 0 ;;
	esac
done
exec $(command -v ip) "\$@"
EOF
chmod 755 "$LAB_DIR/fakebin/ip"
FAKEPATH="$LAB_DIR/fakebin" strongswan down-client vti0; rc=$?
t_eq "down-client with a successor SA installed exits 0" 0 "$rc"
t_eq "and leaves vti0 up" UP "$(link_flag vti0)"
t_check "saying why" grep -q '1 other SA(s) to 198.51.100.1 still installed' "$LAB_DIR/updown.out"
t_check "session 1 stays Established" t_bird_established tun1

# --- libreswan: down-client / up-client, interface from VTI_IFACE -----------
libreswan down-client; rc=$?
t_eq "libreswan down-client exits 0" 0 "$rc"
t_eq "vti0 (VTI_IFACE) is set down" DOWN "$(link_flag vti0)"
t_check "the kernel forwards into vti1" lab_wait 2 eval '[ "$(kernel_dev)" = vti1 ]'
t_check "vtibgpd's primary moves to tunnel 2" lab_wait 5 via_tunnel 2 10.10.0.0/16
t_check "a ping crosses tunnel 2" lab_wait 5 ping_vpc
libreswan up-client; rc=$?
t_eq "libreswan up-client exits 0" 0 "$rc"
t_eq "vti0 is up" UP "$(link_flag vti0)"
t_check "session 1 re-establishes" lab_wait 20 t_bird_established tun1
t_check "the routes go back to tunnel 1" lab_wait 10 via_tunnel 1 10.10.0.0/16
t_eq "vti1 was never touched" UP "$(link_flag vti1)"

# --- end ----------------------------------------------------------------------
kill -TERM "$daemon"
t_check "the daemon exits on SIGTERM" lab_wait 10 lab_pid_dead "$daemon"
t_check "no sanitizer report" eval '! grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$log"'
if [ "$t_failed" -gt 0 ]; then
	echo "# --- last updown output"; sed 's/^/# /' "$LAB_DIR/updown.out"
	echo "# --- vtibgpd log"; sed 's/^/# /' "$log" | tail -60
	echo "# --- kernel"; lab_exec cgw ip route; lab_exec cgw ip nexthop
fi
t_done
