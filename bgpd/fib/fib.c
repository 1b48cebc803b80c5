/* SPDX-License-Identifier: ISC */
/*
 * fib.c: RIB changes to kernel routes on nexthop objects (see fib.h for
 * the scheme of primary and standby routes and the one-message failover):
 * setup, the kernel's hooks (links, addresses, routes and nexthops lost,
 * errors), the tunnels, start, reload and exit, and what show and
 * metrics read.  The routes themselves: fib_route.c; a silent failure:
 * fib_failover.c; the way back: fib_home.c; a carrier loss:
 * fib_carrier.c; start-up: fib_startup.c; reading the kernel back:
 * fib_check.c.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd/fib/fib_impl.h"

#define SHUTDOWN_WAIT_S	5.

void
fib_event(struct fib *f, const char *fmt, ...)
{
	char	text[512];
	va_list	ap;

	if (f->event == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	f->event(text, f->event_arg);
}

void
fib_tunnel_nexthop(struct fib *f, unsigned i)
{
	if (f->t[i].af == AF_INET6)
		kr_nexthop6(f->kr, NH_ID(i), f->t[i].ifname, &f->t[i].gw6);
	else
		kr_nexthop(f->kr, NH_ID(i), f->t[i].ifname, f->t[i].gw);
}

void
fib_set_addr(struct fib *f, void (*fn)(unsigned, struct in_addr, bool,
    void *), void (*fn6)(unsigned, const struct in6_addr *, bool, void *),
    void *arg)
{
	f->addr_fn = fn;
	f->addr6_fn = fn6;
	f->addr_arg = arg;
}

void
fib_set_events(struct fib *f, void (*fn)(const char *, void *), void *arg)
{
	f->event = fn;
	f->event_arg = arg;
}

static void
on_link(const char *ifname, bool up, void *arg)
{
	struct fib	*f = arg;
	unsigned	 i;

	for (i = 0; i < RIB_MAX_PEERS; i++) {
		if (!f->t[i].configured || strcmp(f->t[i].ifname, ifname) != 0)
			continue;
		if (f->t[i].link_up == up)
			continue;
		f->t[i].link_up = up;
		log_info("tunnel %s: link %s", ifname, up ? "up" : "down");
		if (!up)
			fib_link_lost(f, i);
		else if (f->nexthops) {
			/* the kernel flushed them with the carrier; a group
			 * that pointed at another tunnel lived on */
			fib_tunnel_nexthop(f, i);
			if (f->members[1U << i] == 0)
				fib_point(f, (uint8_t)(1U << i),
				    (uint8_t)(1U << i));
			kr_flush(f->kr);
		}
		if (f->link_fn != NULL)
			f->link_fn(i, up, f->link_arg);
	}
}

/* An address came or went on a tunnel interface. */
static void
on_addr(const char *ifname, struct in_addr addr, uint8_t plen, bool added,
    void *arg)
{
	struct fib	*f = arg;
	unsigned	 i;

	for (i = 0; i < RIB_MAX_PEERS; i++)
		if (f->t[i].configured && strcmp(f->t[i].ifname, ifname) == 0 &&
		    f->addr_fn != NULL)
			f->addr_fn(i, addr, added, f->addr_arg);
}

/* An IPv6 address became usable or went on a tunnel interface. */
static void
on_addr6(const char *ifname, const struct in6_addr *addr, uint8_t plen,
    bool added, void *arg)
{
	struct fib	*f = arg;
	unsigned	 i;

	for (i = 0; i < RIB_MAX_PEERS; i++)
		if (f->t[i].configured && strcmp(f->t[i].ifname, ifname) == 0 &&
		    f->addr6_fn != NULL)
			f->addr6_fn(i, addr, added, f->addr_arg);
}

