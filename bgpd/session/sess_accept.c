/* SPDX-License-Identifier: ISC */
/*
 * sess_accept.c: the connections of a session: ours completed or failed,
 * the peer's accepted, and connection collisions (RFC 4271 6.8).
 */
#include "config.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bgpd/session/sess_impl.h"
#include "bgpd/util/clock.h"

/* The local address of connection fd for p, as the kernel has it. */
static void
note_local(struct peer *p, const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6 && p->conf.af == AF_INET6)
		p->local_addr6 = ((const struct sockaddr_in6 *)ss)->sin6_addr;
	else if (ss->ss_family == AF_INET && p->conf.af == AF_INET)
		p->local_addr = ((const struct sockaddr_in *)ss)->sin_addr;
}

void
sess_connected(struct peer *p, struct conn *c)
{
	struct sockaddr_storage	ss;
	socklen_t		len = sizeof(ss);

	if (getsockname(c->fd, (struct sockaddr *)&ss, &len) == 0)
		note_local(p, &ss);
	conn_start_io(c);
	peer_event(p, FSM_EV_TCP_CR_ACKED);
}

/*
 * A peer that has just closed the session we held may refuse the new one
 * for a moment (BIRD does while it flushes the old session's routes):
 * the first retries come after 0.1, 0.2 and 0.4 s, not ConnectRetryTime.
 */
static void
quick_retry(struct peer *p)
{
	if (p->quick_retries == 0 || p->state != FSM_ACTIVE)
		return;
	p->quick_retries--;
	peer_timer_start(p, &p->t_connretry, SESS_QUICK_RETRY_S *
	    (double)(1U << (SESS_QUICK_RETRIES - 1 - p->quick_retries)));
}

void
sess_connect_failed(struct peer *p, struct conn *c, int err)
{
	snprintf(p->stats.last_error, sizeof(p->stats.last_error),
	    "connect: %s", strerror(err));
	if (log_ratelimit(&p->rl, clock_mono_ms(), NULL))
		log_peer_warnx(p->name, "%s", p->stats.last_error);
	if (p->conn == c) {
		conn_free(c);
		p->conn = NULL;
	}
	peer_event(p, FSM_EV_TCP_FAILS);
	quick_retry(p);
}

void
sess_conn_error(struct conn *c, const char *why)
{
	struct peer	*p = c->peer;

	if (c == p->pending) {
		conn_free(c);
		p->pending = NULL;
		return;
	}
	snprintf(p->stats.last_error, sizeof(p->stats.last_error), "%s", why);
	log_peer_warnx(p->name, "%s", why);
	p->graceful_down = p->state == FSM_ESTABLISHED &&
	    p->peer_open.caps.gr && (p->conf.af == AF_INET6 ?
	    p->peer_open.caps.gr_ipv6 : p->peer_open.caps.gr_ipv4);
	if (p->state == FSM_ESTABLISHED)
		p->last_down = SESS_DOWN_CONN;
	peer_event(p, FSM_EV_TCP_FAILS);
	quick_retry(p);
}

/* The neighbor at the address of ss (a link-local one on the interface
 * of its scope), or NULL. */
static struct peer *
peer_by_addr(struct sess_engine *e, const struct sockaddr_storage *ss)
{
	const struct sockaddr_in	*sin = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6	*sin6 =
					    (const struct sockaddr_in6 *)ss;
	struct peer			*p;
	size_t				 i;

	for (i = 0; i < e->n_peers; i++) {
		p = e->peers[i];
		if (p->conf.af != ss->ss_family)
			continue;
		if (p->conf.af == AF_INET &&
		    p->conf.addr.s_addr == sin->sin_addr.s_addr)
			return p;
		if (p->conf.af == AF_INET6 &&
		    IN6_ARE_ADDR_EQUAL(&p->conf.addr6, &sin6->sin6_addr) &&
		    (!IN6_IS_ADDR_LINKLOCAL(&sin6->sin6_addr) ||
		    sin6->sin6_scope_id == if_nametoindex(p->conf.ifname)))
			return p;
	}
	return NULL;
}

/* Whether ss is p's local address (when it has one now). */
static bool
wrong_local(struct peer *p, const struct sockaddr_storage *ss)
{
	if (sess_local_addr(p) == -1)
		return false;
	if (p->conf.af == AF_INET6)
		return !IN6_ARE_ADDR_EQUAL(&p->local_addr6,
		    &((const struct sockaddr_in6 *)ss)->sin6_addr);
	return p->local_addr.s_addr !=
	    ((const struct sockaddr_in *)ss)->sin_addr.s_addr;
}

