#!/bin/bash
# SPDX-License-Identifier: ISC
# tests/lab/lab.sh - network-namespace test lab for vtibgpd.
#
# Source this file from a test (then call lab_up / lab_down), or run it by
# hand:  tests/lab/lab.sh up | down [LAB_ID] | status [LAB_ID]
#
# Topology (veth pairs stand in for the VTI tunnels, see README.md):
#
#   lan --eth0/lan0-- cgw --vti0/vti0-- vgw --vpc0/eth0-- vpc
#                         --vti1/vti1--
#
# The VGW namespace runs BIRD 2 as the two AWS tunnel endpoints (four with
# LAB_TUNNELS=4: a second connection, vti2/vti3).  LAB_IPV6="1 2" (tunnel
# numbers) adds IPv6 everywhere (fd00:N::/126 inside each tunnel, IPv6
# hosts) and runs the BGP sessions of those tunnels over IPv6, with an
# ipv6 channel, as AWS's IPv6 tunnels do.  Knobs are
# environment variables read each time the BIRD config is generated (see
# lab_bird_config and README.md).  Everything the lab creates lives in four
# namespaces with a unique prefix and one temporary directory; lab_down
# removes all of it and stops every process the lab started, by PID.

set -u

# Fixed addressing of the lab (the AWS example inside addresses).
LAB_VGW_IP1=169.254.249.57   # tunnel 1, VGW side (vgw vti0)
LAB_CGW_IP1=169.254.249.58   # tunnel 1, CGW side (cgw vti0)
LAB_VGW_IP2=169.254.249.61   # tunnel 2, VGW side (vgw vti1)
LAB_CGW_IP2=169.254.249.62   # tunnel 2, CGW side (cgw vti1)
# LAB_TUNNELS=4: a second VPN connection to the same VGW, tunnels 3 and 4.
LAB_VGW_IP3=169.254.250.57   # tunnel 3, VGW side (vgw vti2)
LAB_CGW_IP3=169.254.250.58   # tunnel 3, CGW side (cgw vti2)
LAB_VGW_IP4=169.254.250.61   # tunnel 4, VGW side (vgw vti3)
LAB_CGW_IP4=169.254.250.62   # tunnel 4, CGW side (cgw vti3)
LAB_LAN_GW=172.100.0.1       # cgw lan0
LAB_LAN_HOST=172.100.0.10    # lan eth0
LAB_VPC_GW=10.10.0.1         # vgw vpc0
LAB_VPC_HOST=10.10.0.10      # vpc eth0
# LAB_IPV6: tunnel N has fd00:N::1 (VGW) and fd00:N::2 (CGW), /126.
LAB_LAN_GW6=2001:db8:172::1  # cgw lan0 (our network 2001:db8:172::/48)
LAB_LAN_HOST6=2001:db8:172::10
LAB_VPC_GW6=2001:db8:10::1   # vgw vpc0 (the VPC's 2001:db8:10::/56)
LAB_VPC_HOST6=2001:db8:10::10
LAB_VPC_NET6=2001:db8:10::/56
LAB_NFT_TABLE=vtblab         # nftables table (family inet) in vgw for lab_drop
LAB_SH_PATH="${BASH_SOURCE[0]}"  # for messages telling how to remove a lab

# ---------------------------------------------------------------- helpers

# lab_log MSG...: timestamped message on stderr.
lab_log() {
	printf '%s lab: %s\n' "$(date +%H:%M:%S.%3N)" "$*" >&2
}

# lab_now_us: wall clock in microseconds (bash 5 EPOCHREALTIME).
lab_now_us() {
	local t="${EPOCHREALTIME}"
	printf '%s\n' "${t/[.,]/}"
}

# lab_wait TIMEOUT CMD...: run CMD every 0.15 s until it succeeds (return 0)
# or TIMEOUT seconds (may be fractional, e.g. 2.5) have passed (return 1).
lab_wait() {
	local timeout="$1"; shift
	local sec="${timeout%%.*}" frac="0"
	[[ "$timeout" == *.* ]] && frac="${timeout#*.}"
	frac="${frac}000000"; frac="${frac:0:6}"
	local deadline=$(( $(lab_now_us) + 10#${sec:-0} * 1000000 + 10#$frac ))
	while true; do
		"$@" && return 0
		[ "$(lab_now_us)" -ge "$deadline" ] && return 1
		sleep 0.15
	done
}

# lab_ns NAME: full namespace name for cgw|vgw|lan|vpc (or a full name).
lab_ns() {
	case "$1" in
	cgw) printf '%s\n' "$LAB_CGW" ;;
	vgw) printf '%s\n' "$LAB_VGW" ;;
	lan) printf '%s\n' "$LAB_LAN" ;;
	vpc) printf '%s\n' "$LAB_VPC" ;;
	"${LAB_ID:-none}"-*) printf '%s\n' "$1" ;;
	*) lab_log "unknown namespace '$1' (cgw|vgw|lan|vpc)"; return 1 ;;
	esac
}