/* A route of ours deleted by someone else goes back if it should be. */
static void
on_route_lost(const struct kr_prefix *p, uint32_t metric, void *arg)
{
	struct fib	*f = arg;
	const uint8_t	*st = NULL;
	char		 addr[INET6_ADDRSTRLEN];
	bool		 ours;

	inet_ntop(p->family == AF_INET6 ? AF_INET6 : AF_INET, &p->addr6, addr,
	    sizeof(addr));
	if (f->lookup != NULL)
		st = f->lookup(p, f->lookup_arg);
	ours = st != NULL && ((metric == f->metric && st[PRI] != 0) ||
	    (metric == f->metric + 1 && sb_of(st) != 0));
	log_warnx("route %s/%u metric %u of ours was deleted by someone "
	    "else%s", addr, p->len, metric, ours ? ": putting it back" : "");
	if (ours) {
		fib_put_route(f, p, st, metric == f->metric);
		kr_flush(f->kr);
		fib_event(f, "route %s/%u metric %u deleted by someone else: "
		    "put back", addr, p->len, metric);
	}
}

/*
 * The kernel deleted a nexthop of ours: with a link, or a group left
 * empty by that (also one that a group rewrite of ours had not reached
 * yet when the carrier went: the routes on it are gone even if that
 * rewrite then makes the group again).
 */
static void
on_nexthop_lost(uint32_t id, void *arg)
{
	struct fib	*f = arg;
	uint8_t		 mask = 0;

	log_debug("nexthop %#x deleted by the kernel", id);
	if (!f->started || f->stopping)
		return;
	if (id >= GROUP_ID(0) && id < GROUP_ID(RIB_MAX_PEERS))
		mask = (uint8_t)(1U << (id - GROUP_ID(0)));
	else if (id > ECMP_ID(0) && id <= ECMP_ID(255))
		mask = (uint8_t)(id - ECMP_ID(0));
	if (mask == 0 || f->members[mask] == 0)
		return;
	f->members[mask] = 0;
	fib_routes_lost(f);
	if ((mask & (mask - 1)) == 0 && !f->t[lowest_bit(mask)].link_up)
		fib_rebuild(f, lowest_bit(mask));
}

static void
on_error(const char *what, int err, void *arg)
{
	struct fib	*f = arg;

	/* Deleting what the kernel already flushed is not an error. */
	if (err == ESRCH || err == ENOENT)
		return;
	f->stats.errors++;
	log_warnx("kernel: %s: %s", what, strerror(err));
	fib_event(f, "kernel refused %s: %s", what, strerror(err));
	/* Lost notifications may hide routes of ours deleted by others:
	 * install every route again (replace is harmless where it is). */
	if (err == ENOBUFS) {
		log_warnx("kernel: installing every route again");
		fib_reinstall(f);
	}
}

/* IPv6 in the kernel when a neighbor is IPv6 (IPv4-only setups see no
 * IPv6 routes, dumps or events, as before). */
static bool
has_inet6(const struct conf *c)
{
	size_t	i;

	for (i = 0; i < c->n_neighbors; i++)
		if (c->neighbors[i].af == AF_INET6)
			return true;
	return false;
}

struct fib *
fib_new(struct ev_loop *loop, const struct conf *c)
{
	struct kr_hooks	 hooks = { .link = on_link, .addr = on_addr,
			    .addr6 = on_addr6,
			    .route_lost = on_route_lost,
			    .nexthop_lost = on_nexthop_lost,
			    .error = on_error };
	struct fib	*f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		fatal("calloc");
	f->loop = loop;
	f->kc.table = c->kernel.table;
	f->kc.protocol = c->kernel.protocol;
	f->kc.compat_keep = c->kernel.nexthop_compat == CONF_COMPAT_KEEP;
	f->kc.no_nexthops = getenv("VTIBGPD_NO_NEXTHOPS") != NULL;
	f->kc.inet6 = has_inet6(c);
	f->metric = c->kernel.metric;
	f->ecmp = c->kernel.ecmp;
	f->defer_sb = true;
	ev_timer_init(&f->t_sweep, fib_on_sweep, 0.002, 0.002);
	f->t_sweep.data = f;
	ev_timer_init(&f->t_home, fib_on_home, 0., HOME_SETTLE_S);
	f->t_home.data = f;
	hooks.arg = f;
	f->kr = kr_new(loop, &f->kc, &hooks);
	return f;
}

