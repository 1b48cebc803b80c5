/* SPDX-License-Identifier: ISC */
/*
 * sess_net.c: the sockets of the session layer: the listener, outgoing
 * connections bound to the tunnel interface and its inside address, the
 * TTL of single-hop eBGP (1 out, any in) or of GTSM (RFC 5082: 255 out,
 * 255 required in) per neighbor, TCP MD5 signatures (RFC 2385).
 * IPv6 neighbors have their own listener ([::], IPv6 only) and sockets
 * bound the same way; the TTL is then the hop limit, and a link-local
 * address takes the tunnel interface as its scope.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <net/if.h>
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
sock_ttl(int fd, int af, bool gtsm)
{
	if (af == AF_INET6)
		return set_int(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS,
		    gtsm ? GTSM_TTL : EBGP_TTL, "IPV6_UNICAST_HOPS") == -1 ||
		    set_int(fd, IPPROTO_IPV6, IPV6_MINHOPCOUNT,
		    gtsm ? GTSM_TTL : 0, "IPV6_MINHOPCOUNT") == -1 ? -1 : 0;
	if (set_int(fd, IPPROTO_IP, IP_TTL, gtsm ? GTSM_TTL : EBGP_TTL,
	    "IP_TTL") == -1 ||
	    set_int(fd, IPPROTO_IP, IP_MINTTL, gtsm ? GTSM_TTL : 0,
	    "IP_MINTTL") == -1)
		return -1;
	return 0;
}

/* The TTLs of gtsm, CS6, no Nagle. */
static int
sock_options(int fd, int af, bool gtsm)
{
	if (sock_ttl(fd, af, gtsm) == -1)
		return -1;
	if (af == AF_INET6)
		(void)set_int(fd, IPPROTO_IPV6, IPV6_TCLASS, TOS_CS6,
		    "IPV6_TCLASS");
	else
		(void)set_int(fd, IPPROTO_IP, IP_TOS, TOS_CS6, "IP_TOS");
	(void)set_int(fd, IPPROTO_TCP, TCP_NODELAY, 1, "TCP_NODELAY");
	return 0;
}

int
sess_peer_ttl(int fd, const struct peer *p)
{
	return sock_ttl(fd, p->conf.af, p->conf.timers.ttl_security);
}

/*
 * The listener takes any TTL unless every neighbor wants GTSM (then the
 * kernel drops a SYN below 255 before it is answered); its SYN-ACK leaves
 * with 255 if any neighbor wants GTSM, so that one accepts it.  Each
 * accepted connection then gets its neighbor's own TTLs (sess_peer_ttl).
 */
static int
listen_ttl(struct sess_engine *e, int fd, int af)
{
	size_t	i, n = 0, n_gtsm = 0;
	bool	all;

	if (fd == -1)
		return 0;
	for (i = 0; i < e->n_peers; i++) {
		if (e->peers[i]->conf.af != af)
			continue;
		n++;
		if (e->peers[i]->conf.timers.ttl_security)
			n_gtsm++;
	}
	all = n_gtsm > 0 && n_gtsm == n;
	if (af == AF_INET6)
		return set_int(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS,
		    n_gtsm > 0 ? GTSM_TTL : EBGP_TTL, "IPV6_UNICAST_HOPS") ==
		    -1 || set_int(fd, IPPROTO_IPV6, IPV6_MINHOPCOUNT,
		    all ? GTSM_TTL : 0, "IPV6_MINHOPCOUNT") == -1 ? -1 : 0;
	if (set_int(fd, IPPROTO_IP, IP_TTL, n_gtsm > 0 ? GTSM_TTL :
	    EBGP_TTL, "IP_TTL") == -1 ||
	    set_int(fd, IPPROTO_IP, IP_MINTTL, all ? GTSM_TTL : 0,
	    "IP_MINTTL") == -1)
		return -1;
	return 0;
}