# lab_exec NS CMD...: run CMD inside lab namespace NS (cgw|vgw|lan|vpc).
lab_exec() {
	local ns
	ns="$(lab_ns "$1")" || return 2
	shift
	ip netns exec "$ns" "$@"
}

# lab_spawn NS CMD...: start CMD in the background inside NS, record its PID
# for lab_down and leave it in LAB_SPAWN_PID (`ip netns exec` execs CMD, so
# this is the PID of CMD itself; `lab_exec ... &` would give a subshell's).
# Call it directly, not in $(...), or LAB_SPAWN_PID is lost.
lab_spawn() {
	local ns
	ns="$(lab_ns "$1")" || return 2
	shift
	ip netns exec "$ns" "$@" &
	LAB_SPAWN_PID=$!
	lab_record_pid "$LAB_SPAWN_PID"
}

# lab_sysctl NS KEY VALUE: set a sysctl inside a namespace (via /proc, so
# that procps is not needed).  KEY in dotted form, e.g. net.ipv4.ip_forward.
lab_sysctl() {
	local path="/proc/sys/${2//.//}"
	# shellcheck disable=SC2016  # $1 $2 expand in the inner sh
	ip netns exec "$1" sh -c 'echo "$2" > "$1"' _ "$path" "$3"
}

# lab_tunnel_if N: interface name of tunnel N (1 -> vti0, 2 -> vti1;
# with LAB_TUNNELS=4 also 3 -> vti2, 4 -> vti3).
lab_tunnel_if() {
	case "$1" in
	1) echo vti0 ;;
	2) echo vti1 ;;
	3|4) [ "${LAB_TUNNELS:-2}" = 4 ] && echo "vti$(($1 - 1))" && return
	     lab_log "tunnel $1 needs LAB_TUNNELS=4"; return 1 ;;
	*) lab_log "tunnel must be 1 or 2, got '$1'"; return 1 ;;
	esac
}

# lab_record_pid PID: have lab_down stop PID (TERM, then KILL) too.
lab_record_pid() {
	printf '%s\n' "$1" >> "$LAB_DIR/pids"
}

# lab_pid_alive PID: true while the process exists (zombies count as gone).
lab_pid_alive() {
	[ -n "$1" ] && kill -0 "$1" 2>/dev/null || return 1
	local state
	state="$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null)"
	[ "$state" != "Z" ]
}

# lab_pid_dead PID: negation of lab_pid_alive, for lab_wait.
lab_pid_dead() {
	! lab_pid_alive "$1"
}

# lab_stop_pid PID: SIGTERM, wait up to 5 s, then SIGKILL.
lab_stop_pid() {
	local pid="$1"
	lab_pid_alive "$pid" || return 0
	kill -TERM "$pid" 2>/dev/null
	lab_wait 5 lab_pid_dead "$pid" && return 0
	lab_log "pid $pid ignored SIGTERM, sending SIGKILL"
	kill -KILL "$pid" 2>/dev/null
	lab_wait 2 lab_pid_dead "$pid"
}

# ---------------------------------------------------------------- topology

# lab_new_id: pick an unused lab id ("vtb" + PID + 4 hex digits).
lab_new_id() {
	local id
	while true; do
		id="$(printf 'vtb%d%04x' "$$" "$RANDOM")"
		[ -e "/run/netns/${id}-cgw" ] || break
	done
	printf '%s\n' "$id"
}

# lab_veth NS_A IF_A NS_B IF_B: veth pair with one end in each namespace.
lab_veth() {
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3"
}

# lab_addr NS IF ADDR/LEN: add an address and set the interface up.
lab_addr() {
	ip -n "$1" addr add "$3" dev "$2" && ip -n "$1" link set "$2" up
}

# lab_router_sysctls NS IF...: forwarding on, reverse-path filter off
# (all, default and per interface), as on a VPN router.
lab_router_sysctls() {
	local ns="$1" ifc; shift
	lab_sysctl "$ns" net.ipv4.ip_forward 1 &&
	lab_sysctl "$ns" net.ipv4.conf.all.rp_filter 0 &&
	lab_sysctl "$ns" net.ipv4.conf.default.rp_filter 0 || return 1
	for ifc in "$@"; do
		lab_sysctl "$ns" "net.ipv4.conf.${ifc}.rp_filter" 0 || return 1
	done
}

