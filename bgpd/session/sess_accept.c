/* SPDX-License-Identifier: ISC */
/*
 * sess_accept.c: the connections of a session: ours completed or failed,
 * the peer's accepted, and connection collisions (RFC 4271 6.8).
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bgpd/session/sess_impl.h"
#include "bgpd/util/clock.h"

void
sess_connected(struct peer *p, struct conn *c)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);

	if (getsockname(c->fd, (struct sockaddr *)&sin, &len) == 0)
		p->local_addr = sin.sin_addr;
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
	    p->peer_open.caps.gr && p->peer_open.caps.gr_ipv4;
	if (p->state == FSM_ESTABLISHED)
		p->last_down = SESS_DOWN_CONN;
	peer_event(p, FSM_EV_TCP_FAILS);
	quick_retry(p);
}

static struct peer *
peer_by_addr(struct sess_engine *e, struct in_addr a)
{
	size_t	i;

	for (i = 0; i < e->n_peers; i++)
		if (e->peers[i]->conf.addr.s_addr == a.s_addr)
			return e->peers[i];
	return NULL;
}

static void
reject(struct sess_engine *e, int fd, struct in_addr src, const char *why)
{
	char		addr[INET_ADDRSTRLEN];
	uint64_t	suppressed;

	close(fd);
	if (!log_ratelimit(&e->rl_unknown, clock_mono_ms(), &suppressed))
		return;
	inet_ntop(AF_INET, &src, addr, sizeof(addr));
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
sess_accepted(struct sess_engine *e, int fd, struct in_addr src,
    struct in_addr dst)
{
	struct peer	*p;
	struct conn	*c;
	const char	*why = NULL;

	if ((p = peer_by_addr(e, src)) == NULL)
		why = "not a configured neighbor";
	else if (p->admin_down)
		why = "neighbor is shut down";
	else if (sess_local_addr(p) == 0 && dst.s_addr != p->local_addr.s_addr)
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
		p->graceful_down = p->peer_open.caps.gr_ipv4;
		peer_event(p, FSM_EV_TCP_FAILS);
	}
	c = conn_new(p, fd, false);
	p->local_addr = dst;
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