int
sess_listen_ttl(struct sess_engine *e)
{
	(void)sess_listen6(e);
	if (listen_ttl(e, e->lfd6, AF_INET6) == -1)
		return -1;
	return listen_ttl(e, e->lfd, AF_INET);
}

/* Add (or with key NULL remove) the RFC 2385 key for n's address on fd. */
static int
sock_md5(int fd, const struct conf_neighbor *n, const char *key)
{
	struct tcp_md5sig	 md5;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&md5.tcpm_addr;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&md5.tcpm_addr;

	memset(&md5, 0, sizeof(md5));
	if (n->af == AF_INET6) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = n->addr6;
	} else {
		sin->sin_family = AF_INET;
		sin->sin_addr = n->addr;
	}
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
	int	fd = p->conf.af == AF_INET6 ? e->lfd6 : e->lfd;

	if (fd == -1 || p->conf.password == NULL)
		return 0;
	if (sock_md5(fd, &p->conf, add ? p->conf.password : NULL) ==
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
	struct sockaddr_storage	 src, dst;
	socklen_t		 len = sizeof(src);
	int			 fd;

	fd = accept4(w->fd, (struct sockaddr *)&src, &len,
	    SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd == -1) {
		if (errno != EAGAIN && errno != EINTR &&
		    errno != ECONNABORTED)
			log_warn("accept");
		return;
	}
	len = sizeof(dst);
	if ((src.ss_family != AF_INET && src.ss_family != AF_INET6) ||
	    getsockname(fd, (struct sockaddr *)&dst, &len) == -1 ||
	    dst.ss_family != src.ss_family) {
		close(fd);
		return;
	}
	sess_accepted(e, fd, &src, &dst);
}

static bool
has_af(const struct sess_engine *e, int af)
{
	size_t	i;

	for (i = 0; i < e->n_peers; i++)
		if (e->peers[i]->conf.af == af)
			return true;
	return false;
}

/* [::]:port, IPv6 only (IPv4 has its own listener), once an IPv6
 * neighbor is configured. */
int
sess_listen6(struct sess_engine *e)
{
	struct sockaddr_in6	sin6;
	size_t			i;
	int			fd;

	if (e->lfd6 != -1 || e->lfd == -1 || !has_af(e, AF_INET6))
		return 0;
	if ((fd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1) {
		log_warn("socket (IPv6)");
		return -1;
	}
	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(e->port);
	if (set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR") == -1 ||
	    set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1, "IPV6_V6ONLY") == -1 ||
	    sock_options(fd, AF_INET6, false) == -1 ||
	    bind(fd, (struct sockaddr *)&sin6, sizeof(sin6)) == -1 ||
	    listen(fd, 16) == -1) {
		log_warn("cannot listen on TCP port %u (IPv6)", e->port);
		close(fd);
		return -1;
	}
	e->lfd6 = fd;
	for (i = 0; i < e->n_peers; i++)
		if (e->peers[i]->conf.af == AF_INET6)
			(void)sess_md5_listener(e, e->peers[i], true);
	ev_io_init(&e->lio6, listener_readable, fd, EV_READ);
	e->lio6.data = e;
	ev_io_start(e->loop, &e->lio6);
	return 0;
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
	    sock_options(fd, AF_INET, false) == -1 ||
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
		if (e->peers[i]->conf.af == AF_INET)
			(void)sess_md5_listener(e, e->peers[i], true);
	ev_io_init(&e->lio, listener_readable, fd, EV_READ);
	e->lio.data = e;
	ev_io_start(e->loop, &e->lio);
	if (sess_listen6(e) == -1) {
		sess_listen_close(e);
		return -1;
	}
	return 0;
}