# lab_topology: namespaces, links, addresses, routes, sysctls.
lab_topology() {
	local ns
	for ns in "$LAB_CGW" "$LAB_VGW" "$LAB_LAN" "$LAB_VPC"; do
		ip netns add "$ns" || return 1
		ip -n "$ns" link set lo up || return 1
	done
	# Default sysctls before any link exists, so new links inherit them.
	lab_router_sysctls "$LAB_CGW" && lab_router_sysctls "$LAB_VGW" || return 1

	# The two "tunnels": same interface name on both sides.
	lab_veth "$LAB_CGW" vti0 "$LAB_VGW" vti0 &&
	lab_veth "$LAB_CGW" vti1 "$LAB_VGW" vti1 &&
	lab_veth "$LAB_CGW" lan0 "$LAB_LAN" eth0 &&
	lab_veth "$LAB_VGW" vpc0 "$LAB_VPC" eth0 || return 1

	lab_addr "$LAB_CGW" vti0 "$LAB_CGW_IP1/30" &&
	lab_addr "$LAB_CGW" vti1 "$LAB_CGW_IP2/30" &&
	lab_addr "$LAB_CGW" lan0 "$LAB_LAN_GW/24" &&
	lab_addr "$LAB_VGW" vti0 "$LAB_VGW_IP1/30" &&
	lab_addr "$LAB_VGW" vti1 "$LAB_VGW_IP2/30" &&
	lab_addr "$LAB_VGW" vpc0 "$LAB_VPC_GW/24" &&
	lab_addr "$LAB_LAN" eth0 "$LAB_LAN_HOST/24" &&
	lab_addr "$LAB_VPC" eth0 "$LAB_VPC_HOST/24" || return 1

	ip -n "$LAB_LAN" route add default via "$LAB_LAN_GW" &&
	ip -n "$LAB_VPC" route add default via "$LAB_VPC_GW" || return 1

	lab_router_sysctls "$LAB_CGW" vti0 vti1 lan0 &&
	lab_router_sysctls "$LAB_VGW" vti0 vti1 vpc0 || return 1
	[ "${LAB_TUNNELS:-2}" != 4 ] || lab_topology_34 || return 1
	[ -z "${LAB_IPV6:-}" ] || lab_topology6
}

# lab_ipv6_sysctls NS: IPv6 forwarding, addresses kept on link down (as
# on an XFRM interface in doc/ipsec.md), no duplicate address detection.
lab_ipv6_sysctls() {
	local k
	for k in all default; do
		lab_sysctl "$1" "net.ipv6.conf.$k.forwarding" 1 &&
		lab_sysctl "$1" "net.ipv6.conf.$k.keep_addr_on_down" 1 &&
		lab_sysctl "$1" "net.ipv6.conf.$k.accept_dad" 0 || return 1
	done
}

# lab_addr6 NS IF ADDR/LEN: an IPv6 address, usable at once (nodad).
lab_addr6() {
	ip -n "$1" addr add "$3" dev "$2" nodad
}

# lab_topology6: LAB_IPV6: IPv6 inside every tunnel and on the hosts.
lab_topology6() {
	local n ifc
	lab_ipv6_sysctls "$LAB_CGW" && lab_ipv6_sysctls "$LAB_VGW" &&
	lab_ipv6_sysctls "$LAB_LAN" && lab_ipv6_sysctls "$LAB_VPC" || return 1
	for n in 1 2 3 4; do
		[ "$n" -le "${LAB_TUNNELS:-2}" ] || break
		ifc="vti$((n - 1))"
		lab_sysctl "$LAB_CGW" "net.ipv6.conf.$ifc.keep_addr_on_down" 1 &&
		lab_sysctl "$LAB_VGW" "net.ipv6.conf.$ifc.keep_addr_on_down" 1 &&
		lab_addr6 "$LAB_CGW" "$ifc" "fd00:$n::2/126" &&
		lab_addr6 "$LAB_VGW" "$ifc" "fd00:$n::1/126" &&
		lab_addr6 "$LAB_CGW" "$ifc" "fe80::$n:2/64" &&
		lab_addr6 "$LAB_VGW" "$ifc" "fe80::$n:1/64" || return 1
	done
	lab_addr6 "$LAB_CGW" lan0 "$LAB_LAN_GW6/64" &&
	lab_addr6 "$LAB_LAN" eth0 "$LAB_LAN_HOST6/64" &&
	lab_addr6 "$LAB_VGW" vpc0 "$LAB_VPC_GW6/64" &&
	lab_addr6 "$LAB_VPC" eth0 "$LAB_VPC_HOST6/64" &&
	ip -n "$LAB_LAN" -6 route add default via "$LAB_LAN_GW6" &&
	ip -n "$LAB_VPC" -6 route add default via "$LAB_VPC_GW6"
}

