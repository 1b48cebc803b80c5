#!/usr/bin/perl
# fakepeer.pl: a scripted BGP speaker for the lab, to send what a real
# peer would not.  It connects from --bind to --peer:179 (with the
# system's default TTL, 64: no TTL security), exchanges OPEN and
# KEEPALIVE, sends each --msg TYPE:HEX (the header is added) or --raw HEX
# (sent as is), then reports what came back
# within --wait seconds, one line:
#   NOTIFICATION <code> <subcode> <data hex>   the peer refused it
#   CLOSED                                     closed without NOTIFICATION
#   ALIVE                                      no NOTIFICATION: still up
# Exit status 0 when it got that far, 1 when the session did not open.
# Only core modules (perl-base).
use strict;
use warnings;
use Socket qw(:all);
use IO::Select;
use Getopt::Long;

my ($bind, $peer, $as, $id, $hold, $wait) = ('', '', 64512, '', 30, 3);
my (@msgs, @raws);
GetOptions('bind=s' => \$bind, 'peer=s' => \$peer, 'as=i' => \$as,
    'id=s' => \$id, 'hold=i' => \$hold, 'wait=f' => \$wait,
    'msg=s' => \@msgs, 'raw=s' => \@raws) or die "bad options\n";
$id ||= $bind;

sub frame { my ($type, $body) = @_;
	return ("\xff" x 16) . pack('nC', 19 + length($body), $type) . $body; }

socket(my $s, PF_INET, SOCK_STREAM, 0) or die "socket: $!\n";
bind($s, pack_sockaddr_in(0, inet_aton($bind))) or die "bind: $!\n";
connect($s, pack_sockaddr_in(179, inet_aton($peer))) or die "connect: $!\n";
binmode($s);

# OPEN: capabilities MP IPv4 unicast, route refresh, 4-octet AS.
my $caps = pack('CC CC nCC', 2, 6, 1, 4, 1, 0, 1) . pack('CC CC', 2, 2, 2, 0)
    . pack('CC CCN', 2, 6, 65, 4, $as);
my $my_as = $as > 65535 ? 23456 : $as;
syswrite($s, frame(1, pack('CnnA4C', 4, $my_as, $hold, inet_aton($id),
    length($caps)) . $caps));

my $buf = '';
# read one whole message: (type, body) or () on close/timeout
sub readmsg { my ($timeout) = @_;
	my $sel = IO::Select->new($s);
	my $end = time + $timeout;
	while (1) {
		if (length($buf) >= 19) {
			my ($len, $type) = unpack('nC', substr($buf, 16, 3));
			if (length($buf) >= $len) {
				my $m = substr($buf, 19, $len - 19);
				substr($buf, 0, $len) = '';
				return ($type, $m);
			}
		}
		my $left = $end - time;
		return () if $left <= 0 || !$sel->can_read($left);
		my $n = sysread($s, my $chunk, 65536);
		return () if !$n;
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

for my $m (@msgs) {
	my ($type, $hex) = split(/:/, $m, 2);
	syswrite($s, frame($type, pack('H*', $hex // '')));
}
syswrite($s, pack('H*', $_)) for @raws;

my $end = time + $wait;
while (1) {
	my ($type, $m) = readmsg($end - time);
	if (!defined $type) {
		# closed, or quiet until the end: which one?
		my $sel = IO::Select->new($s);
		if ($sel->can_read(0) && !sysread($s, my $x, 1)) {
			print "CLOSED\n"; exit 0;
		}
		print "ALIVE\n"; exit 0;
	}
	report_notification($m) if $type == 3;
}
