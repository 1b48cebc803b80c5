#!/bin/bash
# SPDX-License-Identifier: ISC
# test-import.sh: `vtibgpctl import` on the AWS downloads of
# tests/import/samples/ and on the variants of tests/import/good/ (each
# output must pass `vtibgpd -n`) and tests/import/bad/ (exit 1 and the
# FILE:LINE:COL: message of their first line); CRLF, stdin, junk, sizes
# and usage errors.  Needs no daemon and no root.
set -u
. "${top_srcdir:-.}/tests/lib.sh"

dir="$top_srcdir/tests/import"
tmp=$(mktemp -d /tmp/vtb-import.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# format FILE: aws-generic or aws-vyos, from the file name
format() {
	case $(basename "$1") in
	aws-vyos* | vyos-*) echo aws-vyos ;;
	*) echo aws-generic ;;
	esac
}

# check_conf WHAT: $tmp/out.conf passes vtibgpd -n (stderr in $tmp/n.err),
# IPv6 neighbors included.
check_conf() {
	local rc
	chmod 600 "$tmp/out.conf"
	"$VTIBGPD" -n -f "$tmp/out.conf" 2>"$tmp/n.err"; rc=$?
	t_eq "$1: vtibgpd -n accepts the output" 0 "$rc"
	[ "$rc" = 0 ] || sed 's/^/#   /' "$tmp/n.err"
}

# summary: router-id, then each neighbor's address, interface, remote-as
summary() {
	awk '/^router-id/ { r = $2 }
	    /^neighbor/ { n = n " " $2 }
	    /^\tinterface/ { n = n " " $2 }
	    /^\tremote-as/ { n = n " " $2 }
	    END { print r n }' "$tmp/out.conf"
}

no_sanitizer() {
	! grep -qE "ERROR: (Address|Leak)Sanitizer|runtime error:" "$@"
}

want_sum="203.0.113.10 169.254.249.57 vti0 64512 169.254.249.61 vti1 64512"