# lab_topology_34: LAB_TUNNELS=4: tunnels 3 and 4 (vti2, vti3), a second
# VPN connection to the same VGW (one VGW namespace, as on AWS).
lab_topology_34() {
	lab_veth "$LAB_CGW" vti2 "$LAB_VGW" vti2 &&
	lab_veth "$LAB_CGW" vti3 "$LAB_VGW" vti3 &&
	lab_addr "$LAB_CGW" vti2 "$LAB_CGW_IP3/30" &&
	lab_addr "$LAB_CGW" vti3 "$LAB_CGW_IP4/30" &&
	lab_addr "$LAB_VGW" vti2 "$LAB_VGW_IP3/30" &&
	lab_addr "$LAB_VGW" vti3 "$LAB_VGW_IP4/30" &&
	lab_router_sysctls "$LAB_CGW" vti2 vti3 &&
	lab_router_sysctls "$LAB_VGW" vti2 vti3
}

# lab_nft_setup: the vgw-side drop table used by lab_drop/lab_undrop.  The
# set holds the interfaces whose traffic is dropped in both directions,
# local and forwarded; the interfaces themselves stay up.
lab_nft_setup() {
	ip netns exec "$LAB_VGW" nft -f - <<-EOF
	table inet $LAB_NFT_TABLE {
		set dropif { type ifname; }
		chain input {
			type filter hook input priority -200; policy accept;
			iifname @dropif drop
		}
		chain output {
			type filter hook output priority -200; policy accept;
			oifname @dropif drop
		}
		chain forward {
			type filter hook forward priority -200; policy accept;
			iifname @dropif drop
			oifname @dropif drop
		}
	}
	EOF
}

# ---------------------------------------------------------------- BIRD (VGW)

# lab_bird_gr_mode: BIRD's "graceful restart" value for LAB_GR
# (0/off: no GR at all, 1/on: full GR, aware: helper only = BIRD's default).
lab_bird_gr_mode() {
	case "${LAB_GR:-0}" in
	1|on) echo on ;;
	aware) echo aware ;;
	*) echo off ;;
	esac
}

# The AWS profile: the VGW as AWS runs it, unless a test turns on one
# knob (on both sides) because that knob is what it tests:
#   plain single-hop eBGP (TTL 1 out, any TTL in: no TTL security), no
#   TCP MD5, no graceful restart, AS 64512, hold time 30 / keepalive 10,
#   MED 100 on both tunnels, and what one tunnel learned is announced on
#   the other (a VGW passes on what it learns from each connection), so
#   our own networks come back with our AS in the AS_PATH.
# Knobs: LAB_TTL_SECURITY=on (GTSM), LAB_PASSWORD1/2 (TCP MD5), LAB_GR
# (graceful restart), LAB_HOLD/LAB_KEEPALIVE, LAB_MED1/2, LAB_LOCAL_AS.
# BIRD's own connect/error timers are short so that the lab recovers in
# seconds; they change nothing on the wire.
lab_bird_ttl() {
	case "${LAB_TTL_SECURITY:-off}" in
	1|on) echo "    ttl security on;     # the knob under test: GTSM (RFC 5082)" ;;
	esac
}

# lab_bird_bgp NAME LOCAL NEIGHBOR IFACE MED [PASSWORD]: one AWS tunnel
# endpoint (PASSWORD: TCP MD5, RFC 2385).
# Config text is kept at column 0 (plain heredoc) so that it is readable.
lab_bird_bgp() {
	cat <<EOF
# AWS tunnel endpoint $1 on $4
protocol bgp $1 {
    router id $2;
    local $2 as ${LAB_LOCAL_AS:-64512};
    neighbor $3 as ${LAB_PEER_AS:-65000};
    interface "$4";
    direct;
$(lab_bird_ttl)
    hold time ${LAB_HOLD:-30};
    keepalive time ${LAB_KEEPALIVE:-10};
    connect delay time ${LAB_CONNECT_DELAY:-1};
    connect retry time ${LAB_CONNECT_RETRY:-2};
    error wait time ${LAB_ERROR_WAIT:-1,5};
    graceful restart $(lab_bird_gr_mode);
    graceful restart time ${LAB_GR_TIME:-120};
$([ -n "${6:-}" ] && printf '    password "%s";' "$6")
    ipv4 {
        import where net ~ [ 172.100.0.0/16+ ];
        export filter {
            if source = RTS_STATIC then {
                bgp_med = $5;
$([ -n "${LAB_LOOP_PREFIX:-}" ] && printf '                if net = %s then bgp_path.prepend(%s);' "$LAB_LOOP_PREFIX" "${LAB_PEER_AS:-65000}")
$([ "$1" = tun2 ] && [ -n "${LAB_ONLY_TUN1:-}" ] && printf '                if net ~ [ %s ] then reject;' "$(echo $LAB_ONLY_TUN1 | sed 's/ /, /g')")
$([ "$1" = tun1 ] && [ -n "${LAB_ONLY_TUN2:-}" ] && printf '                if net ~ [ %s ] then reject;' "$(echo $LAB_ONLY_TUN2 | sed 's/ /, /g')")
                accept;
            }
            # what the other tunnel announced, passed on as a VGW does
            if source = RTS_BGP then accept;
            reject;
        };
    };
}

EOF
}