static void
reject(struct sess_engine *e, int fd, const struct sockaddr_storage *src,
    const char *why)
{
	char		addr[INET6_ADDRSTRLEN];
	uint64_t	suppressed;

	close(fd);
	if (!log_ratelimit(&e->rl_unknown, clock_mono_ms(), &suppressed))
		return;
	if (src->ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)src)->
		    sin6_addr, addr, sizeof(addr));
	else
		inet_ntop(AF_INET, &((const struct sockaddr_in *)src)->
		    sin_addr, addr, sizeof(addr));
	log_warnx("connection from %s closed: %s%s", addr, why,
	    suppressed > 0 ? " (and more, not logged)" : "");
}

/*
 * A connection from a configured neighbor.  RFC 4271 6.8: while the
 * session is still opening, keep it aside until its OPEN tells the peer's
 * BGP Identifier; an established session keeps its connection unless the
 * peer does graceful restart (RFC 4724 4.2: the new connection means the
 * old one is dead).
 */
void
sess_accepted(struct sess_engine *e, int fd,
    const struct sockaddr_storage *src, const struct sockaddr_storage *dst)
{
	struct peer	*p;
	struct conn	*c;
	const char	*why = NULL;

	if ((p = peer_by_addr(e, src)) == NULL)
		why = "not a configured neighbor";
	else if (p->admin_down)
		why = "neighbor is shut down";
	else if (p->probe_down)
		/* as we do not connect: the session waits for the probes */
		why = "the liveness probes say its tunnel is dead";
	else if (p->link_down)
		why = "its tunnel interface is down";
	else if (wrong_local(p, dst))
		why = "arrived on the wrong address";
	else if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, p->conf.ifname,
	    (socklen_t)strlen(p->conf.ifname)) == -1)
		why = "cannot bind to its interface";
	else if (sess_peer_ttl(fd, p) == -1)
		why = "cannot set its TTL";
	if (why != NULL) {
		reject(e, fd, src, why);
		return;
	}
	if (p->state == FSM_ESTABLISHED && p->peer_open.caps.gr) {
		log_peer_info(p->name, "new connection while established: "
		    "the peer restarted (RFC 4724)");
		p->graceful_down = p->conf.af == AF_INET6 ?
		    p->peer_open.caps.gr_ipv6 : p->peer_open.caps.gr_ipv4;
		peer_event(p, FSM_EV_TCP_FAILS);
	}
	c = conn_new(p, fd, false);
	note_local(p, dst);
	switch (p->state) {
	case FSM_IDLE:
		peer_timer_stop(p, &p->t_idle);
		peer_event(p, FSM_EV_AUTO_START_PASSIVE);
		/* FALLTHROUGH */
	case FSM_CONNECT:
	case FSM_ACTIVE:
		conn_free(p->conn);
		p->conn = c;
		conn_start_io(c);
		peer_event(p, FSM_EV_TCP_CONFIRMED);
		break;
	case FSM_OPENSENT:
	case FSM_OPENCONFIRM:
		conn_free(p->pending);
		p->pending = c;
		conn_start_io(c);
		peer_send_open(p, c);
		break;
	case FSM_ESTABLISHED:
		peer_send_notification(p, c, ERR_CEASE, ERR_CEASE_COLLISION,
		    NULL, 0, NULL);
		conn_free(c);
		break;
	}
}

/*
 * The pending connection got its OPEN: RFC 4271 6.8, the connection
 * initiated by the speaker with the higher BGP Identifier survives.
 * Unless the one we follow has sat in OpenSent without a word from the
 * peer for SESS_OPEN_WAIT_S: the peer has let it go (its FIN or RST may
 * have been dropped, e.g. by TTL security), and would otherwise lose
 * every new connection to it until the OpenSent hold timer.
 */
int
peer_collision(struct peer *p, const struct msg_open *o)
{
	struct conn	*keep, *dump;
	bool		 ours_higher = ntohl(p->eng->router_id.s_addr) >
			    ntohl(o->bgp_id.s_addr);

	if (sess_diag_silent(p)) {
		log_peer_info(p->name, "connection collision: no OPEN on the "
		    "first connection in %.0f s, taking the new one",
		    SESS_OPEN_WAIT_S);
		keep = p->pending;
		dump = p->conn;
	} else if (p->conn->outgoing == ours_higher) {
		keep = p->conn;
		dump = p->pending;
	} else {
		keep = p->pending;
		dump = p->conn;
	}
	peer_send_notification(p, dump, ERR_CEASE, ERR_CEASE_COLLISION, NULL, 0,
	    NULL);
	log_peer_info(p->name, "connection collision: keeping the one %s",
	    keep->outgoing ? "we initiated" : "the peer initiated");
	if (keep == p->conn) {
		conn_free(p->pending);
		p->pending = NULL;
		return 0;
	}
	conn_free(p->conn);
	p->conn = p->pending;
	p->pending = NULL;
	p->state = FSM_OPENSENT;	/* it sent its OPEN already */
	return 1;
}
