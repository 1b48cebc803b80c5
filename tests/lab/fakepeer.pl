#!/usr/bin/perl
# SPDX-License-Identifier: ISC
# fakepeer.pl: a scripted BGP speaker for the lab, to send what a real
# peer would not.  It connects from --bind to --peer:179 (with the
# system's default TTL, 64: no TTL security), exchanges OPEN and
# KEEPALIVE, then runs its steps in the order given:
#   --msg TYPE:HEX    send a message of TYPE with body HEX (header added)
#   --raw HEX         send HEX as is
#   --sleep SECONDS   read for that long (what comes is counted, below)
# and reads for --wait seconds more.  Then it reports, one line each:
#   UPDATES <n>                                UPDATEs received after the
#                                              last step (not the ones of
#                                              the first exchange, if a
#                                              --sleep came before)
#   NOTIFICATION <code> <subcode> <data hex>   the peer refused something
#   CLOSED                                     closed without NOTIFICATION
#   ALIVE                                      no NOTIFICATION: still up
# (the last line is always one of the last three), and exits, which
# closes the connection without a NOTIFICATION: to the peer, a restart.
# Exit status 0 when it got that far, 1 when the session did not open.
#
# --gr TIME[:FLAGS] sends the graceful restart capability (RFC 4724)
# with restart time TIME and IPv4 unicast, FLAGS letters: f (Forwarding
# State bit for IPv4 unicast), r (Restart State bit), n (no address
# family at all).  --echo-keepalive answers each KEEPALIVE with one (for
# a short --hold, or to stay up with the default hold time);
# --keepalive-times prints "KEEPALIVE <uptime>" when one arrives
# (seconds, from /proc/uptime).  --pidfile FILE: its PID, to end the
# session without a NOTIFICATION by SIGTERM (then it prints KILLED and
# exits 0).  Only perl-base modules.
use strict;
use warnings;
use Socket qw(:all);
use IO::Select;
use Getopt::Long;

my ($bind, $peer, $as, $id, $hold, $wait) = ('', '', 64512, '', 30, 3);
my ($gr, $echo, $ka_times, $pidfile) = ('', 0, 0, '');
my @steps;
GetOptions('bind=s' => \$bind, 'peer=s' => \$peer, 'as=i' => \$as,
    'id=s' => \$id, 'hold=i' => \$hold, 'wait=f' => \$wait,
    'gr=s' => \$gr, 'echo-keepalive' => \$echo,
    'keepalive-times' => \$ka_times, 'pidfile=s' => \$pidfile,
    'msg=s' => sub { push @steps, ['msg', $_[1]] },
    'raw=s' => sub { push @steps, ['raw', $_[1]] },
    'sleep=f' => sub { push @steps, ['sleep', $_[1]] })
    or die "bad options\n";
$id ||= $bind;
$| = 1;
if ($pidfile ne '') {
	open(my $f, '>', $pidfile) or die "$pidfile: $!\n";
	print $f "$$\n";
	close($f);
}
# ended on purpose (the peer restarting): exit 0, so that no retry loop
# around us takes it for a session that did not open
$SIG{TERM} = sub { print "KILLED\n"; exit 0; };

sub frame { my ($type, $body) = @_;
	return ("\xff" x 16) . pack('nC', 19 + length($body), $type) . $body; }

sub uptime {
	open(my $f, '<', '/proc/uptime') or return 0;
	my ($t) = split(' ', <$f>);
	return $t;
}

# RFC 4724 3: flags and restart time, then (AFI, SAFI, flags) per family
sub gr_capability { my ($spec) = @_;
	my ($time, $flags) = split(/:/, $spec, 2);
	$flags //= '';
	my $v = pack('n', ($flags =~ /r/ ? 0x8000 : 0) | ($time & 0x0fff));
	$v .= pack('nCC', 1, 1, $flags =~ /f/ ? 0x80 : 0) if $flags !~ /n/;
	return pack('CC CC', 2, 2 + length($v), 64, length($v)) . $v;
}

socket(my $s, PF_INET, SOCK_STREAM, 0) or die "socket: $!\n";
bind($s, pack_sockaddr_in(0, inet_aton($bind))) or die "bind: $!\n";
connect($s, pack_sockaddr_in(179, inet_aton($peer))) or die "connect: $!\n";
binmode($s);

# OPEN: capabilities MP IPv4 unicast, route refresh, 4-octet AS (and GR).
my $caps = pack('CC CC nCC', 2, 6, 1, 4, 1, 0, 1) . pack('CC CC', 2, 2, 2, 0)
    . pack('CC CCN', 2, 6, 65, 4, $as);
$caps .= gr_capability($gr) if $gr ne '';
my $my_as = $as > 65535 ? 23456 : $as;
syswrite($s, frame(1, pack('CnnA4C', 4, $my_as, $hold, inet_aton($id),
    length($caps)) . $caps));

my $buf = '';
my $closed = 0;
# read one whole message: (type, body) or () on close/timeout
sub readmsg { my ($timeout) = @_;
	my $sel = IO::Select->new($s);
	my $end = uptime() + $timeout;
	while (1) {
		if (length($buf) >= 19) {
			my ($len, $type) = unpack('nC', substr($buf, 16, 3));
			if (length($buf) >= $len) {
				my $m = substr($buf, 19, $len - 19);
				substr($buf, 0, $len) = '';
				return ($type, $m);
			}
		}
		my $left = $end - uptime();
		return () if $left <= 0 || !$sel->can_read($left);
		my $n = sysread($s, my $chunk, 65536);
		if (!$n) { $closed = 1; return (); }
		$buf .= $chunk;
	}
}

sub report_notification { my ($m) = @_;
	my ($code, $sub) = unpack('CC', $m);
	printf "NOTIFICATION %d %d %s\n", $code, $sub,
	    unpack('H*', substr($m, 2));
	exit 0;
}

# wait for the OPEN, answer KEEPALIVE, wait for its KEEPALIVE
my $opened = 0;
while (my ($type, $m) = readmsg(10)) {
	report_notification($m) if $type == 3;
	if ($type == 1) { syswrite($s, frame(4, '')); next; }
	if ($type == 4) { $opened = 1; last; }
}
if (!$opened) { print "NOT OPENED\n"; exit 1; }

# read for SECONDS: count UPDATEs, answer or time KEEPALIVEs; a
# NOTIFICATION ends the run.  Returns the UPDATEs seen.
sub listen_for { my ($seconds) = @_;
	my $end = uptime() + $seconds;
	my $updates = 0;
	while ((my $left = $end - uptime()) > 0) {
		my ($type, $m) = readmsg($left);
		last if !defined $type;
		report_notification($m) if $type == 3;
		$updates++ if $type == 2;
		next if $type != 4;
		printf "KEEPALIVE %.2f\n", uptime() if $ka_times;
		syswrite($s, frame(4, '')) if $echo;
	}
	return $updates;
}

for my $step (@steps) {
	my ($what, $arg) = @$step;
	if ($what eq 'msg') {
		my ($type, $hex) = split(/:/, $arg, 2);
		syswrite($s, frame($type, pack('H*', $hex // '')));
	} elsif ($what eq 'raw') {
		syswrite($s, pack('H*', $arg));
	} else {
		listen_for($arg);
	}
	last if $closed;
}

print "UPDATES ", listen_for($wait), "\n";
print $closed ? "CLOSED\n" : "ALIVE\n";
exit 0;