# lab_bird_bgp6 NAME N IFACE MED ROUTER-ID [PASSWORD]: the same endpoint
# for tunnel N
# over IPv6 (fd00:N::1 to fd00:N::2, or with N in LAB_IPV6_LL over the
# link-local fe80::N:1 to fe80::N:2), with an ipv6 channel: the VPC's
# IPv6 prefix out, our IPv6 networks in.
lab_bird_bgp6() {
	local net="fd00:$2:"
	case " ${LAB_IPV6_LL:-} " in
	*" $2 "*) net="fe80::$2" ;;
	esac
	cat <<EOF
# AWS tunnel endpoint $1 on $3, over IPv6
protocol bgp $1 {
    router id $5;
    local $net:1 as ${LAB_LOCAL_AS:-64512};
    neighbor $net:2 as ${LAB_PEER_AS:-65000};
    interface "$3";
    direct;
$(lab_bird_ttl)
    hold time ${LAB_HOLD:-30};
    keepalive time ${LAB_KEEPALIVE:-10};
    connect delay time ${LAB_CONNECT_DELAY:-1};
    connect retry time ${LAB_CONNECT_RETRY:-2};
    error wait time ${LAB_ERROR_WAIT:-1,5};
    graceful restart $(lab_bird_gr_mode);
    graceful restart time ${LAB_GR_TIME:-120};
$([ -n "${6:-}" ] && printf '    password "%s";' "$6")
    ipv6 {
        import where net ~ [ 2001:db8:172::/48+ ];
        export filter {
            if source = RTS_STATIC then {
                bgp_med = $4;
                accept;
            }
            # what the other tunnel announced, passed on as a VGW does
            if source = RTS_BGP then accept;
            reject;
        };
    };
}

EOF
}

# lab_ipv6_tunnel N: true if LAB_IPV6 lists tunnel N.
lab_ipv6_tunnel() {
	case " ${LAB_IPV6:-} " in
	*" $1 "*) return 0 ;;
	esac
	return 1
}

# lab_bird_tunnel NAME N IFACE VGW-IP CGW-IP MED [PASSWORD]: tunnel N's
# session, over IPv6 if LAB_IPV6 lists it.
lab_bird_tunnel() {
	if lab_ipv6_tunnel "$2"; then
		lab_bird_bgp6 "$1" "$2" "$3" "$6" "$4" "${7:-}"
	else
		lab_bird_bgp "$1" "$4" "$5" "$3" "$6" "${7:-}"
	fi
}

# lab_bird_ipv6: LAB_IPV6: the VPC's IPv6 prefix, and our IPv6 networks
# into the vgw kernel.
lab_bird_ipv6() {
	[ -n "${LAB_IPV6:-}" ] || return 0
	cat <<EOF
protocol kernel kernel6 {
$(lab_bird_merge)
    ipv6 {
        import none;
        export where source = RTS_BGP;
    };
}

protocol static vpc_routes6 {
    ipv6;
    route $LAB_VPC_NET6 blackhole;
$(lab_bird_extra_routes6)
}

EOF
}

# lab_bird_extra_routes6: LAB_EXTRA_PREFIXES6 synthetic /48s from
# 2001:db8:8000::/48 upward (2001:db8:8001::/48, ...), at most 32,768
# (up to 2001:db8:ffff::/48); the benchmark's IPv6 DUTs.
lab_bird_extra_routes6() {
	local n="${LAB_EXTRA_PREFIXES6:-0}"
	[ "$n" -le 32768 ] || n=32768
	awk -v n="$n" 'BEGIN {
		for (i = 0; i < n; i++)
			printf "    route 2001:db8:%x::/48 blackhole;\n", 32768 + i
	}'
}