void
fib_free(struct fib *f)
{
	if (f == NULL)
		return;
	ev_timer_stop(f->loop, &f->t_sweep);
	ev_timer_stop(f->loop, &f->t_home);
	kr_free(f->kr);
	free(f->stale);
	free(f);
}

void
fib_set_lookup(struct fib *f, const uint8_t *(*lookup)(const struct kr_prefix *,
    void *), size_t (*walk)(size_t, size_t, rib_walk_user_fn, void *, void *),
    void *arg)
{
	f->lookup = lookup;
	f->walk = walk;
	f->lookup_arg = arg;
}

void
fib_tunnel_set(struct fib *f, unsigned slot, const struct conf_neighbor *n)
{
	struct fib_tunnel	*t = &f->t[slot];
	const char		*ifname = n->ifname;
	bool			 changed, reorder;

	changed = !t->configured || strcmp(t->ifname, ifname) != 0 ||
	    t->af != n->af || (n->af == AF_INET6 ?
	    !IN6_ARE_ADDR_EQUAL(&t->gw6, &n->addr6) :
	    t->gw.s_addr != n->addr.s_addr);
	reorder = t->configured && t->preference != n->preference;
	t->configured = true;
	snprintf(t->ifname, sizeof(t->ifname), "%s", ifname);
	t->af = n->af;
	memset(&t->gw, 0, sizeof(t->gw));
	memset(&t->gw6, 0, sizeof(t->gw6));
	if (n->af == AF_INET6)
		t->gw6 = n->addr6;
	else
		t->gw = n->addr;
	t->preference = n->preference;
	if (reorder && f->started)
		fib_reorder(f);
	if (!changed || !f->started)
		return;
	t->link_up = false;
	if (kr_watch_link(f->kr, ifname))
		on_link(ifname, true, f);
}

void
fib_tunnel_clear(struct fib *f, unsigned slot)
{
	memset(&f->t[slot], 0, sizeof(f->t[slot]));
}

int
fib_start(struct fib *f, void (*link)(unsigned, bool, void *), void *arg)
{
	unsigned	i;

	f->link_fn = link;
	f->link_arg = arg;
	if (kr_start(f->kr) == -1)
		return -1;
	f->started = true;
	f->nexthops = kr_has_nexthops(f->kr);
	fib_stale_load(f);
	for (i = 0; i < RIB_MAX_PEERS; i++)
		if (f->t[i].configured && kr_watch_link(f->kr, f->t[i].ifname))
			on_link(f->t[i].ifname, true, f);
	kr_flush(f->kr);
	return 0;
}

int
fib_reconfigure(struct fib *f, const struct conf *c)
{
	bool	inet6_later = has_inet6(c) && !f->kc.inet6;

	if (inet6_later)
		log_warnx("reload: the first IPv6 neighbor: its routes go "
		    "into the kernel from the next start of vtibgpd (IPv6 "
		    "kernel routes are set up at start)");
	if (c->kernel.table == f->kc.table &&
	    c->kernel.protocol == f->kc.protocol &&
	    c->kernel.metric == f->metric && c->kernel.ecmp == f->ecmp)
		return inet6_later ? -1 : 0;
	log_warnx("reload: changes to the kernel block take effect at the "
	    "next start of vtibgpd");
	return -1;
}

static void
delete_route(const struct kr_prefix *p, uint32_t metric, uint32_t nhid,
    void *arg)
{
	kr_route_del(((struct fib *)arg)->kr, p, metric);
}

static void
delete_nexthop(uint32_t id, bool group, void *arg)
{
	struct fib	*f = arg;

	/* groups first: a nexthop in use by a group cannot go */
	if (group)
		kr_nexthop_del(f->kr, id);
}

static void
delete_plain_nexthop(uint32_t id, bool group, void *arg)
{
	struct fib	*f = arg;

	if (!group)
		kr_nexthop_del(f->kr, id);
}

/* Wakes the loop while fib_shutdown waits for the kernel. */
static void
on_wake(struct ev_loop *loop, ev_timer *w, int revents)
{
}

