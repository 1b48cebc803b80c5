/* SPDX-License-Identifier: ISC */
/*
 * sess_peer.c: the session engine and its neighbors: made, started,
 * stopped, reconfigured (sessions whose settings did not change stay
 * up); the operator's view of each and actions on it.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd/session/sess_impl.h"

static char *
dup_or_null(const char *s)
{
	char	*d;

	if (s == NULL)
		return NULL;
	if ((d = strdup(s)) == NULL)
		fatal("strdup");
	return d;
}

static void
peer_set_conf(struct peer *p, const struct conf_neighbor *n)
{
	free(p->conf.description);
	free(p->conf.password);
	p->conf = *n;
	p->conf.description = dup_or_null(n->description);
	p->conf.password = dup_or_null(n->password);
}

/* The lowest slot no peer of e uses (peers may be NULL while reloading). */
static unsigned
free_slot(const struct sess_engine *e, struct peer *const *extra, size_t n)
{
	unsigned	used = 0;
	size_t		i;

	for (i = 0; i < e->n_peers; i++)
		if (e->peers[i] != NULL)
			used |= 1U << e->peers[i]->slot;
	for (i = 0; i < n; i++)
		used |= 1U << extra[i]->slot;
	return (unsigned)__builtin_ctz(~used);
}

static struct peer *
peer_new(struct sess_engine *e, const struct conf_neighbor *n, unsigned slot)
{
	struct peer		*p;
	struct log_ratelimit	 rl = LOG_RATELIMIT_INIT(10000, 3);

	if ((p = calloc(1, sizeof(*p))) == NULL)
		fatal("calloc");
	p->eng = e;
	p->slot = slot;
	peer_set_conf(p, n);
	conf_neighbor_str(n, false, p->name, sizeof(p->name));
	p->rl = rl;
	p->local_plen = 30;
	peer_timers_init(p);
	sess_diag_init(p);
	return p;
}

static void
peer_free(struct peer *p)
{
	struct ev_loop	*loop = p->eng->loop;

	peer_close_conns(p);
	conn_free(p->held);
	ev_timer_stop(loop, &p->t_connretry);
	ev_timer_stop(loop, &p->t_hold);
	ev_timer_stop(loop, &p->t_keepalive);
	ev_timer_stop(loop, &p->t_idle);
	ev_timer_stop(loop, &p->t_failed);
	ev_timer_stop(loop, &p->t_maxpfx);
	ev_timer_stop(loop, &p->t_open_wait);
	free(p->conf.description);
	free(p->conf.password);
	free(p);
}

struct sess_engine *
sess_engine_new(struct ev_loop *loop, const struct conf *c, uint16_t port,
    const struct sess_hooks *hooks)
{
	struct sess_engine	*e;
	struct log_ratelimit	 rl = LOG_RATELIMIT_INIT(10000, 5);
	size_t			 i;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		fatal("calloc");
	e->loop = loop;
	e->port = port;
	e->lfd = -1;
	e->lfd6 = -1;
	e->rl_unknown = rl;
	if (hooks != NULL)
		e->hooks = *hooks;
	sess_engine_set_conf(e, c);
	if ((e->peers = calloc(c->n_neighbors + 1, sizeof(*e->peers))) == NULL)
		fatal("calloc");
	for (i = 0; i < c->n_neighbors && i < SESS_MAX_PEERS; i++)
		e->peers[e->n_peers++] = peer_new(e, &c->neighbors[i],
		    (unsigned)i);
	return e;
}

int
sess_engine_start(struct sess_engine *e)
{
	size_t	i;

	if (sess_listen(e) == -1)
		return -1;
	for (i = 0; i < e->n_peers; i++)
		peer_event(e->peers[i], FSM_EV_MANUAL_START);
	return 0;
}

void
sess_engine_stop(struct sess_engine *e, const char *reason)
{
	size_t	i;

	for (i = 0; i < e->n_peers; i++) {
		e->peers[i]->admin_down = true;
		peer_stop(e->peers[i], ERR_CEASE_ADMIN_DOWN, reason);
	}
	sess_listen_close(e);
}

void
sess_engine_free(struct sess_engine *e)
{
	size_t	i;

	if (e == NULL)
		return;
	sess_listen_close(e);
	for (i = 0; i < e->n_peers; i++)
		peer_free(e->peers[i]);
	free(e->peers);
	free(e->networks);
	free(e->halves);
	free(e);
}

