/* SPDX-License-Identifier: ISC */
/*
 * mp_speak.c: a BGP speaker of IPv6 unicast made of the message codec
 * alone (bgpd/session/msg.h), for tests/lab/test-mp-bird.sh: the codec's
 * MP-BGP (RFC 4760, RFC 2545) against a real peer, on the wire.
 *
 *   mp_speak PEER MY_AS NEXT_HOP PREFIX...
 *
 * Connects to [PEER]:179 and sends an OPEN offering IPv6 unicast only
 * (4-octet AS, route refresh; hold time 30), answers the peer's OPEN
 * with a KEEPALIVE, and once established announces the prefixes with
 * NEXT_HOP (msg_update6_reach_encode; ORIGIN IGP, AS_PATH MY_AS) and
 * sends the IPv6 End-of-RIB.  SIGUSR1 withdraws the first prefix.  A
 * KEEPALIVE goes every 10 s.  One line on stdout per event:
 *
 *   open families N           the peer's OPEN; N: msg_caps_negotiate()
 *   established
 *   announce PFX via G LL     a prefix the peer announced, its next hops
 *   withdraw PFX
 *   eor6                      the peer's IPv6 End-of-RIB
 *   withdrew PFX              ours, after SIGUSR1
 *   notification C/S          received; exits 1
 *   error C/S                 a message we refuse; sent; exits 1
 *
 * Exits 0 when the peer closes, 1 on any error.  Test code: blocking
 * socket, poll() once a second.
 */
#include "config.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bgpd/session/msg.h"

#define MAX_PFX		64
#define HOLD		30

static volatile sig_atomic_t	withdraw_asked;
static struct msg_prefix6	pfx[MAX_PFX];
static size_t			n_pfx;
static struct msg_attrs		ours;
static int			fd = -1;
static const struct msg_caps	our_caps = { .mp_ipv6_unicast = true,
	.route_refresh = true, .as4 = true };

static void
on_usr1(int sig)
{
	(void)sig;
	withdraw_asked = 1;
}