# lab_bird_extra_routes: LAB_EXTRA_PREFIXES synthetic /24s from 10.128.0.0/24
# upward (10.128.0.0, 10.128.1.0, ..., 10.255.255.0, then 11.0.0.0 and on:
# 10.128.0.0/9, 11.0.0.0/8, 12.0.0.0/6, 16.0.0.0/4), at most 1,000,000.
lab_bird_extra_routes() {
	local n="${LAB_EXTRA_PREFIXES:-0}"
	[ "$n" -le 1000000 ] || n=1000000
	awk -v n="$n" 'BEGIN {
		for (i = 0; i < n; i++) {
			a = 176160768 + i * 256      # 10.128.0.0 + i /24s
			printf "    route %d.%d.%d.0/24 blackhole;\n",
			    int(a / 16777216), int(a / 65536) % 256, int(a / 256) % 256
		}
	}'
}

# The TGW profile (LAB_PROFILE=tgw): a transit gateway with "VPN ECMP
# support" on.  It sends what the AWS profile sends (equal MEDs on both
# tunnels), and itself uses both tunnels for the return traffic when our
# announcements tie: BIRD merges equal BGP paths into one multipath
# route in the vgw kernel (`merge paths on`, IPv4 and IPv6).  Everything
# else as the AWS profile.
lab_bird_merge() {
	case "${LAB_PROFILE:-aws}" in
	tgw) echo "    merge paths on;      # TGW profile: ECMP on its side" ;;
	esac
}

