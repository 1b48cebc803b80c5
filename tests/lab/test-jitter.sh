#!/bin/bash
# SPDX-License-Identifier: ISC
# test-jitter.sh: RFC 4271 10, jitter on the KeepaliveTimer.  A scripted
# peer (fakepeer.pl) on tunnel 2 offers hold time 3, so our keepalive is
# 1 s; it answers each KEEPALIVE and notes when each arrived.  The gaps
# must spread over [0.75, 1] s instead of all being 1.000 s.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
t_need_lab

t_fake_lab

out=$(t_fake --hold 3 --echo-keepalive --keepalive-times --wait 12 2>&1)
t_eq "the session with hold time 3 stays up" ALIVE "$(tail -n 1 <<<"$out")"
# the gaps between KEEPALIVEs, in ms (uptime has 10 ms steps)
gaps=$(awk '$1 == "KEEPALIVE" { if (n++) printf "%d\n", ($2 - t) * 1000 + 0.5; t = $2 }' <<<"$out")
n=$(wc -l <<<"$gaps")
min=$(sort -n <<<"$gaps" | head -n 1)
max=$(sort -n <<<"$gaps" | tail -n 1)
echo "# $n gaps between KEEPALIVEs (ms): $(echo $gaps)"
t_check "at least 10 gaps measured ($n)" test "$n" -ge 10
t_check "none shorter than 0.75 s less a step ($min ms)" test "$min" -ge 740
t_check "none longer than 1 s, a step and a little load ($max ms)" \
    test "$max" -le 1050
# (10 draws from 250 ms fall within 60 ms of each other once in 50,000)
t_check "they spread over more than 60 ms ($min to $max ms)" \
    test $((max - min)) -gt 60

t_fake_done