void
sess_engine_pause(struct sess_engine *e, bool pause)
{
	struct peer	*p;
	size_t		 i;

	if (e->read_paused == pause)
		return;
	e->read_paused = pause;
	for (i = 0; i < e->n_peers; i++) {
		p = e->peers[i];
		if (p->conn != NULL)
			conn_read_sync(p->conn);
		if (p->pending != NULL)
			conn_read_sync(p->pending);
	}
}

bool
sess_same_addr(const struct conf_neighbor *a, const struct conf_neighbor *b)
{
	if (a->af != b->af)
		return false;
	if (a->af == AF_INET6)
		return IN6_ARE_ADDR_EQUAL(&a->addr6, &b->addr6);
	return a->addr.s_addr == b->addr.s_addr;
}

/* Settings whose change needs a new session. */
static bool
needs_reset(const struct conf_neighbor *a, const struct conf_neighbor *b)
{
	return strcmp(a->ifname, b->ifname) != 0 ||
	    a->remote_as != b->remote_as ||
	    a->has_local_addr != b->has_local_addr ||
	    (a->af == AF_INET6 ? !IN6_ARE_ADDR_EQUAL(&a->local_addr6,
	    &b->local_addr6) : a->local_addr.s_addr != b->local_addr.s_addr) ||
	    a->timers.hold_s != b->timers.hold_s ||
	    a->timers.keepalive_s != b->timers.keepalive_s ||
	    a->timers.ttl_security != b->timers.ttl_security ||
	    (a->password == NULL) != (b->password == NULL) ||
	    (a->password != NULL && strcmp(a->password, b->password) != 0);
}

void
sess_engine_reconfigure(struct sess_engine *e, const struct conf *c)
{
	struct peer		**peers;
	bool			 *prepend_changed, global;
	const struct conf_neighbor *n;
	size_t			  i, j, np = 0;

	global = e->router_id.s_addr != c->router_id.s_addr ||
	    e->local_as != c->local_as || e->gr_time != c->gr_time_s;
	if ((peers = calloc(c->n_neighbors + 1, sizeof(*peers))) == NULL ||
	    (prepend_changed = calloc(c->n_neighbors + 1, 1)) == NULL)
		fatal("calloc");
	for (i = 0; i < e->n_peers; i++) {
		for (j = 0; j < c->n_neighbors; j++)
			if (sess_same_addr(&e->peers[i]->conf,
			    &c->neighbors[j]))
				break;
		if (j < c->n_neighbors)
			continue;
		peer_stop(e->peers[i], ERR_CEASE_PEER_UNCONF, NULL);
		(void)sess_md5_listener(e, e->peers[i], false);
		peer_free(e->peers[i]);
		e->peers[i] = NULL;
	}
	for (j = 0; j < c->n_neighbors; j++) {
		n = &c->neighbors[j];
		for (i = 0; i < e->n_peers; i++)
			if (e->peers[i] != NULL &&
			    sess_same_addr(&e->peers[i]->conf, n))
				break;
		if (i < e->n_peers) {
			peers[np] = e->peers[i];
			e->peers[i] = NULL;
			prepend_changed[np] = peers[np]->conf.prepend !=
			    n->prepend;
			if (global || needs_reset(&peers[np]->conf, n)) {
				log_peer_info(peers[np]->name, "settings "
				    "changed: resetting the session");
				peer_stop(peers[np], ERR_CEASE_OTHER_CHANGE,
				    NULL);
				(void)sess_md5_listener(e, peers[np], false);
				peer_set_conf(peers[np], n);
				(void)sess_md5_listener(e, peers[np], true);
			} else
				peer_set_conf(peers[np], n);
			np++;
		} else if (np < SESS_MAX_PEERS) {
			peers[np] = peer_new(e, n, free_slot(e, peers, np));
			(void)sess_md5_listener(e, peers[np], true);
			peer_event(peers[np], FSM_EV_MANUAL_START);
			np++;
		}
	}
	free(e->peers);
	e->peers = peers;
	e->n_peers = np;
	(void)sess_listen_ttl(e);
	sess_reexport(e, c, prepend_changed);
	free(prepend_changed);
}