# lab_bird_config: print the VGW BIRD config from the knobs.
lab_bird_config() {
	cat <<EOF
# Generated by tests/lab/lab.sh (lab $LAB_ID); do not edit.
log "$LAB_DIR/bird.log" all;
timeformat log "%F %T.%3f";
router id $LAB_VGW_IP1;
debug protocols { states, events };

protocol device {
    scan time 10;
}

# Return traffic: BGP-learned CGW networks into the vgw kernel.  The
# static (blackhole) announcements are not exported to the kernel.
protocol kernel {
$(lab_bird_merge)
    ipv4 {
        import none;
        export where source = RTS_BGP;
    };
}

# What the "VPC" announces: 10.10.0.0/16 (+ LAB_EXTRA_PREFIXES /24s, +
# the prefixes listed in LAB_EXTRA_STATIC).
protocol static vpc_routes {
    ipv4;
    route 10.10.0.0/16 blackhole;
EOF
	lab_bird_extra_routes
	for p in ${LAB_EXTRA_STATIC:-}; do
		printf '    route %s blackhole;\n' "$p"
	done
	printf '}\n\n'
	lab_bird_ipv6
	lab_bird_tunnel tun1 1 vti0 "$LAB_VGW_IP1" "$LAB_CGW_IP1" \
	    "${LAB_MED1:-100}" "${LAB_PASSWORD1:-}"
	lab_bird_tunnel tun2 2 vti1 "$LAB_VGW_IP2" "$LAB_CGW_IP2" \
	    "${LAB_MED2:-100}" "${LAB_PASSWORD2:-}"
	[ "${LAB_TUNNELS:-2}" = 4 ] || return 0
	lab_bird_tunnel tun3 3 vti2 "$LAB_VGW_IP3" "$LAB_CGW_IP3" "${LAB_MED3:-100}"
	lab_bird_tunnel tun4 4 vti3 "$LAB_VGW_IP4" "$LAB_CGW_IP4" "${LAB_MED4:-100}"
}

# lab_bird_write_config: (re)generate $LAB_DIR/bird.conf.
lab_bird_write_config() {
	lab_bird_config > "$LAB_DIR/bird.conf"
}

# lab_birdc CMD...: birdc on the VGW BIRD's control socket.
lab_birdc() {
	ip netns exec "$LAB_VGW" birdc -s "$LAB_DIR/bird.ctl" "$@"
}

# lab_bird_answers: true when the VGW BIRD answers on its control socket.
lab_bird_answers() {
	lab_birdc show status 2>/dev/null | grep -q 'Daemon is up and running'
}

# lab_bird_pid: PID from the pidfile, if that process is a live bird.
lab_bird_pid() {
	local pid
	pid="$(cat "$LAB_DIR/bird.pid" 2>/dev/null)" || return 1
	[ -n "$pid" ] && lab_pid_alive "$pid" || return 1
	[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = bird ] || return 1
	printf '%s\n' "$pid"
}

# lab_bird_start: start BIRD in vgw and wait (10 s) until birdc answers.
lab_bird_start() {
	lab_bird_write_config || return 1
	rm -f "$LAB_DIR/bird.pid"
	if ! ip netns exec "$LAB_VGW" bird -c "$LAB_DIR/bird.conf" \
		-s "$LAB_DIR/bird.ctl" -P "$LAB_DIR/bird.pid"; then
		lab_log "bird failed to start (config $LAB_DIR/bird.conf)"
		return 1
	fi
	# 10 s, and more for a large LAB_EXTRA_PREFIXES (1,000,000: 60 s)
	if ! lab_wait $((10 + ${LAB_EXTRA_PREFIXES:-0} / 20000)) lab_bird_answers; then
		lab_log "bird does not answer on $LAB_DIR/bird.ctl"
		return 1
	fi
	lab_log "bird up in $LAB_VGW, pid $(lab_bird_pid)"
}

# lab_bird_stop: stop BIRD by the PID in its pidfile (never by name).
lab_bird_stop() {
	local pid
	pid="$(lab_bird_pid)" || return 0
	lab_stop_pid "$pid"
}

# lab_bird_restart: stop BIRD and start it again (config regenerated).
lab_bird_restart() {
	lab_bird_stop && lab_bird_start
}

# lab_bird_reconfigure: regenerate the config from the knobs and apply it
# with `birdc configure` (sessions whose settings did not change stay up).
lab_bird_reconfigure() {
	local out
	lab_bird_write_config || return 1
	out="$(lab_birdc configure 2>&1)"
	if ! grep -q 'Reconfigur' <<<"$out"; then
		lab_log "birdc configure failed: $out"
		return 1
	fi
}

# ---------------------------------------------------------------- failures

# lab_link_down N / lab_link_up N: admin down/up of the VGW end of tunnel N;
# the CGW end loses/regains carrier.
lab_link_down() {
	local ifc
	ifc="$(lab_tunnel_if "$1")" || return 1
	ip -n "$LAB_VGW" link set "$ifc" down
}

lab_link_up() {
	local ifc
	ifc="$(lab_tunnel_if "$1")" || return 1
	ip -n "$LAB_VGW" link set "$ifc" up || return 1
	# LAB_IPV6: setting the link down took its link-local addresses,
	# keep_addr_on_down or not; the kernel makes only its own again
	[ -z "${LAB_IPV6:-}" ] ||
	    ip -n "$LAB_VGW" addr replace "fe80::$1:1/64" dev "$ifc" nodad
}

# lab_drop N / lab_undrop N: drop everything in and out of the VGW end of
# tunnel N with nftables (silent SA death: the interface stays up).
lab_drop() {
	local ifc
	ifc="$(lab_tunnel_if "$1")" || return 1
	ip netns exec "$LAB_VGW" nft add element inet "$LAB_NFT_TABLE" dropif "{ \"$ifc\" }"
}

lab_undrop() {
	local ifc
	ifc="$(lab_tunnel_if "$1")" || return 1
	lab_dropping "$1" || return 0
	ip netns exec "$LAB_VGW" nft delete element inet "$LAB_NFT_TABLE" dropif "{ \"$ifc\" }"
}

# lab_dropping N: true while tunnel N is being dropped.
lab_dropping() {
	local ifc
	ifc="$(lab_tunnel_if "$1")" || return 1
	ip netns exec "$LAB_VGW" nft get element inet "$LAB_NFT_TABLE" dropif "{ \"$ifc\" }" >/dev/null 2>&1
}

# ---------------------------------------------------------------- up / down

# lab_write_env: LAB_DIR/lab.env, so that `lab.sh down|status` finds the lab.
lab_write_env() {
	{
		printf 'LAB_ID=%q\n' "$LAB_ID"
		printf 'LAB_DIR=%q\n' "$LAB_DIR"
		printf 'LAB_CGW=%q\nLAB_VGW=%q\nLAB_LAN=%q\nLAB_VPC=%q\n' \
			"$LAB_CGW" "$LAB_VGW" "$LAB_LAN" "$LAB_VPC"
	} > "$LAB_DIR/lab.env"
}

# lab_up: create the whole lab and start BIRD.  Returns 1 (after cleaning
# up) if anything fails.
lab_up() {
	LAB_ID="$(lab_new_id)"
	LAB_CGW="${LAB_ID}-cgw"
	LAB_VGW="${LAB_ID}-vgw"
	LAB_LAN="${LAB_ID}-lan"
	LAB_VPC="${LAB_ID}-vpc"
	LAB_DIR=""
	LAB_DIR="$(mktemp -d "${TMPDIR:-/tmp}/${LAB_ID}.XXXXXX")" || return 1
	export LAB_ID LAB_DIR LAB_CGW LAB_VGW LAB_LAN LAB_VPC
	: > "$LAB_DIR/pids"
	lab_write_env
	lab_log "lab $LAB_ID: namespaces $LAB_CGW $LAB_VGW $LAB_LAN $LAB_VPC, dir $LAB_DIR"
	if ! lab_topology || ! lab_nft_setup || ! lab_bird_start; then
		lab_log "lab_up failed; tearing down"
		lab_down
		return 1
	fi
}

# lab_kill_ns_pids NS: stop processes still inside one of our namespaces
# (started by a test in this lab's unique namespace and not recorded);
# otherwise the namespace would outlive `ip netns del`.
lab_kill_ns_pids() {
	local pid
	for pid in $(ip netns pids "$1" 2>/dev/null); do
		lab_log "stopping pid $pid ($(cat "/proc/$pid/comm" 2>/dev/null)) left in $1"
		lab_stop_pid "$pid"
	done
}

# lab_down: stop everything the lab started and remove it.  Idempotent;
# safe from a trap.  LAB_KEEP=1 leaves the lab up for debugging.
lab_down() {
	local pid ns
	[ -n "${LAB_ID:-}" ] || return 0
	if [ "${LAB_KEEP:-0}" = 1 ]; then
		lab_log "LAB_KEEP=1: lab $LAB_ID left up; remove with: $LAB_SH_PATH down $LAB_ID"
		return 0
	fi
	if [ -d "${LAB_DIR:-}" ]; then
		if [ -f "$LAB_DIR/pids" ]; then
			while read -r pid; do
				[ -n "$pid" ] && lab_stop_pid "$pid"
			done < "$LAB_DIR/pids"
		fi
		lab_bird_stop
	fi
	for ns in "$LAB_CGW" "$LAB_VGW" "$LAB_LAN" "$LAB_VPC"; do
		[ -e "/run/netns/$ns" ] || continue
		lab_kill_ns_pids "$ns"
		ip netns del "$ns" || lab_log "could not delete namespace $ns"
	done
	# Only ever remove a directory that is this lab's temp dir.
	case "${LAB_DIR:-}" in
	*/"${LAB_ID}".??????) rm -rf -- "$LAB_DIR" ;;
	esac
	return 0
}

