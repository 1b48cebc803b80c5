/* SPDX-License-Identifier: ISC */
/*
 * router.c: sessions -> RIB -> kernel, and links -> sessions.
 *
 * A session that leaves Established takes its tunnel out of forwarding:
 * first the kernel (fib_tunnel_down: one group rewrite when the link is
 * still up), then the RIB (its paths go, and the prefixes are re-pointed
 * in the background; or, for a peer in graceful restart, gr.c keeps
 * those no other tunnel has, stale).  At start, routes of an earlier run keep
 * forwarding until every session is established and quiet (End-of-RIB or
 * ROUTER_QUIET_S without an UPDATE) or ROUTER_CONVERGE_TIMEOUT_S passed.
 *
 * Liveness probes that declare a tunnel dead act as a link down does.
 * A silent failure (probes, hold timer) also moves the VPC's return
 * traffic: the surviving sessions announce the halves of our networks
 * until the failed tunnel has been back and stable for a hold time.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd/fib/fib.h"
#include "bgpd/gr.h"
#include "bgpd/probe.h"
#include "bgpd/router.h"
#include "bgpd/session/session.h"
#include "bgpd/util/clock.h"
#include "bgpd/util/log.h"
#include "rib/rib.h"

#define BGP_PORT	179

/*
 * Reading paced by the kernel: above PACE_HIGH requests unanswered the
 * sessions stop reading, below PACE_LOW they read again.  The kernel
 * takes about 200,000 requests a second, one read of a session up to
 * about 4,000 prefixes, so the backlog stays a few tens of milliseconds
 * of kernel work instead of every UPDATE the peers can send.  A pause
 * lasts at most PACE_MAX_S, then each session reads once: received
 * UPDATEs keep restarting our hold timers (3 s at the least).
 */
#define PACE_HIGH	1024
#define PACE_LOW	256
#define PACE_MAX_S	1.

struct router {
	struct ev_loop		*loop;
	struct sess_engine	*sess;
	struct rib		*rib;
	struct fib		*fib;
	struct gr		*gr;		/* graceful restarts */
	ev_timer		 t_converge;	/* start-up timeout */
	ev_timer		 t_quiet;	/* checks quietness */
	uint64_t		 last_update_ms[SESS_MAX_PEERS];
	bool			 eor[SESS_MAX_PEERS];
	bool			 synced[SESS_MAX_PEERS];	/* told fib */
	bool			 converged;
	bool			 stopping;	/* keep the kernel as it is */
	uint32_t		 max_prefix;
	uint32_t		 max_prefix_restart_ms;
	router_event_fn		 ev_fn;
	bool			(*ev_routes)(void);
	void			*ev_arg;
	bool			 started;
	struct probe		*probe[SESS_MAX_PEERS];
	struct conf_neighbor	 probe_conf[SESS_MAX_PEERS];	/* as made */
	bool			 return_steering;
	uint8_t			 silent;	/* failed silently, not stable */
	ev_timer		 t_steer;	/* checks stability */
	ev_prepare		 pace;		/* reads paced by the kernel */
	ev_timer		 t_pace;	/* bounds a pause */
	bool			 pace_read;	/* read once, then pause */
};

static void	steer_update(struct router *);

static void
emit(struct router *r, enum router_event ev, const char *neighbor,
    const char *ifname, const char *fmt, ...) VTB_PRINTF(5, 6);