# --- the two downloads, with and without options ---------------------------
for f in "$dir"/samples/*.txt; do
	b=$(basename "$f")
	"$VTIBGPCTL" import "$(format "$f")" "$f" --network 172.100.0.0/16 \
	    --network=192.0.2.0/24 --allow 10.10.0.0/16 >"$tmp/out.conf" \
	    2>"$tmp/err"; rc=$?
	t_eq "$b: exit 0" 0 "$rc"
	t_eq "$b: nothing on stderr" "" "$(cat "$tmp/err")"
	check_conf "$b"
	t_eq "$b: no warning from vtibgpd -n" "" "$(cat "$tmp/n.err")"
	t_eq "$b: neighbors, interfaces, ASNs" "$want_sum" "$(summary)"
	t_check "$b: both networks" test "$(grep -c '^network ' "$tmp/out.conf")" = 2
	t_check "$b: the allow rule" grep -q '^	allow 10.10.0.0/16$' "$tmp/out.conf"
	t_check "$b: local-as and timers" eval 'grep -q "^local-as 65000" "$tmp/out.conf" &&
	    test "$(grep -c "^	hold-time 30" "$tmp/out.conf")" = 2 &&
	    test "$(grep -c "^	keepalive 10" "$tmp/out.conf")" = 2 &&
	    grep -q "^	local-address 169.254.249.62$" "$tmp/out.conf"'
	t_check "$b: description names tunnel and VGW" grep -q \
	    '^	description ".*tunnel 2, VGW 198.51.100.122"$' "$tmp/out.conf"
	t_check "$b: no default route announced" eval \
	    '! grep -q "^network 0.0.0.0/0" "$tmp/out.conf"'
	t_check "$b: TTL security left off, as AWS runs it" eval \
	    '! grep -qE "ttl-security +on" "$tmp/out.conf"'
	cp "$tmp/out.conf" "$tmp/with-opts.conf"

	"$VTIBGPCTL" import "$(format "$f")" "$f" >"$tmp/out.conf" \
	    2>"$tmp/err"; rc=$?
	t_eq "$b without options: exit 0" 0 "$rc"
	t_check "$b without options: warns about --network" grep -q 'no --network' "$tmp/err"
	t_check "$b without options: warns about --allow" grep -q 'no --allow' "$tmp/err"
	t_check "$b without options: says what to set" eval \
	    'grep -q "^# No --network given" "$tmp/out.conf" && grep -q "# No --allow given" "$tmp/out.conf"'
	check_conf "$b without options"

	# the same file from stdin, and with CRLF line ends
	"$VTIBGPCTL" import "$(format "$f")" - --network 172.100.0.0/16 \
	    --network=192.0.2.0/24 --allow 10.10.0.0/16 <"$f" >"$tmp/out.conf" \
	    2>/dev/null; rc=$?
	t_eq "$b from stdin: exit 0" 0 "$rc"
	t_check "$b from stdin: same output" cmp -s "$tmp/out.conf" "$tmp/with-opts.conf"
	sed 's/$/\r/' "$f" >"$tmp/$b"
	"$VTIBGPCTL" import "$(format "$f")" "$tmp/$b" --network 172.100.0.0/16 \
	    --network=192.0.2.0/24 --allow 10.10.0.0/16 >"$tmp/out.conf" \
	    2>/dev/null; rc=$?
	t_eq "$b with CRLF: exit 0" 0 "$rc"
	t_check "$b with CRLF: same output" cmp -s "$tmp/out.conf" "$tmp/with-opts.conf"
done
t_check "the VyOS default route is named in a comment" grep -q \
    '^# The AWS file announces 0.0.0.0/0 (line 45)' "$tmp/out.conf"

# --- variants that must import ----------------------------------------------
ngood=0
for f in "$dir"/good/*.txt; do
	[ -e "$f" ] || continue
	ngood=$((ngood + 1))
	b=$(basename "$f")
	"$VTIBGPCTL" import "$(format "$f")" "$f" --network 172.100.0.0/16 \
	    --allow 10.10.0.0/16 >"$tmp/out.conf" 2>"$tmp/err"; rc=$?
	t_eq "$b: exit 0" 0 "$rc"
	[ "$rc" = 0 ] || sed 's/^/#   /' "$tmp/err"
	check_conf "$b"
	t_eq "$b: result" "$(head -n 1 "$f" | sed 's/^# expect: //')" "$(summary)"
done
t_check "there are valid variants" test "$ngood" -ge 5

# --- values the file lacks: assumed, with a warning (exit 0) ----------------
f="$dir/good/generic-hold-unread.txt"
"$VTIBGPCTL" import aws-generic "$f" --network 172.100.0.0/16 \
    --allow 10.10.0.0/16 >"$tmp/out.conf" 2>"$tmp/err"; rc=$?
t_eq "hold time not read: exit 0" 0 "$rc"
t_eq "hold time not read: warnings" "$f:83:5: warning: tunnel 1: no hold time read ('BGP Hold Time' is not a key import knows): using 30 s, what AWS uses
$f:135:5: warning: tunnel 2: no hold time read ('BGP Hold Time' is not a key import knows): using 30 s, what AWS uses" "$(cat "$tmp/err")"
t_check "hold time not read: the comment says so" grep -q \
    '^	hold-time 30		# line 83 not read: what AWS uses$' "$tmp/out.conf"
check_conf "hold time not read"
grep -v "timers holdtime" "$dir/samples/aws-vyos.txt" >"$tmp/vyos-no-hold.txt"
"$VTIBGPCTL" import aws-vyos "$tmp/vyos-no-hold.txt" --network 172.100.0.0/16 \
    --allow 10.10.0.0/16 >"$tmp/out.conf" 2>"$tmp/err"; rc=$?
t_eq "no holdtime: exit 0" 0 "$rc"
t_eq "no holdtime: warnings" "$tmp/vyos-no-hold.txt:39:34: warning: tunnel 1: no hold time in the file: using 30 s, what AWS uses
$tmp/vyos-no-hold.txt:59:34: warning: tunnel 2: no hold time in the file: using 30 s, what AWS uses" "$(cat "$tmp/err")"
check_conf "no holdtime"

# --- the gateway's kind sets max-prefix ---------------------------------------
# A VGW (vgw-...) sends at most 1,000 prefixes; a transit gateway (tgw-...)
# up to its route table's 10,000; a file naming neither gets 10,000 and a
# warning.  The daemon then reads the limit back (`vtibgpd -n`).
# max_prefix: the limit in $tmp/out.conf
max_prefix() { awk '$1 == "max-prefix" { print $2 }' "$tmp/out.conf"; }
for f in "$dir"/samples/*.txt; do
	b=$(basename "$f" .txt)
	"$VTIBGPCTL" import "$(format "$f")" "$f" >"$tmp/out.conf" 2>/dev/null
	t_eq "$b (vgw-): max-prefix 1000" 1000 "$(max_prefix)"
	sed 's/vgw-0123/tgw-0123/
	    s/Virtual Private Gateway ID /Transit Gateway ID /' \
	    "$f" >"$tmp/$b-tgw.txt"
	"$VTIBGPCTL" import "$(format "$f")" "$tmp/$b-tgw.txt" \
	    >"$tmp/out.conf" 2>"$tmp/err"; rc=$?
	t_eq "$b as a transit gateway: exit 0" 0 "$rc"
	t_eq "$b as a transit gateway: max-prefix 10000" 10000 "$(max_prefix)"
	t_check "$b as a transit gateway: the comment says why" grep -q \
	    "# tgw-0123456789abcdef0 (line [0-9]*): a transit gateway's" \
	    "$tmp/out.conf"
	t_check "$b as a transit gateway: described as one" grep -q \
	    '^	description ".*tunnel 1, TGW 198.51.100.120"$' \
	    "$tmp/out.conf"
	check_conf "$b as a transit gateway"
	grep -v "Virtual Private Gateway ID" "$f" >"$tmp/$b-nogw.txt"
	"$VTIBGPCTL" import "$(format "$f")" "$tmp/$b-nogw.txt" \
	    >"$tmp/out.conf" 2>"$tmp/err"; rc=$?
	t_eq "$b without a gateway ID: exit 0" 0 "$rc"
	t_eq "$b without a gateway ID: max-prefix 10000" 10000 "$(max_prefix)"
	w="warning: no gateway ID (vgw-... or tgw-...) in the file"
	t_check "$b without a gateway ID: a warning says so" grep -q \
	    "$w: max-prefix 10000, what a transit gateway may send" "$tmp/err"
	check_conf "$b without a gateway ID"
done

# --- a connection whose tunnels carry IPv6 -----------------------------------
# good/generic-ipv6-tgw.txt is constructed (its header says how): each
# tunnel's /126 beside its /30, the neighbors on the IPv6 ones.
f="$dir/good/generic-ipv6-tgw.txt"
"$VTIBGPCTL" import aws-generic "$f" --network 2001:db8:172::/48 \
    --allow 2001:db8:10::/56 >"$tmp/out.conf" 2>"$tmp/err"; rc=$?
t_eq "IPv6 tunnels: exit 0" 0 "$rc"
t_eq "IPv6 tunnels: nothing on stderr" "" "$(cat "$tmp/err")"
check_conf "IPv6 tunnels"
t_eq "IPv6 tunnels: neighbors" \
    "203.0.113.10 fd00:1::1 vti0 64512 fd00:2::1 vti1 64512" "$(summary)"
t_check "IPv6 tunnels: local addresses in the /126" eval \
    'grep -q "^	local-address fd00:1::2$" "$tmp/out.conf" &&
    grep -q "^	local-address fd00:2::2$" "$tmp/out.conf"'
t_eq "IPv6 tunnels: a transit gateway's max-prefix" 10000 \
    "$(awk '$1 == "max-prefix" { print $2 }' "$tmp/out.conf")"
t_check "IPv6 tunnels: the comments name the tunnels" eval \
    'grep -q "^# Tunnel 1: the Transit Gateway is 198.51.100.120 outside,$" \
    "$tmp/out.conf" && grep -q "^# fd00:2::1 inside (line 142)" \
    "$tmp/out.conf"'
t_check "IPv6 tunnels: tunnel 2 says how to keep traffic on tunnel 1" \
    grep -q "preference 90, prepend 2" "$tmp/out.conf"
t_check "IPv6 tunnels: the header says the tunnels carry IPv6" grep -q \
    "^# The tunnels of this connection carry IPv6 (line 20):" "$tmp/out.conf"
t_check "IPv6 tunnels: the network and the allow rule" eval \
    'grep -q "^network 2001:db8:172::/48$" "$tmp/out.conf" &&
    grep -q "^	allow 2001:db8:10::/56$" "$tmp/out.conf"'
cp "$tmp/out.conf" "$tmp/v6.conf"

# --- --interfaces: the tunnels' interfaces, for a second connection ----------
for f in "$dir"/samples/*.txt; do
	b=$(basename "$f")
	"$VTIBGPCTL" import "$(format "$f")" "$f" --interfaces vti2,vti3 \
	    >"$tmp/out.conf" 2>/dev/null; rc=$?
	t_eq "$b --interfaces vti2,vti3: exit 0" 0 "$rc"
	t_eq "$b --interfaces vti2,vti3: the interfaces" \
	    "203.0.113.10 169.254.249.57 vti2 64512 169.254.249.61 vti3 64512" \
	    "$(summary)"
	w="^	interface vti3		# tunnel 2's, from --interfaces\$"
	t_check "$b --interfaces: the comment says where they come from" \
	    grep -q "$w" "$tmp/out.conf"
	check_conf "$b --interfaces vti2,vti3"
done

# A dual-stack site: the IPv4 connection (with the networks and allow
# rules of both families) and the IPv6 one on vti2 and vti3, whose
# neighbors (from "# Tunnel 1:" on) are added to the first file, as
# vtibgpctl(8) shows.  Four neighbors, each on its own interface.
"$VTIBGPCTL" import aws-generic "$dir/samples/aws-generic.txt" \
    --network 172.100.0.0/16 --network 2001:db8:172::/48 \
    --allow 10.10.0.0/16 --allow 2001:db8:10::/56 >"$tmp/out.conf" \
    2>/dev/null
"$VTIBGPCTL" import aws-generic "$dir/good/generic-ipv6-tgw.txt" \
    --interfaces vti2,vti3 2>/dev/null | sed -n '/^# Tunnel 1:/,$p' \
    >"$tmp/second.conf"
{ echo; cat "$tmp/second.conf"; } >>"$tmp/out.conf"
check_conf "dual stack, two imports"
t_eq "dual stack: four neighbors on vti0 to vti3" "203.0.113.10 \
169.254.249.57 vti0 64512 169.254.249.61 vti1 64512 \
fd00:1::1 vti2 64512 fd00:2::1 vti3 64512" "$(summary)"
t_eq "dual stack: one import block, one router-id" "1 1" \
    "$(grep -c '^import {' "$tmp/out.conf") $(grep -c '^router-id' \
    "$tmp/out.conf")"

# --- variants that must not: exit 1, FILE:LINE:COL: message ---------------
nbad=0
for f in "$dir"/bad/*.txt; do
	[ -e "$f" ] || continue
	nbad=$((nbad + 1))
	b=$(basename "$f")
	want=$(head -n 1 "$f" | sed 's/^# expect: //')
	case $want in
	[0-9]*) want="$f:$want" ;;
	*) want="$f: $want" ;;
	esac
	"$VTIBGPCTL" import "$(format "$f")" "$f" >"$tmp/out.conf" \
	    2>"$tmp/err"; rc=$?
	t_eq "$b: exit 1" 1 "$rc"
	t_eq "$b: message" "$want" "$(cat "$tmp/err")"
	t_eq "$b: nothing on stdout" "" "$(cat "$tmp/out.conf")"
done
t_check "there are invalid variants" test "$nbad" -ge 10

# --- files that are no AWS download ---------------------------------------
: >"$tmp/empty.txt"
"$VTIBGPCTL" import aws-generic "$tmp/empty.txt" 2>"$tmp/err" >/dev/null; rc=$?
t_eq "empty file: exit 1" 1 "$rc"
t_eq "empty file: message" "$tmp/empty.txt: empty file" "$(cat "$tmp/err")"
"$VTIBGPCTL" import aws-generic "$dir/samples/aws-vyos.txt" 2>"$tmp/err" >/dev/null; rc=$?
t_eq "the wrong format: exit 1" 1 "$rc"
t_check "the wrong format: says which" grep -q 'this looks like the VyOS format' "$tmp/err"
head -c 2000000 /dev/zero | tr '\0' '\n' >"$tmp/big.txt"
"$VTIBGPCTL" import aws-vyos - <"$tmp/big.txt" 2>"$tmp/err" >/dev/null; rc=$?
t_eq "over 1 MiB: exit 1" 1 "$rc"
t_eq "over 1 MiB: message" "stdin: larger than 1024 KiB: not a file from AWS" "$(cat "$tmp/err")"
printf 'IPSec Tunnel #1\n  - Customer Gateway ASN : 65\0000\n' >"$tmp/nul.txt"
"$VTIBGPCTL" import aws-generic "$tmp/nul.txt" 2>"$tmp/err" >/dev/null; rc=$?
t_eq "NUL byte: exit 1" 1 "$rc"
t_eq "NUL byte: message" "$tmp/nul.txt:2:30: NUL byte: this is not a text file" "$(cat "$tmp/err")"
# AWS's files for other vendors: which one, and what to download instead
nvendor=0
for f in "$dir"/samples/vendors/*.txt; do
	[ -e "$f" ] || continue
	nvendor=$((nvendor + 1))
	b=vendors/$(basename "$f")
	for fmt in aws-generic:Generic aws-vyos:Vyatta; do
		"$VTIBGPCTL" import "${fmt%:*}" "$f" >"$tmp/out.conf" \
		    2>"$tmp/err"; rc=$?
		t_eq "$b as ${fmt%:*}: exit 1" 1 "$rc"
		t_check "$b as ${fmt%:*}: names the vendor and the download" \
		    grep -qE "^$f:[0-9]+:[0-9]+: this looks like AWS's configuration for [A-Za-z ]+ \('[^']+'\), not the ${fmt#*:} one: download it again with vendor \"${fmt#*:}\"\$" "$tmp/err"
		t_eq "$b as ${fmt%:*}: nothing on stdout" "" "$(cat "$tmp/out.conf")"
	done
done
t_check "there are other vendors' files" test "$nvendor" -ge 5
t_check "Cisco is named" grep -q "configuration for Cisco ('crypto isakmp')" \
    <("$VTIBGPCTL" import aws-generic "$dir/samples/vendors/cisco-ios.txt" 2>&1)

# saved as UTF-16 (Windows Notepad's "Unicode"): with a byte order mark
# (iconv's UTF-16) and without (UTF-16LE)
for enc in UTF-16 UTF-16LE; do
	iconv -f UTF-8 -t $enc "$dir/samples/aws-generic.txt" >"$tmp/u16.txt"
	"$VTIBGPCTL" import aws-generic "$tmp/u16.txt" 2>"$tmp/err" >/dev/null; rc=$?
	t_eq "$enc: exit 1" 1 "$rc"
	t_eq "$enc: message" "$tmp/u16.txt:1:1: UTF-16 text: save the file as UTF-8 and import it again" "$(cat "$tmp/err")"
done
for fmt in aws-generic aws-vyos; do
	for seed in 1 2 3; do
		head -c $((seed * 3000)) /dev/urandom >"$tmp/junk.bin"
		"$VTIBGPCTL" import "$fmt" "$tmp/junk.bin" 2>"$tmp/err" >/dev/null; rc=$?
		t_eq "$fmt, random bytes $seed: exit 1" 1 "$rc"
		t_check "$fmt, random bytes $seed: no sanitizer report" no_sanitizer "$tmp/err"
	done
done
"$VTIBGPCTL" import aws-generic "$tmp/none.txt" 2>"$tmp/err"; rc=$?
t_eq "a missing file: exit 1" 1 "$rc"
t_eq "a missing file: message" "$tmp/none.txt: No such file or directory" "$(cat "$tmp/err")"

# --- usage errors: exit 2 ----------------------------------------------------
usage_case() {
	local what=$1 rc
	shift
	"$VTIBGPCTL" import "$@" >/dev/null 2>"$tmp/err"; rc=$?
	t_eq "usage: $what: exit 2" 2 "$rc"
}
s="$dir/samples/aws-generic.txt"
usage_case "no file" aws-generic
usage_case "unknown format" aws-cisco "$s"
usage_case "two files" aws-generic "$s" "$s"
usage_case "unknown option" aws-generic "$s" --bogus
usage_case "--network without a value" aws-generic "$s" --network
usage_case "--network with host bits" aws-generic "$s" --network 172.100.0.1/16
t_check "usage: the bad --network is explained" grep -q 'did you mean 172.100.0.0/16' "$tmp/err"
usage_case "--allow without length" aws-generic "$s" --allow 10.10.0.0
usage_case "--interfaces with one name" aws-generic "$s" --interfaces vti2
t_check "usage: --interfaces says what it takes" grep -q \
    "two interface names of at most 15 characters" "$tmp/err"
usage_case "--interfaces with three names" aws-generic "$s" \
    --interfaces=vti2,vti3,vti4
usage_case "--interfaces with one name twice" aws-generic "$s" \
    --interfaces vti2,vti2
usage_case "--interfaces with a name too long" aws-generic "$s" \
    --interfaces vti2,abcdefghijklmnop
usage_case "--interfaces without a value" aws-generic "$s" --interfaces

t_done
