/* SPDX-License-Identifier: ISC */
/*
 * sess_net.c: the sockets of the session layer: the listener, outgoing
 * connections bound to the tunnel interface and its inside address, the
 * TTL of single-hop eBGP (1 out, any in) or of GTSM (RFC 5082: 255 out,
 * 255 required in) per neighbor, TCP MD5 signatures (RFC 2385).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bgpd/session/sess_impl.h"

#define GTSM_TTL	255
#define EBGP_TTL	1	/* single hop, as every eBGP speaker sends */
#define TOS_CS6		0xc0	/* network control, as BIRD and FRR send */

static int
set_int(int fd, int level, int opt, int val, const char *what)
{
	if (setsockopt(fd, level, opt, &val, sizeof(val)) == -1) {
		log_warn("setsockopt %s", what);
		return -1;
	}
	return 0;
}

/*
 * The TTL we send and the least we take: with GTSM (RFC 5082 3) 255 and
 * 255; without, 1 and anything, as plain single-hop eBGP (AWS sends TTL
 * 1 and tells its customers to turn TTL security off).  The session stays
 * bound to the tunnel interface and the inside addresses either way.
 */
static int
sock_ttl(int fd, bool gtsm)
{
	if (set_int(fd, IPPROTO_IP, IP_TTL, gtsm ? GTSM_TTL : EBGP_TTL,
	    "IP_TTL") == -1 ||
	    set_int(fd, IPPROTO_IP, IP_MINTTL, gtsm ? GTSM_TTL : 0,
	    "IP_MINTTL") == -1)
		return -1;
	return 0;
}

/* The TTLs of gtsm, CS6, no Nagle. */
static int
sock_options(int fd, bool gtsm)
{
	if (sock_ttl(fd, gtsm) == -1)
		return -1;
	(void)set_int(fd, IPPROTO_IP, IP_TOS, TOS_CS6, "IP_TOS");
	(void)set_int(fd, IPPROTO_TCP, TCP_NODELAY, 1, "TCP_NODELAY");
	return 0;
}

int
sess_peer_ttl(int fd, const struct peer *p)
{
	return sock_ttl(fd, p->conf.timers.ttl_security);
}

/*
 * The listener takes any TTL unless every neighbor wants GTSM (then the
 * kernel drops a SYN below 255 before it is answered); its SYN-ACK leaves
 * with 255 if any neighbor wants GTSM, so that one accepts it.  Each
 * accepted connection then gets its neighbor's own TTLs (sess_peer_ttl).
 */
int
sess_listen_ttl(struct sess_engine *e)
{
	size_t	i, n_gtsm = 0;
	bool	all;

	if (e->lfd == -1)
		return 0;
	for (i = 0; i < e->n_peers; i++)
		if (e->peers[i]->conf.timers.ttl_security)
			n_gtsm++;
	all = n_gtsm > 0 && n_gtsm == e->n_peers;
	if (set_int(e->lfd, IPPROTO_IP, IP_TTL, n_gtsm > 0 ? GTSM_TTL :
	    EBGP_TTL, "IP_TTL") == -1 ||
	    set_int(e->lfd, IPPROTO_IP, IP_MINTTL, all ? GTSM_TTL : 0,
	    "IP_MINTTL") == -1)
		return -1;
	return 0;
}

/* Add (or with key NULL remove) the RFC 2385 key for addr on fd. */
static int
sock_md5(int fd, struct in_addr addr, const char *key)
{
	struct tcp_md5sig	 md5;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&md5.tcpm_addr;

	memset(&md5, 0, sizeof(md5));
	sin->sin_family = AF_INET;
	sin->sin_addr = addr;
	if (key != NULL) {
		md5.tcpm_keylen = (uint16_t)strlen(key);
		memcpy(md5.tcpm_key, key, md5.tcpm_keylen);
	}
	if (setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, &md5, sizeof(md5)) == -1)
		return -1;
	return 0;
}

int
sess_md5_listener(struct sess_engine *e, const struct peer *p, bool add)
{
	if (e->lfd == -1 || p->conf.password == NULL)
		return 0;
	if (sock_md5(e->lfd, p->conf.addr, add ? p->conf.password : NULL) ==
	    -1 && add) {
		log_peer_warnx(p->name, "TCP MD5 on the listener: %s",
		    strerror(errno));
		return -1;
	}
	return 0;
}