void
sess_listen_close(struct sess_engine *e)
{
	if (e->lfd6 != -1) {
		ev_io_stop(e->loop, &e->lio6);
		close(e->lfd6);
		e->lfd6 = -1;
	}
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

static uint8_t
mask6_len(const struct in6_addr *m)
{
	unsigned	i, n = 0;

	for (i = 0; i < 16; i++)
		n += (unsigned)__builtin_popcount(m->s6_addr[i]);
	return (uint8_t)n;
}

static bool
same_net6(const struct in6_addr *a, const struct in6_addr *b,
    const struct in6_addr *m)
{
	unsigned	i;

	for (i = 0; i < 16; i++)
		if ((a->s6_addr[i] & m->s6_addr[i]) !=
		    (b->s6_addr[i] & m->s6_addr[i]))
			return false;
	return true;
}

/*
 * For an IPv6 neighbor: the configured local-address, else our address
 * in the neighbor's prefix (a /126), or for a link-local neighbor our
 * link-local address, on the tunnel interface; and that interface's
 * index, the scope of link-local addresses.
 */
static int
local_addr6(struct peer *p)
{
	struct ifaddrs		*ifa, *i;
	struct sockaddr_in6	*a, *m;
	bool			 ll = IN6_IS_ADDR_LINKLOCAL(&p->conf.addr6);
	int			 rv = -1;

	if ((p->ifindex = if_nametoindex(p->conf.ifname)) == 0)
		return -1;
	if (getifaddrs(&ifa) == -1) {
		log_warn("getifaddrs");
		return -1;
	}
	for (i = ifa; i != NULL; i = i->ifa_next) {
		if (i->ifa_addr == NULL || i->ifa_netmask == NULL ||
		    i->ifa_addr->sa_family != AF_INET6 ||
		    strcmp(i->ifa_name, p->conf.ifname) != 0)
			continue;
		a = (struct sockaddr_in6 *)i->ifa_addr;
		m = (struct sockaddr_in6 *)i->ifa_netmask;
		if (p->conf.has_local_addr ? !IN6_ARE_ADDR_EQUAL(&a->sin6_addr,
		    &p->conf.local_addr6) : ll ?
		    !IN6_IS_ADDR_LINKLOCAL(&a->sin6_addr) :
		    IN6_IS_ADDR_LINKLOCAL(&a->sin6_addr) ||
		    !same_net6(&a->sin6_addr, &p->conf.addr6, &m->sin6_addr))
			continue;
		p->local_addr6 = a->sin6_addr;
		p->local_plen = mask6_len(&m->sin6_addr);
		rv = 0;
		break;
	}
	freeifaddrs(ifa);
	return rv;
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

	if (p->conf.af == AF_INET6)
		return local_addr6(p);
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

/* p's address (remote) or its local address, as a socket address. */
static socklen_t
peer_sockaddr(const struct peer *p, bool remote, uint16_t port,
    struct sockaddr_storage *ss)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (p->conf.af == AF_INET6) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		sin6->sin6_addr = remote ? p->conf.addr6 : p->local_addr6;
		if (IN6_IS_ADDR_LINKLOCAL(&sin6->sin6_addr))
			sin6->sin6_scope_id = p->ifindex;
		return sizeof(*sin6);
	}
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	sin->sin_addr = remote ? p->conf.addr : p->local_addr;
	return sizeof(*sin);
}

/* A socket for p: bound to its interface and inside address. */
static int
peer_socket(struct peer *p)
{
	struct sockaddr_storage	ss;
	socklen_t		len = peer_sockaddr(p, false, 0, &ss);
	int			fd;

	if ((fd = socket(p->conf.af, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, p->conf.ifname,
	    (socklen_t)strlen(p->conf.ifname)) == -1 ||
	    sock_options(fd, p->conf.af, p->conf.timers.ttl_security) == -1 ||
	    (p->conf.password != NULL &&
	    sock_md5(fd, &p->conf, p->conf.password) == -1) ||
	    bind(fd, (struct sockaddr *)&ss, len) == -1) {
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
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	struct conn		*c;
	int			 fd;

	if (sess_local_addr(p) == -1) {
		errno = EADDRNOTAVAIL;
		return -1;
	}
	if ((fd = peer_socket(p)) == -1)
		return -1;
	len = peer_sockaddr(p, true, p->eng->port, &ss);
	if (connect(fd, (struct sockaddr *)&ss, len) == -1 &&
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