/* Run the loop until the kernel answered everything or deadline. */
static void
kernel_wait(struct fib *f, ev_tstamp deadline)
{
	ev_timer	wake;

	kr_flush(f->kr);
	ev_timer_init(&wake, on_wake, 0.1, 0.1);
	ev_timer_start(f->loop, &wake);
	while (kr_pending(f->kr) > 0 && ev_time() < deadline)
		ev_run(f->loop, EVRUN_ONCE);
	ev_timer_stop(f->loop, &wake);
}

/*
 * Without keep, the groups go first and then the nexthops: the kernel
 * removes the routes on them itself (about 0.3 s for a million, with no
 * request per route queued here); then whatever route of ours is left
 * (plain routes) is deleted one by one.
 */
void
fib_shutdown(struct fib *f, bool keep)
{
	ev_tstamp	deadline = ev_time() + SHUTDOWN_WAIT_S;

	if (!f->started)
		return;
	ev_timer_stop(f->loop, &f->t_sweep);
	f->lookup = NULL;	/* nothing is put back any more */
	f->stopping = true;
	if (!keep) {
		log_info("removing our routes from the kernel");
		if (f->nexthops) {
			(void)kr_dump_nexthops(f->kr, delete_nexthop, f);
			kernel_wait(f, deadline);
			(void)kr_dump_nexthops(f->kr, delete_plain_nexthop, f);
			kernel_wait(f, deadline);
		}
		(void)kr_dump_routes(f->kr, delete_route, f);
	} else
		log_info("keep-routes-on-exit: our routes stay in the kernel");
	kernel_wait(f, deadline);
	if (kr_pending(f->kr) > 0)
		log_warnx("the kernel did not answer %zu requests in time",
		    kr_pending(f->kr));
}

size_t
fib_pending(const struct fib *f)
{
	return f->kr != NULL ? kr_pending(f->kr) : 0;
}

void
fib_stats(const struct fib *f, struct fib_stats *st)
{
	*st = f->stats;
	st->nexthops = f->nexthops;
}

bool
fib_link_up(const struct fib *f, unsigned slot)
{
	return slot < RIB_MAX_PEERS && f->t[slot].link_up;
}

uint32_t
fib_metric(const struct fib *f)
{
	return f->metric;
}

/* The group of a tunnel mask (0 with plain routes). */
static uint32_t
group_id(const struct fib *f, uint8_t mask)
{
	if (!f->nexthops || mask == 0)
		return 0;
	if (f->ecmp && (mask & (mask - 1)) != 0)
		return ECMP_ID(mask);
	return GROUP_ID(lowest_bit(mask));
}

void
fib_routes_of(const struct fib *f, const uint8_t user[RIB_USER_BYTES],
    struct fib_route *primary, struct fib_route *standby)
{
	struct spot	pri = { user[PRI], pinned(user) };
	uint8_t		sb = sb_of(user);

	memset(primary, 0, sizeof(*primary));
	memset(standby, 0, sizeof(*standby));
	if (pri.mask != 0) {
		primary->present = true;
		primary->tunnel_nexthop = pri.pin;
		primary->nhid = pri.pin ? NH_ID(lowest_bit(pri.mask)) :
		    group_id(f, pri.mask);
		primary->forwards = fib_spot_at(f, pri);
	}
	if (sb != 0) {
		standby->present = true;
		standby->nhid = group_id(f, sb);
		standby->forwards = fib_resolve(f, sb);
	}
}

uint32_t
fib_nexthop(const struct fib *f, unsigned slot, const char **ifname,
    char gw[INET6_ADDRSTRLEN])
{
	*ifname = f->t[slot].ifname;
	inet_ntop(f->t[slot].af == AF_INET6 ? AF_INET6 : AF_INET,
	    f->t[slot].af == AF_INET6 ? (const void *)&f->t[slot].gw6 :
	    (const void *)&f->t[slot].gw, gw, INET6_ADDRSTRLEN);
	return f->nexthops ? NH_ID(slot) : 0;
}

bool
fib_restarted(const struct fib *f)
{
	return f->n_stale > 0;
}
