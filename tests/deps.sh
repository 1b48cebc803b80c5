# SPDX-License-Identifier: ISC
# tests/deps.sh: the Debian packages that building vtibgpd, its lab, its
# tests (systemd-analyze, python3, clang for the fuzzers) and its .deb
# need, and a function that installs the missing ones (sourced by
# tests/run-all and tests/lab/demo).
VTB_DEPS="gcc make autoconf automake pkg-config libc6-dev
	libev-dev libnl-3-dev libnl-route-3-dev libprotobuf-c-dev
	protobuf-c-compiler libcmocka-dev clang libclang-rt-14-dev
	bird2 gobgpd frr iproute2 nftables iputils-ping perl-base jq mandoc
	prometheus python3 systemd dpkg-dev debhelper valgrind"

# tests/lab/demo: what the demo itself runs (build, BIRD as the VGW, the
# lab's tools), nothing of the test suite's
VTB_DEMO_DEPS="gcc make autoconf automake pkg-config libc6-dev
	libev-dev libnl-3-dev libnl-route-3-dev libprotobuf-c-dev
	protobuf-c-compiler libcmocka-dev bird2 iproute2 nftables
	iputils-ping jq"

# make bench (tests/bench/bench.sh): the other routing suites, callgrind
VTB_BENCH_DEPS="bird2 frr valgrind nftables iproute2"

# vtb_install_deps [LIST]: the packages of LIST (default VTB_DEPS).  A
# routing suite's own service (frr) is disabled and stopped at once: the
# bench and tests/lab/test-frr.sh run it in their namespaces only.
vtb_install_deps() {
	local missing= p
	for p in ${1:-$VTB_DEPS}; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		    grep -q 'install ok installed' || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	printf '\n==== installing:%s\n' "$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing || return 1
	case " $missing " in
	*" frr "*) if [ -d /run/systemd/system ]; then
			systemctl disable --now frr.service
		elif [ -x /etc/init.d/frr ]; then
			/etc/init.d/frr stop
		fi ;;
	esac
	return 0
}