static void
die(const char *what)
{
	fprintf(stderr, "mp_speak: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void
send_all(const uint8_t *buf, size_t len)
{
	ssize_t	n;

	if (len == 0) {
		fprintf(stderr, "mp_speak: a message did not encode\n");
		exit(1);
	}
	while (len > 0) {
		if ((n = write(fd, buf, len)) == -1) {
			if (errno == EINTR)
				continue;
			die("write");
		}
		buf += n;
		len -= (size_t)n;
	}
}

static const char *
str6(const struct in6_addr *a, char *buf)
{
	return inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN);
}

static void
print_pfx(const char *what, const struct msg_prefix6 *p)
{
	char	a[INET6_ADDRSTRLEN];

	printf("%s %s/%u", what, str6(&p->addr, a), p->len);
}

static int
parse_pfx(const char *s, struct msg_prefix6 *p)
{
	char		 a[INET6_ADDRSTRLEN];
	const char	*slash = strchr(s, '/');
	long		 len;

	if (slash == NULL || (size_t)(slash - s) >= sizeof(a))
		return -1;
	memcpy(a, s, (size_t)(slash - s));
	a[slash - s] = '\0';
	len = strtol(slash + 1, NULL, 10);
	if (len < 0 || len > 128 || inet_pton(AF_INET6, a, &p->addr) != 1)
		return -1;
	p->len = (uint8_t)len;
	return 0;
}

/* A message we refuse: the NOTIFICATION it asks for, then out. */
static void
refuse(const struct msg_error *err)
{
	uint8_t	buf[MSG_MAX_LEN];

	printf("error %u/%u\n", err->code, err->subcode);
	fflush(stdout);
	send_all(buf, msg_notification_encode(buf, sizeof(buf), err->code,
	    err->subcode, err->data, err->data_len));
	exit(1);
}

static void
announce(void)
{
	uint8_t	buf[MSG_MAX_LEN];

	send_all(buf, msg_update6_reach_encode(buf, sizeof(buf), &ours, pfx,
	    n_pfx, true));
	send_all(buf, msg_update6_unreach_encode(buf, sizeof(buf), NULL, 0));
}

static void
on_update(const uint8_t *msg, size_t len)
{
	struct msg_update	u;
	struct msg_error	err;
	char			g[INET6_ADDRSTRLEN], ll[INET6_ADDRSTRLEN];
	size_t			i;

	if (msg_update_decode_af(msg + MSG_HEADER_LEN, len - MSG_HEADER_LEN,
	    true, true, MSG_AF_IPV6, &u, &err) == -1)
		die("msg_update_decode_af");
	if (u.action == UPD_SESSION_RESET)
		refuse(&err);
	for (i = 0; i < u.n_withdrawn6; i++) {
		print_pfx("withdraw", &u.withdrawn6[i]);
		printf("\n");
	}
	for (i = 0; i < u.n_nlri6; i++) {
		print_pfx(u.action == UPD_OK ? "announce" : "withdraw",
		    &u.nlri6[i]);
		if (u.action == UPD_OK)
			printf(" via %s %s", str6(&u.attrs.next_hop6.global, g),
			    str6(&u.attrs.next_hop6.link_local, ll));
		printf("\n");
	}
	if (u.end_of_rib6)
		printf("eor6\n");
	msg_update_free(&u);
}

/* One whole message from the peer; returns whether it was a KEEPALIVE. */
static bool
on_message(const uint8_t *msg, size_t len, uint8_t type)
{
	struct msg		m;
	struct msg_error	err;
	uint8_t			buf[MSG_HEADER_LEN];

	switch (type) {
	case MSG_OPEN:
		if (msg_decode(msg, len, true, true, &m, &err) == -1)
			refuse(&err);
		printf("open families %u\n",
		    msg_caps_negotiate(&our_caps, &m.u.open.caps));
		msg_free(&m);
		send_all(buf, msg_keepalive_encode(buf, sizeof(buf)));
		break;
	case MSG_UPDATE:
		on_update(msg, len);
		break;
	case MSG_NOTIFICATION:
		printf("notification %u/%u\n", msg[MSG_HEADER_LEN],
		    len > MSG_HEADER_LEN + 1 ? msg[MSG_HEADER_LEN + 1] : 0);
		fflush(stdout);
		exit(1);
	default:
		break;
	}
	return type == MSG_KEEPALIVE;
}

/* Read what came, hand over each whole message.  0 at EOF. */
static int
receive(bool *established)
{
	static uint8_t		buf[4 * MSG_MAX_LEN];
	static size_t		have;
	struct msg_error	err;
	uint16_t		len;
	uint8_t			type;
	ssize_t			n;

	if ((n = read(fd, buf + have, sizeof(buf) - have)) == -1) {
		if (errno != EINTR)
			die("read");
		return 1;
	}
	if (n == 0)
		return 0;
	have += (size_t)n;
	while (have >= MSG_HEADER_LEN) {
		if (msg_header_decode(buf, &type, &len, &err) == -1)
			refuse(&err);
		if (have < len)
			break;
		if (on_message(buf, len, type) && !*established) {
			*established = true;
			printf("established\n");
			announce();
		}
		memmove(buf, buf + len, have - len);
		have -= len;
	}
	fflush(stdout);
	return 1;
}

static void
do_withdraw(void)
{
	uint8_t	buf[MSG_MAX_LEN];

	withdraw_asked = 0;
	send_all(buf, msg_update6_unreach_encode(buf, sizeof(buf), pfx, 1));
	print_pfx("withdrew", &pfx[0]);
	printf("\n");
	fflush(stdout);
}

static void
connect_to(const char *peer)
{
	struct sockaddr_in6	sin6;

	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(179);
	if (inet_pton(AF_INET6, peer, &sin6.sin6_addr) != 1) {
		fprintf(stderr, "mp_speak: bad peer %s\n", peer);
		exit(1);
	}
	if ((fd = socket(AF_INET6, SOCK_STREAM, 0)) == -1)
		die("socket");
	if (connect(fd, (struct sockaddr *)&sin6, sizeof(sin6)) == -1)
		die("connect");
}

int
main(int argc, char *argv[])
{
	struct pollfd	pfd;
	struct in_addr	id;
	uint8_t		buf[MSG_MAX_LEN];
	uint32_t	my_as;
	time_t		last_ka;
	bool		established = false;
	int		i;

	if (argc < 5 || argc - 4 > MAX_PFX) {
		fprintf(stderr, "usage: mp_speak PEER MY_AS NEXT_HOP "
		    "PREFIX...\n");
		return 1;
	}
	my_as = (uint32_t)strtoul(argv[2], NULL, 10);
	if (inet_pton(AF_INET6, argv[3], &ours.next_hop6.global) != 1)
		return 1;
	for (i = 4; i < argc; i++)
		if (parse_pfx(argv[i], &pfx[n_pfx++]) == -1)
			return 1;
	if (msg_attrs_set_aspath(&ours, my_as, 1) == -1)
		return 1;
	ours.present = ATTR_BIT(ATTR_ORIGIN) | ATTR_BIT(ATTR_AS_PATH);
	ours.origin = ORIGIN_IGP;
	signal(SIGUSR1, on_usr1);
	setvbuf(stdout, NULL, _IOLBF, 0);
	connect_to(argv[1]);
	inet_pton(AF_INET, "172.100.0.200", &id);
	send_all(buf, msg_open_encode(buf, sizeof(buf), my_as, HOLD, id,
	    &our_caps));
	last_ka = time(NULL);
	pfd.fd = fd;
	pfd.events = POLLIN;
	for (;;) {
		if (withdraw_asked && established)
			do_withdraw();
		if (time(NULL) - last_ka >= HOLD / 3) {
			send_all(buf, msg_keepalive_encode(buf, sizeof(buf)));
			last_ka = time(NULL);
		}
		if (poll(&pfd, 1, 1000) == -1 && errno != EINTR)
			die("poll");
		if ((pfd.revents & (POLLIN | POLLHUP | POLLERR)) &&
		    receive(&established) == 0)
			break;
	}
	msg_attrs_free(&ours);
	return 0;
}