struct peer *
sess_peer_at(struct sess_engine *e, size_t i)
{
	return i < e->n_peers ? e->peers[i] : NULL;
}

struct peer *
sess_peer_find(struct sess_engine *e, const char *what)
{
	size_t	i;

	for (i = 0; i < e->n_peers; i++)
		if (strcmp(e->peers[i]->name, what) == 0 ||
		    strcmp(e->peers[i]->conf.ifname, what) == 0)
			return e->peers[i];
	return NULL;
}

void
sess_peer_info(const struct peer *p, struct sess_info *si)
{
	memset(si, 0, sizeof(*si));
	si->conf = &p->conf;
	si->name = p->name;
	si->slot = p->slot;
	si->state = p->state;
	si->admin_down = p->admin_down;
	si->af = p->conf.af;
	si->local_addr = p->local_addr;
	si->local_addr6 = p->local_addr6;
	si->stats = &p->stats;
	si->graceful_down = p->graceful_down;
	si->gr_restart_s = p->peer_open.caps.gr_time;
	si->link_down = p->link_down;
	si->probe_down = p->probe_down;
	si->last_down = p->last_down;
	si->steering = p->steer;
	if (p->state < FSM_OPENCONFIRM)
		return;
	si->peer_id = p->peer_open.bgp_id;
	si->hold_negotiated = p->hold_neg;
	si->keepalive = p->keepalive;
	si->as4 = p->as4;
	si->peer_caps = p->peer_open.caps;
}

int
sess_peer_shutdown(struct peer *p, const char *message)
{
	log_peer_info(p->name, "shut down by the operator%s%s",
	    message != NULL && *message ? ": " : "",
	    message != NULL ? message : "");
	p->admin_down = true;
	if (p->state == FSM_ESTABLISHED)
		p->last_down = SESS_DOWN_ADMIN;
	snprintf(p->stats.last_error, sizeof(p->stats.last_error),
	    "shut down by the operator%s%s", message != NULL && *message ?
	    ": " : "", message != NULL ? message : "");
	peer_stop(p, ERR_CEASE_ADMIN_DOWN, message);
	return 0;
}

int
sess_peer_enable(struct peer *p)
{
	peer_timer_stop(p, &p->t_maxpfx);
	if (!p->admin_down)
		return 0;
	log_peer_info(p->name, "enabled by the operator%s", peer_blocked(p) ?
	    ": waiting for the tunnel (link or probes)" : "");
	p->admin_down = false;
	p->fail_streak = 0;
	if (!peer_blocked(p))
		peer_event(p, FSM_EV_MANUAL_START);
	return 0;
}

int
sess_peer_reset(struct peer *p, const char *message)
{
	log_peer_info(p->name, "reset by the operator");
	if (p->admin_down)
		return sess_peer_enable(p);
	p->fail_streak = 0;
	peer_stop(p, ERR_CEASE_ADMIN_RESET, message);
	return 0;
}

int
sess_peer_refresh(struct peer *p, char *why, size_t len)
{
	uint8_t	buf[MSG_ROUTE_REFRESH_LEN];

	if (p->state != FSM_ESTABLISHED) {
		snprintf(why, len, "session is not established");
		return -1;
	}
	if (!p->peer_open.caps.route_refresh) {
		snprintf(why, len, "the peer did not advertise route refresh");
		return -1;
	}
	peer_send(p, p->conn, buf, msg_route_refresh_encode(buf, sizeof(buf),
	    p->conf.af == AF_INET6 ? 2 : 1, 1));
	return 0;
}

void
sess_peer_max_prefix(struct peer *p, uint32_t limit, uint32_t restart_ms)
{
	if (p->admin_down)
		return;
	log_peer_warnx(p->name, "more than %u prefixes: session down %s",
	    limit, restart_ms == 0 ? "until reset" : "for a while");
	snprintf(p->stats.last_error, sizeof(p->stats.last_error),
	    "more than %u prefixes (max-prefix)", limit);
	p->admin_down = true;
	peer_stop(p, ERR_CEASE_MAX_PREFIX, NULL);
	if (restart_ms != 0)
		peer_timer_start(p, &p->t_maxpfx, restart_ms / 1000.);
}

void
sess_engine_set_restarting(struct sess_engine *e, bool restarting)
{
	e->restarting = restarting;
}
