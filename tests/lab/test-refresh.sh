#!/bin/bash
# SPDX-License-Identifier: ISC
# test-refresh.sh: ROUTE-REFRESH as RFC 2918 and RFC 7313 have it, from a
# scripted peer (fakepeer.pl) on tunnel 2.  vtibgpd advertises route
# refresh but not Enhanced Route Refresh (RFC 7313 capability 70), so:
# subtype 0 is a request, answered with our routes again; BoRR (1) and
# EoRR (2) mean nothing on this session and are ignored; unknown
# subtypes are ignored whatever their length (RFC 7313 5); a request of
# the wrong length is a Bad Message Length (RFC 4271 6.1).  None of this
# disturbs the session with BIRD on tunnel 1.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
t_need_lab

t_fake_lab

# refresh SUBTYPE [EXTRA-HEX]: a session that waits out our first UPDATEs,
# sends one ROUTE-REFRESH for IPv4 unicast, and reports what came back
# within 2 s ("UPDATES n" then ALIVE or NOTIFICATION ...), on one line.
refresh() {
	t_fake --sleep 1.5 --msg "5:0001${1}01${2:-}" --wait 2 2>&1 |
	    grep -E '^(UPDATES|ALIVE|CLOSED|NOTIFICATION)' | tr '\n' ' ' |
	    sed 's/ $//'
}

t_eq "subtype 0 (a request): our routes again" "UPDATES 1 ALIVE" "$(refresh 00)"
t_eq "subtype 1 (BoRR) without Enhanced Route Refresh: ignored" \
    "UPDATES 0 ALIVE" "$(refresh 01)"
t_eq "subtype 2 (EoRR) without Enhanced Route Refresh: ignored" \
    "UPDATES 0 ALIVE" "$(refresh 02)"
t_eq "subtype 3 (unknown): ignored" "UPDATES 0 ALIVE" "$(refresh 03)"
t_eq "subtype 255 (reserved): ignored" "UPDATES 0 ALIVE" "$(refresh ff)"
t_eq "subtype 7 of 24 octets: ignored, whatever its length" \
    "UPDATES 0 ALIVE" "$(refresh 07 00)"
t_eq "subtype 1 of 24 octets, not negotiated: ignored" \
    "UPDATES 0 ALIVE" "$(refresh 01 00)"
t_eq "a request (subtype 0) of 24 octets: Bad Message Length" \
    "NOTIFICATION 1 2 0018" "$(refresh 00 00)"
t_check "the ignored subtypes are logged" grep -q \
    'ROUTE-REFRESH subtype 3 .*ignored' "$log"

t_fake_done