static void
listener_readable(struct ev_loop *loop, ev_io *w, int revents)
{
	struct sess_engine	*e = w->data;
	struct sockaddr_in	 src, dst;
	socklen_t		 len = sizeof(src);
	int			 fd;

	fd = accept4(e->lfd, (struct sockaddr *)&src, &len,
	    SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd == -1) {
		if (errno != EAGAIN && errno != EINTR &&
		    errno != ECONNABORTED)
			log_warn("accept");
		return;
	}
	len = sizeof(dst);
	if (src.sin_family != AF_INET ||
	    getsockname(fd, (struct sockaddr *)&dst, &len) == -1) {
		close(fd);
		return;
	}
	sess_accepted(e, fd, src.sin_addr, dst.sin_addr);
}

int
sess_listen(struct sess_engine *e)
{
	struct sockaddr_in	sin;
	size_t			i;
	int			fd;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1) {
		log_warn("socket");
		return -1;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(e->port);
	if (set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR") == -1 ||
	    sock_options(fd, false) == -1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(fd, 16) == -1) {
		log_warn("cannot listen on TCP port %u", e->port);
		close(fd);
		return -1;
	}
	e->lfd = fd;
	if (sess_listen_ttl(e) == -1) {
		close(fd);
		e->lfd = -1;
		return -1;
	}
	for (i = 0; i < e->n_peers; i++)
		(void)sess_md5_listener(e, e->peers[i], true);
	ev_io_init(&e->lio, listener_readable, fd, EV_READ);
	e->lio.data = e;
	ev_io_start(e->loop, &e->lio);
	return 0;
}

void
sess_listen_close(struct sess_engine *e)
{
	if (e->lfd == -1)
		return;
	ev_io_stop(e->loop, &e->lio);
	close(e->lfd);
	e->lfd = -1;
}

static uint8_t
mask_len(struct in_addr mask)
{
	return (uint8_t)__builtin_popcount(mask.s_addr);
}

/*
 * The address of p's interface in the subnet of the neighbor (or the
 * configured local-address, whose prefix length we still want).
 */
int
sess_local_addr(struct peer *p)
{
	struct ifaddrs		*ifa, *i;
	struct sockaddr_in	*a, *m;
	uint32_t		 mask;
	int			 rv = -1;

	if (getifaddrs(&ifa) == -1) {
		log_warn("getifaddrs");
		return -1;
	}
	for (i = ifa; i != NULL; i = i->ifa_next) {
		if (i->ifa_addr == NULL || i->ifa_netmask == NULL ||
		    i->ifa_addr->sa_family != AF_INET ||
		    strcmp(i->ifa_name, p->conf.ifname) != 0)
			continue;
		a = (struct sockaddr_in *)i->ifa_addr;
		m = (struct sockaddr_in *)i->ifa_netmask;
		mask = m->sin_addr.s_addr;
		if (p->conf.has_local_addr ?
		    a->sin_addr.s_addr != p->conf.local_addr.s_addr :
		    (a->sin_addr.s_addr & mask) != (p->conf.addr.s_addr & mask))
			continue;
		p->local_addr = a->sin_addr;
		p->local_plen = mask_len(m->sin_addr);
		rv = 0;
		break;
	}
	freeifaddrs(ifa);
	return rv;
}

/* A socket for p: bound to its interface and inside address. */
static int
peer_socket(struct peer *p)
{
	struct sockaddr_in	sin;
	int			fd;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr = p->local_addr;
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, p->conf.ifname,
	    (socklen_t)strlen(p->conf.ifname)) == -1 ||
	    sock_options(fd, p->conf.timers.ttl_security) == -1 ||
	    (p->conf.password != NULL &&
	    sock_md5(fd, p->conf.addr, p->conf.password) == -1) ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
connect_done(struct ev_loop *loop, ev_io *w, int revents)
{
	struct conn	*c = w->data;
	socklen_t	 len = sizeof(int);
	int		 err = 0;

	ev_io_stop(loop, w);
	c->connecting = false;
	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) == -1)
		err = errno;
	if (err != 0) {
		sess_connect_failed(c->peer, c, err);
		return;
	}
	sess_connected(c->peer, c);
}

int
sess_connect(struct peer *p)
{
	struct sockaddr_in	 sin;
	struct conn		*c;
	int			 fd;

	if (sess_local_addr(p) == -1) {
		errno = EADDRNOTAVAIL;
		return -1;
	}
	if ((fd = peer_socket(p)) == -1)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(p->eng->port);
	sin.sin_addr = p->conf.addr;
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 &&
	    errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	c = conn_new(p, fd, true);
	c->connecting = true;
	ev_io_init(&c->cio, connect_done, fd, EV_WRITE);
	c->cio.data = c;
	ev_io_start(p->eng->loop, &c->cio);
	p->conn = c;
	return 0;
}