static void
emit(struct router *r, enum router_event ev, const char *neighbor,
    const char *ifname, const char *fmt, ...)
{
	char	text[512];
	va_list	ap;

	if (r->ev_fn == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	r->ev_fn(ev, neighbor, ifname, text, r->ev_arg);
}

void
router_set_events(struct router *r, router_event_fn fn,
    bool (*wants_routes)(void), void *arg)
{
	r->ev_fn = fn;
	r->ev_routes = wants_routes;
	r->ev_arg = arg;
}

/* "vti0", "vti0+vti1" or "none" for a mask of tunnel slots. */
static void
tunnels_str(struct router *r, uint8_t mask, char *buf, size_t len)
{
	struct sess_info	 si;
	struct peer		*p;
	size_t			 i, off = 0;

	buf[0] = '\0';
	for (i = 0; (p = sess_peer_at(r->sess, i)) != NULL; i++) {
		sess_peer_info(p, &si);
		if ((mask & (1U << si.slot)) && off < len)
			off += (size_t)snprintf(buf + off, len - off, "%s%s",
			    off > 0 ? "+" : "", si.conf->ifname);
	}
	if (off == 0)
		snprintf(buf, len, "none");
}

static void
on_rib_change(const struct rib_change *c, void *arg)
{
	struct router	*r = arg;
	char		 old[64], now[64], addr[INET6_ADDRSTRLEN];

	fib_change(r->fib, c);
	if (c->best == c->old_best || r->ev_routes == NULL ||
	    !r->ev_routes())
		return;
	tunnels_str(r, c->old_best, old, sizeof(old));
	tunnels_str(r, c->best, now, sizeof(now));
	inet_ntop(c->pfx.af, &c->pfx.addr6, addr, sizeof(addr));
	emit(r, ROUTER_EV_ROUTES, NULL, NULL, "%s/%u: %s -> %s", addr,
	    c->pfx.len, old, now);
}

static const uint8_t *
lookup(const struct kr_prefix *p, void *arg)
{
	struct rib_prefix	rp;

	if (!rib_prefix_set(&rp, p->family == AF_INET6 ? AF_INET6 : AF_INET,
	    &p->addr6, p->len))
		return NULL;
	return rib_user(((struct router *)arg)->rib, &rp);
}

static size_t
walk(size_t from, size_t n, rib_walk_user_fn fn, void *fn_arg, void *arg)
{
	return rib_walk_user_part(((struct router *)arg)->rib, from, n, fn,
	    fn_arg);
}

static void
on_kernel_event(const char *text, void *arg)
{
	emit(arg, ROUTER_EV_KERNEL, NULL, NULL, "%s", text);
}

static void
converge(struct router *r, const char *why)
{
	if (r->converged)
		return;
	r->converged = true;
	ev_timer_stop(r->loop, &r->t_converge);
	log_info("routes converged (%s)", why);
	fib_converged(r->fib);
	sess_engine_set_restarting(r->sess, false);
}

/* Every enabled session established and done with its first burst? */
static void
check_converged(struct router *r)
{
	struct sess_info	 si;
	struct peer		*p;
	uint64_t		 now = clock_mono_ms();
	size_t			 i;

	if (r->converged)
		return;
	for (i = 0; (p = sess_peer_at(r->sess, i)) != NULL; i++) {
		sess_peer_info(p, &si);
		if (si.admin_down)
			continue;
		if (si.state != FSM_ESTABLISHED)
			return;
		if (!r->eor[si.slot] && now - r->last_update_ms[si.slot] <
		    ROUTER_QUIET_S * 1000)
			return;
	}
	converge(r, "all sessions established");
}

static void
on_converge_timeout(struct ev_loop *loop, ev_timer *w, int revents)
{
	converge(w->data, "start-up timeout");
}

/* A session that sent End-of-RIB, or no UPDATE for ROUTER_QUIET_S, has
 * sent its routes: its tunnel's group may point at it again. */
static void
check_synced(struct router *r)
{
	struct sess_info	 si;
	struct peer		*p;
	uint64_t		 now = clock_mono_ms();
	size_t			 i;

	for (i = 0; (p = sess_peer_at(r->sess, i)) != NULL; i++) {
		sess_peer_info(p, &si);
		if (si.state != FSM_ESTABLISHED || r->synced[si.slot] ||
		    (!r->eor[si.slot] && now - r->last_update_ms[si.slot] <
		    ROUTER_QUIET_S * 1000))
			continue;
		r->synced[si.slot] = true;
		fib_tunnel_synced(r->fib, si.slot);
	}
}

static void
on_quiet(struct ev_loop *loop, ev_timer *w, int revents)
{
	check_converged(w->data);
	check_synced(w->data);
}

static void
on_update(struct peer *p, const struct msg_update *u, void *arg)
{
	struct router	*r = arg;
	struct sess_info si;

	sess_peer_info(p, &si);
	r->last_update_ms[si.slot] = clock_mono_ms();
	if (si.af == AF_INET6 ? u->end_of_rib6 : u->end_of_rib) {
		r->eor[si.slot] = true;
		gr_end_of_rib(r->gr, si.slot, si.name);
		log_peer_info(si.name, "End-of-RIB: %u prefixes, %u accepted",
		    rib_peer_stats(r->rib, si.slot)->received,
		    rib_peer_stats(r->rib, si.slot)->accepted);
		check_converged(r);
		check_synced(r);
		return;
	}
	if (rib_update(r->rib, si.slot, u, r->last_update_ms[si.slot]) >
	    r->max_prefix)
		sess_peer_max_prefix(p, r->max_prefix,
		    r->max_prefix_restart_ms);
}

static void
on_state(struct peer *p, enum fsm_state old, void *arg)
{
	struct router	*r = arg;
	struct sess_info si;
	uint64_t	 us;
	const char	*to;

	if (r->stopping)
		return;
	sess_peer_info(p, &si);
	emit(r, ROUTER_EV_STATE, si.name, si.conf->ifname, "%s -> %s%s%s",
	    fsm_state_name(old), fsm_state_name(si.state),
	    si.state == FSM_IDLE && si.stats->last_error[0] ? ": " : "",
	    si.state == FSM_IDLE ? si.stats->last_error : "");
	if (si.state == FSM_ESTABLISHED) {
		r->eor[si.slot] = false;
		r->synced[si.slot] = false;
		r->last_update_ms[si.slot] = clock_mono_ms();
		fib_tunnel_up(r->fib, si.slot);
		gr_session_up(r->gr, si.slot, si.name, si.af, &si.peer_caps);
		steer_update(r);
		return;
	}
	if (old != FSM_ESTABLISHED)
		return;
	if (si.last_down == SESS_DOWN_HOLD || si.last_down == SESS_DOWN_PROBE)
		r->silent |= (uint8_t)(1U << si.slot);
	steer_update(r);
	/* the kernel first (a prefix the other tunnel lacks stays on this
	 * tunnel's nexthop), then the RIB decides what stays */
	if ((us = fib_tunnel_down(r->fib, si.slot)) > 0)
		emit(r, ROUTER_EV_FAILOVER, si.name, si.conf->ifname,
		    "traffic of %s moved to %s: one group rewrite, %llu us",
		    si.conf->ifname, (to = fib_points_at(r->fib, si.slot)) !=
		    NULL ? to : "another tunnel", (unsigned long long)us);
	gr_session_down(r->gr, si.slot, si.name, si.graceful_down &&
	    fib_link_up(r->fib, si.slot), si.gr_restart_s);
}

/* The neighbor on tunnel slot (and its view), or NULL. */
static struct peer *
peer_of_slot(const struct router *r, unsigned slot, struct sess_info *si)
{
	struct peer	*p;
	size_t		 i;

	for (i = 0; (p = sess_peer_at(r->sess, i)) != NULL; i++) {
		sess_peer_info(p, si);
		if (si->slot == slot)
			return p;
	}
	return NULL;
}

static void
on_link(unsigned slot, bool up, void *arg)
{
	struct router	*r = arg;
	struct sess_info si;
	struct peer	*p;

	if ((p = peer_of_slot(r, slot, &si)) == NULL)
		return;
	emit(r, ROUTER_EV_LINK, si.name, si.conf->ifname,
	    "tunnel interface %s %s", si.conf->ifname,
	    up ? "up" : "down (carrier or admin): the kernel moved "
	    "its routes to the standbys");
	if (!up)
		gr_forwarding_lost(r->gr, slot, si.name, "tunnel interface "
		    "down");
	sess_peer_link(p, up);
}

static void
on_addr(unsigned slot, struct in_addr addr, bool added, void *arg)
{
	struct router	*r = arg;
	struct sess_info si;
	struct peer	*p;

	if ((p = peer_of_slot(r, slot, &si)) != NULL)
		sess_peer_addr(p, addr, added);
}

static void
on_addr6(unsigned slot, const struct in6_addr *addr, bool added, void *arg)
{
	struct router	*r = arg;
	struct sess_info si;
	struct peer	*p;

	if ((p = peer_of_slot(r, slot, &si)) != NULL)
		sess_peer_addr6(p, addr, added);
}

/* ---- return steering ---------------------------------------------------- */

unsigned
router_steer_stable_s(const struct router *r, unsigned slot)
{
	struct sess_info	 si;
	unsigned		 s = ROUTER_STEER_MIN_STABLE_S;

	if (peer_of_slot(r, slot, &si) != NULL &&
	    si.hold_negotiated > s)
		s = si.hold_negotiated;
	return s;
}

/*
 * Which tunnels still need their return traffic steered away, and the
 * halves on or off on each session of the same family accordingly.
 */
static void
steer_update(struct router *r)
{
	struct sess_info	 si;
	struct peer		*p;
	uint64_t		 now = clock_mono_ms();
	uint8_t			 before = r->silent, v4 = 0, v6 = 0;
	size_t			 i;
	bool			 on, waiting = false;

	if (!r->return_steering || r->stopping)
		r->silent = 0;
	for (i = 0; (p = sess_peer_at(r->sess, i)) != NULL; i++) {
		sess_peer_info(p, &si);
		if (!(r->silent & (1U << si.slot)))
			continue;
		if (si.state == FSM_ESTABLISHED && now -
		    si.stats->established_ms >=
		    router_steer_stable_s(r, si.slot) * 1000ULL) {
			r->silent &= (uint8_t)~(1U << si.slot);
			emit(r, ROUTER_EV_STEER, si.name, si.conf->ifname,
			    "tunnel %s stable again: return steering ends",
			    si.conf->ifname);
		} else
			waiting = true;
	}
	/* the tunnels of each family: a silent failure steers the return
	 * traffic of its own family's networks only (the halves of the
	 * other family would stay on a tunnel that may fail next) */
	for (i = 0; (p = sess_peer_at(r->sess, i)) != NULL; i++) {
		sess_peer_info(p, &si);
		if (si.af == AF_INET6)
			v6 |= (uint8_t)(1U << si.slot);
		else
			v4 |= (uint8_t)(1U << si.slot);
	}
	for (i = 0; (p = sess_peer_at(r->sess, i)) != NULL; i++) {
		sess_peer_info(p, &si);
		on = (r->silent & (si.af == AF_INET6 ? v6 : v4)) != 0 &&
		    !(r->silent & (1U << si.slot));
		if (on != si.steering) {
			sess_peer_steer(p, on);
			if (on)
				emit(r, ROUTER_EV_STEER, si.name,
				    si.conf->ifname, "return steering: halves "
				    "of our networks announced on %s",
				    si.conf->ifname);
		}
	}
	if (waiting && !ev_is_active(&r->t_steer))
		ev_timer_start(r->loop, &r->t_steer);
	else if (!waiting && before != 0)
		ev_timer_stop(r->loop, &r->t_steer);
}

static void
on_steer_check(struct ev_loop *loop, ev_timer *w, int revents)
{
	steer_update(w->data);
}

uint8_t
router_steering(const struct router *r)
{
	return r->silent;
}

/* ---- liveness probes ------------------------------------------------------ */

static void
on_probe(struct probe *pr, bool alive, void *arg)
{
	struct router	*r = arg;
	struct sess_info si;
	struct peer	*p;
	unsigned	 slot;

	for (slot = 0; slot < SESS_MAX_PEERS; slot++)
		if (r->probe[slot] == pr)
			break;
	if (slot == SESS_MAX_PEERS ||
	    (p = peer_of_slot(r, slot, &si)) == NULL)
		return;
	emit(r, ROUTER_EV_PROBE, si.name, si.conf->ifname, "%s", alive ?
	    "probes answered again: tunnel alive" :
	    "probes lost: tunnel dead, session down");
	if (!alive)
		gr_forwarding_lost(r->gr, slot, si.name, "liveness probes "
		    "lost");
	sess_peer_probe(p, alive);
}

static bool
same_probe(const struct conf_neighbor *a, const struct conf_neighbor *b)
{
	return a->probe.enabled == b->probe.enabled &&
	    a->probe.interval_ms == b->probe.interval_ms &&
	    a->probe.misses == b->probe.misses &&
	    a->af == b->af && (a->af == AF_INET6 ?
	    IN6_ARE_ADDR_EQUAL(&a->addr6, &b->addr6) &&
	    IN6_ARE_ADDR_EQUAL(&a->local_addr6, &b->local_addr6) :
	    a->addr.s_addr == b->addr.s_addr &&
	    a->local_addr.s_addr == b->local_addr.s_addr) &&
	    a->has_local_addr == b->has_local_addr &&
	    strcmp(a->ifname, b->ifname) == 0;
}

/* A prober for each neighbor that wants one; unchanged ones stay. */
static void
sync_probe(struct router *r, unsigned slot, const struct conf_neighbor *n)
{
	struct in_addr	src = { INADDR_ANY };
	struct peer	*p;
	struct sess_info si;
	char		 who[16 + INET6_ADDRSTRLEN], addr[INET6_ADDRSTRLEN];

	if (n != NULL && r->probe[slot] != NULL &&
	    same_probe(n, &r->probe_conf[slot]))
		return;
	if (r->probe[slot] != NULL) {
		probe_free(r->probe[slot]);
		r->probe[slot] = NULL;
		/* a dead verdict of the old prober no longer holds */
		if ((p = peer_of_slot(r, slot, &si)) != NULL)
			sess_peer_probe(p, true);
	}
	if (n == NULL || !n->probe.enabled)
		return;
	r->probe_conf[slot] = *n;
	snprintf(who, sizeof(who), "neighbor %s",
	    conf_neighbor_str(n, false, addr, sizeof(addr)));
	if (n->af == AF_INET6)
		r->probe[slot] = probe_new6(r->loop, who, n->ifname,
		    &n->addr6, n->has_local_addr ? &n->local_addr6 : NULL,
		    n->probe.interval_ms, n->probe.misses, on_probe, r);
	else {
		if (n->has_local_addr)
			src = n->local_addr;
		r->probe[slot] = probe_new(r->loop, who, n->ifname,
		    n->addr, src, n->probe.interval_ms, n->probe.misses,
		    on_probe, r);
	}
	if (r->started)
		probe_start(r->probe[slot]);
}

struct probe *
router_probe(struct router *r, unsigned slot)
{
	return slot < SESS_MAX_PEERS ? r->probe[slot] : NULL;
}

/* Tell the RIB, the kernel and the probes about every neighbor's slot. */
static void
sync_tunnels(struct router *r, const struct conf *c)
{
	struct sess_info	 si;
	struct peer		*p;
	unsigned		 used = 0, slot;
	size_t			 i;

	r->return_steering = c->return_steering;
	for (i = 0; (p = sess_peer_at(r->sess, i)) != NULL; i++) {
		sess_peer_info(p, &si);
		used |= 1U << si.slot;
		if (si.conf->af == AF_INET6)
			rib_peer_set6(r->rib, si.slot, &si.conf->addr6,
			    si.conf->preference);
		else
			rib_peer_set(r->rib, si.slot, si.conf->addr,
			    si.conf->preference);
		fib_tunnel_set(r->fib, si.slot, si.conf);
		sync_probe(r, si.slot, si.conf);
	}
	for (slot = 0; slot < SESS_MAX_PEERS; slot++)
		if (!(used & (1U << slot))) {
			fib_tunnel_clear(r->fib, slot);
			sync_probe(r, slot, NULL);
			r->silent &= (uint8_t)~(1U << slot);
		}
	steer_update(r);
}

/*
 * Before the loop waits, after kr has sent what it may (this watcher has
 * the lowest priority): pause or resume reading by the kernel backlog.
 */
static void
on_pace(struct ev_loop *loop, ev_prepare *w, int revents)
{
	struct router	*r = w->data;
	size_t		 n = fib_pending(r->fib);

	if (r->pace_read) {
		r->pace_read = false;
		return;
	}
	if (!ev_is_active(&r->t_pace) && n > PACE_HIGH) {
		sess_engine_pause(r->sess, true);
		ev_timer_set(&r->t_pace, PACE_MAX_S, 0.);
		ev_timer_start(loop, &r->t_pace);
	} else if (ev_is_active(&r->t_pace) && n < PACE_LOW) {
		ev_timer_stop(loop, &r->t_pace);
		sess_engine_pause(r->sess, false);
	}
}

/* Paused for PACE_MAX_S: the sessions read once, whatever the backlog. */
static void
on_pace_timeout(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct router	*r = w->data;

	sess_engine_pause(r->sess, false);
	r->pace_read = true;
}

static void
pace_stop(struct router *r)
{
	ev_prepare_stop(r->loop, &r->pace);
	ev_timer_stop(r->loop, &r->t_pace);
	sess_engine_pause(r->sess, false);
}

struct router *
router_new(struct ev_loop *loop, const struct conf *c)
{
	struct sess_hooks	 hooks = { on_state, on_update, NULL };
	struct router		*r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		fatal("calloc");
	r->loop = loop;
	r->max_prefix = c->import.max_prefix;
	r->max_prefix_restart_ms = c->import.max_prefix_restart_ms;
	hooks.arg = r;
	r->rib = rib_new(c, on_rib_change, r);
	r->gr = gr_new(loop, r->rib, c->stalepath_s);
	r->fib = fib_new(loop, c);
	fib_set_lookup(r->fib, lookup, walk, r);
	fib_set_events(r->fib, on_kernel_event, r);
	fib_set_addr(r->fib, on_addr, on_addr6, r);
	r->sess = sess_engine_new(loop, c, BGP_PORT, &hooks);
	ev_timer_init(&r->t_steer, on_steer_check, 1., 1.);
	r->t_steer.data = r;
	sync_tunnels(r, c);
	ev_timer_init(&r->t_converge, on_converge_timeout,
	    ROUTER_CONVERGE_TIMEOUT_S, 0.);
	ev_timer_init(&r->t_quiet, on_quiet, 1., 1.);
	r->t_converge.data = r->t_quiet.data = r;
	ev_prepare_init(&r->pace, on_pace);
	ev_set_priority(&r->pace, EV_MINPRI);
	ev_timer_init(&r->t_pace, on_pace_timeout, PACE_MAX_S, 0.);
	r->pace.data = r->t_pace.data = r;
	return r;
}

int
router_start(struct router *r)
{
	size_t	i;

	if (fib_start(r->fib, on_link, r) == -1)
		return -1;
	sess_engine_set_restarting(r->sess, fib_restarted(r->fib));
	if (sess_engine_start(r->sess) == -1)
		return -1;
	ev_timer_start(r->loop, &r->t_converge);
	ev_timer_start(r->loop, &r->t_quiet);
	ev_prepare_start(r->loop, &r->pace);
	r->started = true;
	for (i = 0; i < SESS_MAX_PEERS; i++)
		if (r->probe[i] != NULL)
			probe_start(r->probe[i]);
	return 0;
}

void
router_reconfigure(struct router *r, const struct conf *c)
{
	r->max_prefix = c->import.max_prefix;
	r->max_prefix_restart_ms = c->import.max_prefix_restart_ms;
	gr_set_stalepath(r->gr, c->stalepath_s);
	(void)fib_reconfigure(r->fib, c);
	rib_set_policy(r->rib, c);
	sess_engine_reconfigure(r->sess, c);
	sync_tunnels(r, c);
}

void
router_stop(struct router *r, const char *reason, bool keep_routes)
{
	size_t	i;

	ev_timer_stop(r->loop, &r->t_converge);
	ev_timer_stop(r->loop, &r->t_quiet);
	gr_stop(r->gr);
	for (i = 0; i < SESS_MAX_PEERS; i++) {
		probe_free(r->probe[i]);
		r->probe[i] = NULL;
	}
	ev_timer_stop(r->loop, &r->t_steer);
	pace_stop(r);
	r->stopping = true;
	sess_engine_stop(r->sess, reason);
	fib_shutdown(r->fib, keep_routes);
}

void
router_free(struct router *r)
{
	size_t	i;

	if (r == NULL)
		return;
	for (i = 0; i < SESS_MAX_PEERS; i++)
		probe_free(r->probe[i]);
	ev_timer_stop(r->loop, &r->t_steer);
	pace_stop(r);
	sess_engine_free(r->sess);
	fib_free(r->fib);
	gr_free(r->gr);
	rib_free(r->rib);
	free(r);
}

struct sess_engine *
router_sessions(struct router *r)
{
	return r->sess;
}

struct rib *
router_rib(struct router *r)
{
	return r->rib;
}

struct fib *
router_fib(struct router *r)
{
	return r->fib;
}