# lab_trap: install traps that tear the lab down on exit or interruption.
lab_trap() {
	trap 'lab_down' EXIT
	trap 'lab_down; exit 130' INT
	trap 'lab_down; exit 143' TERM
}

# ---------------------------------------------------------------- by hand

# lab_find ID: load LAB_* of a running lab (from its lab.env); with no ID,
# the only lab there is.
lab_find() {
	local envs=() f
	if [ -n "${1:-}" ]; then
		for f in "${TMPDIR:-/tmp}/$1".??????/lab.env; do
			[ -f "$f" ] && envs+=("$f")
		done
		if [ "${#envs[@]}" -eq 0 ]; then
			# Directory gone: the namespace names are enough to remove it.
			LAB_ID="$1"; LAB_DIR=""
			LAB_CGW="$1-cgw"; LAB_VGW="$1-vgw"; LAB_LAN="$1-lan"; LAB_VPC="$1-vpc"
			return 0
		fi
	else
		for f in "${TMPDIR:-/tmp}"/vtb*.??????/lab.env; do
			[ -f "$f" ] && envs+=("$f")
		done
	fi
	if [ "${#envs[@]}" -ne 1 ]; then
		echo "found ${#envs[@]} labs; name one: ${envs[*]:-none}" >&2
		return 1
	fi
	# shellcheck source=/dev/null
	. "${envs[0]}"
}

# lab_status: print the namespaces and BIRD's protocols.
lab_status() {
	echo "LAB_ID=$LAB_ID"
	echo "LAB_DIR=$LAB_DIR"
	echo "LAB_CGW=$LAB_CGW"
	echo "LAB_VGW=$LAB_VGW"
	echo "LAB_LAN=$LAB_LAN"
	echo "LAB_VPC=$LAB_VPC"
	ip netns list | grep -F "$LAB_ID-" || echo "(no namespaces)"
	[ -S "${LAB_DIR:-/nonexistent}/bird.ctl" ] && lab_birdc show protocols
	return 0
}

lab_main() {
	case "${1:-}" in
	up)
		lab_up || exit 1
		lab_status
		echo "remove with: $LAB_SH_PATH down $LAB_ID"
		;;
	down) lab_find "${2:-}" && lab_down ;;
	status) lab_find "${2:-}" && lab_status ;;
	*) echo "usage: $0 up | down [LAB_ID] | status [LAB_ID]" >&2; exit 2 ;;
	esac
}

# Run lab_main only when executed, not when sourced.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	lab_main "$@"
fi
