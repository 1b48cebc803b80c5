/*
 * fib.c: RIB changes to kernel routes on nexthop objects (see fib.h for
 * the scheme of primary and standby routes and the one-message failover).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd/fib/fib.h"
#include "lib/clock.h"
#include "lib/log.h"

#define NH_ID(i)	(KR_NHID_BASE + 0x001U + (i))	/* tunnel nexthop */
#define GROUP_ID(i)	(KR_NHID_BASE + 0x100U + (i))	/* tunnel group */
#define ECMP_ID(mask)	(KR_NHID_BASE + 0x200U + (mask))	/* several */
#define SHUTDOWN_WAIT_S	5.

/*
 * Each prefix keeps, in the two bytes the RIB holds for us, where its
 * routes are: [PRI] the primary's group as a tunnel mask (one bit: G(i);
 * several: an ECMP group; 0: no route), and [SB] the standby's tunnel
 * (SB_TUNNEL: its index + 1, 0: no standby; it is on G(i)), with
 * SB_PINNED when the primary is not on G(i) but on NH(i) itself (see
 * "pinned" below).  members[mask] is where a group forwards now.  Without
 * ECMP a route stays where it is as long as it forwards where the RIB
 * wants:
 * - after a silent failure of tunnel i, G(i) points at the survivor: the
 *   primaries stay on G(i), the standbys on the survivor's group stay
 *   too (they forward the same way);
 * - after a carrier loss of tunnel i the kernel took G(i) and the
 *   primaries on it: the standbys forward, and stay; G(i) is made again
 *   pointing at the survivor and the sweep puts the primaries back on
 *   it (so the way back is the same as after a silent failure);
 * - when tunnel i is back, its prefixes come back to G(i) while G(i)
 *   still points at the survivor; once every route on G(i) wants tunnel
 *   i again (or tunnel i has sent all its routes, and the routes it did
 *   not send again were moved one by one), G(i) points at NH(i): one
 *   message moves them all back.
 * mismatch[i] counts the routes on G(i) that want another tunnel, on[i]
 * all routes on G(i).  "Every route" is relaxed to "all but a few, and
 * nothing came for HOME_SETTLE_S": a peer may hold back its last UPDATE
 * for a while (BIRD 2 in the lab: up to 3 s), and moving a few routes
 * one by one costs less than keeping all the others away from their
 * tunnel meanwhile.
 *
 * Pinned: a group is never made to send a prefix to a tunnel that has no
 * path for it (the RIB's best and standby tunnels are those that have).
 * Before G(i) is rewritten to tunnel j, the primaries on it whose prefix
 * j has no path for are put on the nexthop G(i) forwards to now, one by
 * one (lacks[i][j] counts them, so that the common case, where j has
 * every prefix, costs no walk): the rewrite changes nothing for them, and
 * the RIB's next word decides (withdrawn, moved to another tunnel, or
 * kept: a stale path of a restarting peer keeps forwarding into its own
 * tunnel, RFC 4724).  Likewise a prefix that wants tunnel i while G(i)
 * points at a tunnel without a path for it goes on NH(i).  Pinned
 * primaries go back on G(i) once it points at tunnel i again.
 */
#define PRI		0
#define SB		1
#define SB_TUNNEL	0x0f
#define SB_PINNED	0x10
#define BIT(i)		((uint8_t)(1U << (i)))

struct fib_tunnel {
	bool		configured;
	bool		link_up;
	bool		alive;		/* session established */
	char		ifname[IF_NAMESIZE];
	struct in_addr	gw;
};

/* The way back with a few stragglers: see "routes" below. */
#define HOME_FEW_SHARE	64	/* at most 1 in 64 of the routes on G(i) */
#define HOME_FEW_MAX	1024	/* and at most this many */
#define HOME_SETTLE_S	0.05	/* after the last change */

/* A route of an earlier run, removed at convergence unless learned. */
struct stale {
	struct kr_prefix	pfx;
	uint32_t		metric;
	bool			relearned;
};

struct fib {
	struct ev_loop		*loop;
	struct kr		*kr;
	struct kr_conf		 kc;
	uint32_t		 metric;
	bool			 ecmp;
	bool			 nexthops;
	struct fib_tunnel	 t[RIB_MAX_PEERS];
	uint8_t			 members[256];	/* each group's tunnels, as
						   the kernel has them now */
	uint32_t		 mismatch[RIB_MAX_PEERS];
	uint32_t		 on[RIB_MAX_PEERS];	/* routes on G(i) */
	uint32_t		 pinned[RIB_MAX_PEERS];	/* primaries on
							   NH(i) */
	uint32_t		 lacks[RIB_MAX_PEERS][RIB_MAX_PEERS];
				/* primaries on G(i) whose prefix has no
				   path on tunnel j */
	uint8_t			 homing;	/* groups going home */
	uint8_t			 synced;	/* tunnels done with their
						   first UPDATEs */
	size_t			(*walk)(size_t, size_t, rib_walk_user_fn,
				    void *, void *);
				/* the RIB's prefixes with their state */
	bool			 defer_sb;	/* standbys wait (start-up) */
	bool			 sweeping;	/* ... for the sweep */
	size_t			 sb_missing;	/* prefixes without theirs */
	size_t			 sb_next;	/* where the sweep goes on */
	uint64_t		 sb_start_us;
	uint64_t		 sb_placed;	/* by the sweep */
	uint64_t		 sb_pass;	/* sb_placed when a pass began */
	uint64_t		 sb_reported;	/* sb_placed when last logged */
	uint8_t			 restore;	/* groups getting primaries back
						   (after a carrier loss) */
	uint8_t			 reput;		/* groups whose routes are
						   written again, to be sure */
	uint64_t		 restored;
	ev_timer		 t_sweep;
	ev_timer		 t_home;	/* all but a few are back */
	struct stale		*stale;
	size_t			 n_stale;
	size_t			 cap_stale;
	bool			 started;
	bool			 stopping;
	bool			 converged;
	struct fib_stats	 stats;
	void			(*link_fn)(unsigned, bool, void *);
	void			*link_arg;
	const uint8_t		*(*lookup)(const struct kr_prefix *, void *);
	void			*lookup_arg;
	void			(*event)(const char *, void *);
	void			*event_arg;
	void			(*addr_fn)(unsigned, struct in_addr, bool,
				    void *);
	void			*addr_arg;
};

static void
fib_event(struct fib *f, const char *fmt, ...) VTB_PRINTF(2, 3);

static void
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
fib_set_addr(struct fib *f, void (*fn)(unsigned, struct in_addr, bool,
    void *), void *arg)
{
	f->addr_fn = fn;
	f->addr_arg = arg;
}

void
fib_set_events(struct fib *f, void (*fn)(const char *, void *), void *arg)
{
	f->event = fn;
	f->event_arg = arg;
}

static void	route_set(struct fib *, const struct kr_prefix *, uint32_t,
		    uint8_t);
static void	put_route(struct fib *, const struct kr_prefix *,
		    const uint8_t *, bool);
static uint8_t	sb_of(const uint8_t *);
static uint8_t	standby_mask(uint8_t);
static void	link_lost(struct fib *, unsigned);
static void	reinstall(struct fib *);
static void	point(struct fib *, uint8_t, uint8_t);
static void	on_sweep(struct ev_loop *, ev_timer *, int);
static void	on_home(struct ev_loop *, ev_timer *, int);
static void	routes_lost(struct fib *);
static void	rebuild(struct fib *, unsigned);

static unsigned
lowest_bit(uint8_t mask)
{
	return (unsigned)__builtin_ctz(mask);
}

/* ---- where a prefix's routes are (see "Each prefix keeps") -------------- */

/* The standby's tunnel as a mask (0: no standby). */
static uint8_t
sb_of(const uint8_t *st)
{
	return (st[SB] & SB_TUNNEL) == 0 ? 0 :
	    BIT((st[SB] & SB_TUNNEL) - 1);
}

static void
sb_put(uint8_t *st, uint8_t mask)
{
	st[SB] = (uint8_t)((st[SB] & SB_PINNED) |
	    (mask == 0 ? 0 : lowest_bit(mask) + 1));
}

/* The primary is on NH(lowest_bit(st[PRI])), not on its group. */
static bool
pinned(const uint8_t *st)
{
	return (st[SB] & SB_PINNED) != 0;
}

static void
pin_put(uint8_t *st, bool pin)
{
	st[SB] = (uint8_t)((st[SB] & SB_TUNNEL) | (pin ? SB_PINNED : 0));
}

/* ---- kernel hooks ------------------------------------------------------- */

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
			link_lost(f, i);
		else if (f->nexthops) {
			/* the kernel flushed them with the carrier; a group
			 * that pointed at another tunnel lived on */
			kr_nexthop(f->kr, NH_ID(i), ifname, f->t[i].gw);
			if (f->members[1U << i] == 0)
				point(f, (uint8_t)(1U << i),
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

/* A route of ours deleted by someone else goes back if it should be. */
static void
on_route_lost(const struct kr_prefix *p, uint32_t metric, void *arg)
{
	struct fib	*f = arg;
	const uint8_t	*st = NULL;
	char		 addr[INET_ADDRSTRLEN];
	bool		 ours;

	inet_ntop(AF_INET, &p->addr, addr, sizeof(addr));
	if (f->lookup != NULL)
		st = f->lookup(p, f->lookup_arg);
	ours = st != NULL && ((metric == f->metric && st[PRI] != 0) ||
	    (metric == f->metric + 1 && sb_of(st) != 0));
	log_warnx("route %s/%u metric %u of ours was deleted by someone "
	    "else%s", addr, p->len, metric, ours ? ": putting it back" : "");
	if (ours) {
		put_route(f, p, st, metric == f->metric);
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
	routes_lost(f);
	if ((mask & (mask - 1)) == 0 && !f->t[lowest_bit(mask)].link_up)
		rebuild(f, lowest_bit(mask));
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
		reinstall(f);
	}
}

/* ---- setup ---------------------------------------------------------------- */

struct fib *
fib_new(struct ev_loop *loop, const struct conf *c)
{
	struct kr_hooks	 hooks = { on_link, on_addr, on_route_lost,
			    on_nexthop_lost, on_error, NULL };
	struct fib	*f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		fatal("calloc");
	f->loop = loop;
	f->kc.table = c->kernel.table;
	f->kc.protocol = c->kernel.protocol;
	f->kc.compat_keep = c->kernel.nexthop_compat == CONF_COMPAT_KEEP;
	f->kc.no_nexthops = getenv("VTIBGPD_NO_NEXTHOPS") != NULL;
	f->metric = c->kernel.metric;
	f->ecmp = c->kernel.ecmp;
	f->defer_sb = true;
	ev_timer_init(&f->t_sweep, on_sweep, 0.002, 0.002);
	f->t_sweep.data = f;
	ev_timer_init(&f->t_home, on_home, 0., HOME_SETTLE_S);
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
fib_tunnel_set(struct fib *f, unsigned slot, const char *ifname,
    struct in_addr gw)
{
	struct fib_tunnel	*t = &f->t[slot];
	bool			 changed;

	changed = !t->configured || strcmp(t->ifname, ifname) != 0 ||
	    t->gw.s_addr != gw.s_addr;
	t->configured = true;
	snprintf(t->ifname, sizeof(t->ifname), "%s", ifname);
	t->gw = gw;
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

static void
stale_add(const struct kr_prefix *p, uint32_t metric, uint32_t nhid,
    void *arg)
{
	struct fib	*f = arg;

	if (f->n_stale == f->cap_stale) {
		f->cap_stale = f->cap_stale == 0 ? 1024 : f->cap_stale * 2;
		if ((f->stale = reallocarray(f->stale, f->cap_stale,
		    sizeof(*f->stale))) == NULL)
			fatal("reallocarray");
	}
	f->stale[f->n_stale].pfx = *p;
	f->stale[f->n_stale].metric = metric;
	f->stale[f->n_stale++].relearned = false;
}

static int
stale_cmp(const void *a, const void *b)
{
	const struct stale	*x = a, *y = b;
	uint32_t		 ax = ntohl(x->pfx.addr.s_addr);
	uint32_t		 ay = ntohl(y->pfx.addr.s_addr);

	if (ax != ay)
		return ax < ay ? -1 : 1;
	if (x->pfx.len != y->pfx.len)
		return x->pfx.len < y->pfx.len ? -1 : 1;
	if (x->metric != y->metric)
		return x->metric < y->metric ? -1 : 1;
	return 0;
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
	if (kr_dump_routes(f->kr, stale_add, f) == -1)
		log_warnx("cannot list routes left by an earlier run");
	if (f->n_stale > 0) {
		qsort(f->stale, f->n_stale, sizeof(*f->stale), stale_cmp);
		log_info("%zu routes of an earlier run keep forwarding until "
		    "the sessions have converged", f->n_stale);
	}
	for (i = 0; i < RIB_MAX_PEERS; i++)
		if (f->t[i].configured && kr_watch_link(f->kr, f->t[i].ifname))
			on_link(f->t[i].ifname, true, f);
	kr_flush(f->kr);
	return 0;
}

int
fib_reconfigure(struct fib *f, const struct conf *c)
{
	if (c->kernel.table == f->kc.table &&
	    c->kernel.protocol == f->kc.protocol &&
	    c->kernel.metric == f->metric && c->kernel.ecmp == f->ecmp)
		return 0;
	log_warnx("reload: changes to the kernel block take effect at the "
	    "next start of vtibgpd");
	return -1;
}

/* ---- routes ----------------------------------------------------------- */


static bool
aliasing(const struct fib *f)
{
	return f->nexthops && !f->ecmp;
}

/* Where the routes on the group of mask forward now (0: nowhere). */
static uint8_t
resolve(const struct fib *f, uint8_t mask)
{
	uint8_t		up = 0;
	unsigned	i;

	if (f->nexthops)
		return f->members[mask];
	for (i = 0; i < RIB_MAX_PEERS; i++)
		if (f->t[i].link_up)
			up |= BIT(i);
	return mask & up;
}

/* Tunnel i forwards: session established, link up. */
static bool
ready(const struct fib *f, unsigned i)
{
	return f->t[i].alive && f->t[i].link_up;
}

/* G(i) exists and points at another tunnel. */
static bool
away(const struct fib *f, unsigned i)
{
	return f->members[BIT(i)] != 0 && f->members[BIT(i)] != BIT(i);
}

/* The group the primary route of a prefix with these best tunnels wants. */
static uint8_t
want_of(const struct fib *f, uint8_t best)
{
	return f->ecmp ? best : standby_mask(best);
}

/* Point the group of mask at the nexthops of the tunnels in to. */
static void
point(struct fib *f, uint8_t mask, uint8_t to)
{
	uint32_t	nh[RIB_MAX_PEERS];
	size_t		n = 0;
	unsigned	i;

	for (i = 0; i < RIB_MAX_PEERS; i++)
		if (to & BIT(i))
			nh[n++] = NH_ID(i);
	kr_group(f->kr, (mask & (mask - 1)) != 0 ? ECMP_ID(mask) :
	    GROUP_ID(lowest_bit(mask)), nh, n);
	f->members[mask] = to;
}

/* The ECMP group of the tunnels in mask, made on first use. */
static uint32_t
ecmp_group(struct fib *f, uint8_t mask)
{
	if (f->members[mask] == 0)
		point(f, mask, mask);
	return ECMP_ID(mask);
}

/* Install (or with mask 0 remove) the route of pfx at metric for mask. */
static void
route_set(struct fib *f, const struct kr_prefix *pfx, uint32_t metric,
    uint8_t mask)
{
	unsigned	i;

	if (mask == 0) {
		kr_route_del(f->kr, pfx, metric);
		return;
	}
	i = lowest_bit(mask);
	if (!f->nexthops)
		kr_route_via(f->kr, pfx, metric, f->t[i].ifname, f->t[i].gw);
	else if ((mask & (mask - 1)) != 0)
		kr_route(f->kr, pfx, metric, ecmp_group(f, mask));
	else
		kr_route(f->kr, pfx, metric, GROUP_ID(i));
}

/* The route of an earlier run at pfx and metric, if any is kept. */
static struct stale *
stale_find(struct fib *f, const struct kr_prefix *pfx, uint32_t metric)
{
	struct stale	key;

	if (f->n_stale == 0 || f->converged)
		return NULL;
	key.pfx = *pfx;
	key.metric = metric;
	return bsearch(&key, f->stale, f->n_stale, sizeof(key), stale_cmp);
}

static bool
stale_has(struct fib *f, const struct kr_prefix *pfx, uint32_t metric)
{
	return stale_find(f, pfx, metric) != NULL;
}

static void
stale_relearned(struct fib *f, const struct kr_prefix *pfx, uint32_t metric)
{
	struct stale	*s;

	if ((s = stale_find(f, pfx, metric)) != NULL)
		s->relearned = true;
}

/* The standby route uses one tunnel: the lowest one in the mask. */
static uint8_t
standby_mask(uint8_t standby)
{
	return standby == 0 ? 0 : (uint8_t)(1U << lowest_bit(standby));
}

/*
 * Count (dir 1) or uncount (dir -1) a prefix in state st, whose best and
 * standby tunnels (those with a path for it) the RIB gives: whether it
 * lacks the standby it wants; its primary pinned, or on G(i) and then
 * the tunnels without a path for it; and its routes that sit on a
 * tunnel's group but want another.
 */
static void
count(struct fib *f, const uint8_t *st, uint8_t best, uint8_t standby,
    int dir)
{
	uint8_t		want = want_of(f, best);
	uint8_t		want_sb = standby_mask(standby);
	uint8_t		sb = sb_of(st), pri = pinned(st) ? 0 : st[PRI];
	uint8_t		lack = (uint8_t)~rib_carriers(best, standby);
	unsigned	i;

	if (want_sb != 0 && sb == 0)
		f->sb_missing += (size_t)dir;
	if (!f->nexthops)
		return;
	if (pinned(st))
		f->pinned[lowest_bit(st[PRI])] += (uint32_t)dir;
	else if (pri != 0 && (pri & (pri - 1)) == 0)
		for (i = lowest_bit(pri); lack != 0;
		    lack &= (uint8_t)(lack - 1))
			f->lacks[i][lowest_bit(lack)] += (uint32_t)dir;
	if (!aliasing(f))
		return;
	if (pri != 0)
		f->on[lowest_bit(pri)] += (uint32_t)dir;
	if (sb != 0)
		f->on[lowest_bit(sb)] += (uint32_t)dir;
	if (pri != 0 && pri != want)
		f->mismatch[lowest_bit(pri)] += (uint32_t)dir;
	if (sb != 0 && sb != want_sb)
		f->mismatch[lowest_bit(sb)] += (uint32_t)dir;
}

/* Before a walk that counts every prefix again (count(..., 1) each). */
static void
counts_clear(struct fib *f)
{
	memset(f->mismatch, 0, sizeof(f->mismatch));
	memset(f->on, 0, sizeof(f->on));
	memset(f->pinned, 0, sizeof(f->pinned));
	memset(f->lacks, 0, sizeof(f->lacks));
	f->sb_missing = 0;
}

/* Where a primary route is: on a group (a tunnel mask), or pinned on the
 * nexthop of the tunnel of the mask (see "Pinned"). */
struct spot {
	uint8_t	mask;		/* 0: no route */
	bool	pin;
};

/* Where the route at s forwards now (0: nowhere). */
static uint8_t
spot_at(const struct fib *f, struct spot s)
{
	if (s.mask == 0)
		return 0;
	if (s.pin)
		return f->t[lowest_bit(s.mask)].link_up ? s.mask : 0;
	return resolve(f, s.mask);
}

/* The standby for want_sb, from the one in st: one that forwards where
 * wanted may stay. */
static uint8_t
standby_spot(const struct fib *f, const uint8_t *st, uint8_t want,
    uint8_t want_sb)
{
	uint8_t	sb = sb_of(st);
	bool	alias = aliasing(f);

	if (want == 0)
		return 0;
	if (want_sb == 0)	/* none wanted: one like the primary stays */
		return alias && sb != 0 && resolve(f, sb) == want ? sb : 0;
	if (sb != want_sb && (!alias || sb == 0 || resolve(f, sb) != want_sb))
		return want_sb;
	return sb;
}

/*
 * The primary for want, from the one in st (sb: the standby chosen);
 * have is every tunnel with a path for the prefix.
 */
static struct spot
primary_spot(const struct fib *f, const uint8_t *st, uint8_t want,
    uint8_t have, uint8_t sb)
{
	struct spot	cur = { st[PRI], pinned(st) }, s = { want, false };
	uint8_t		to;

	if (want == 0)
		return (struct spot){ 0, false };
	if (cur.mask != 0 && spot_at(f, cur) == want &&
	    (aliasing(f) || cur.pin || cur.mask == want)) {
		/* it forwards where wanted: it stays, and a pinned one goes
		 * back on its group once that forwards there too */
		if (cur.pin && resolve(f, cur.mask) == cur.mask &&
		    !(f->homing & cur.mask))
			cur.pin = false;
		return cur;
	}
	if (aliasing(f) && cur.mask == 0 && sb != 0 && sb == sb_of(st) &&
	    resolve(f, sb) == want)
		return cur;	/* the standby forwards: its primary
				   went with a link */
	if (!f->nexthops || (want & (want - 1)) != 0)
		return s;
	/* G(want) points at a tunnel without a path for the prefix (want
	 * is coming back), or is gone with the link it pointed at */
	to = resolve(f, want);
	if (to != want && (to & have) == 0) {
		s.pin = true;
		if (!f->t[lowest_bit(want)].link_up)
			s.mask = 0;
	}
	return s;
}

/* At start, the primaries of all prefixes first (unless a route of an
 * earlier run is there to be replaced): a new standby waits. */
static uint8_t
defer_standby(struct fib *f, const struct kr_prefix *pfx, const uint8_t *st,
    uint8_t sb)
{
	if (!f->defer_sb || f->sweeping || sb == 0 || sb_of(st) != 0 ||
	    stale_has(f, pfx, f->metric + 1))
		return sb;
	if (f->sb_start_us == 0) {
		f->sb_start_us = clock_mono_us();
		log_info("start-up: primary routes first, standby routes "
		    "follow as the kernel has time");
	}
	if (!ev_is_active(&f->t_sweep))
		ev_timer_start(f->loop, &f->t_sweep);
	return 0;
}

/*
 * Bring the routes of pfx (state st) to what the RIB wants: the primary
 * forwarding into want, a standby into want_sb; have is every tunnel
 * with a path.  Only what must change is written, the primary first.
 */
static void
place(struct fib *f, const struct kr_prefix *pfx, uint8_t *st, uint8_t want,
    uint8_t want_sb, uint8_t have)
{
	uint8_t		sb = standby_spot(f, st, want, want_sb);
	struct spot	pri = primary_spot(f, st, want, have, sb);

	/* a standby kept on the primary's own group is no standby */
	if (want_sb == 0 && sb == pri.mask)
		sb = 0;
	sb = defer_standby(f, pfx, st, sb);
	/* a tunnel's group goes with its link: no route can use it */
	if (aliasing(f) && sb != 0 && f->members[sb] == 0)
		sb = 0;
	if (pri.mask != st[PRI] || pri.pin != pinned(st)) {
		f->stats.routes += pri.mask != 0 && st[PRI] == 0;
		f->stats.routes -= pri.mask == 0 && st[PRI] != 0;
		st[PRI] = pri.mask;
		pin_put(st, pri.pin && pri.mask != 0);
		put_route(f, pfx, st, true);
	}
	if (sb != sb_of(st)) {
		f->stats.standbys += sb != 0 && sb_of(st) == 0;
		f->stats.standbys -= sb == 0 && sb_of(st) != 0;
		sb_put(st, sb);
		put_route(f, pfx, st, false);
	}
}

/* Write the primary (or the standby) route of pfx where st says it is. */
static void
put_route(struct fib *f, const struct kr_prefix *pfx, const uint8_t *st,
    bool primary)
{
	if (!primary)
		route_set(f, pfx, f->metric + 1, sb_of(st));
	else if (pinned(st))
		kr_route(f->kr, pfx, f->metric, NH_ID(lowest_bit(st[PRI])));
	else
		route_set(f, pfx, f->metric, st[PRI]);
}

/* Routes on G(i) that want another tunnel are moved one by one, then
 * G(i) points at tunnel i again, and the primaries pinned on NH(i) go
 * back on it. */
struct home_walk {
	struct fib	*f;
	uint8_t		 bit;
	size_t		 moved;
};

static void
home_one(const struct rib_prefix *p, uint8_t best, uint8_t standby,
    uint8_t st[RIB_USER_BYTES], void *arg)
{
	struct home_walk	*x = arg;
	struct fib		*f = x->f;
	struct kr_prefix	 pfx = { p->addr, p->len };
	uint8_t			 want = want_of(f, best);
	uint8_t			 want_sb = standby_mask(standby);

	if ((st[PRI] == x->bit && !pinned(st) && want != x->bit) ||
	    (sb_of(st) == x->bit && want_sb != x->bit)) {
		place(f, &pfx, st, want, want_sb, rib_carriers(best, standby));
		x->moved++;
	}
	count(f, st, best, standby, 1);
}

static void
unpin_one(const struct rib_prefix *p, uint8_t best, uint8_t standby,
    uint8_t st[RIB_USER_BYTES], void *arg)
{
	struct home_walk	*x = arg;
	struct kr_prefix	 pfx = { p->addr, p->len };

	if (!pinned(st) || st[PRI] != x->bit)
		return;
	count(x->f, st, best, standby, -1);
	place(x->f, &pfx, st, want_of(x->f, best), standby_mask(standby),
	    rib_carriers(best, standby));
	count(x->f, st, best, standby, 1);
	x->moved++;
}

/* G(i) forwards into tunnel i again: its pinned primaries go back on it
 * (after the group's rewrite, which was queued first).  How many. */
static size_t
unpin(struct fib *f, unsigned i)
{
	struct home_walk	x = { f, BIT(i), 0 };

	if (f->pinned[i] > 0 && f->walk != NULL)
		f->walk(0, SIZE_MAX, unpin_one, &x, f->lookup_arg);
	return x.moved;
}

static void
home(struct fib *f, unsigned i, const char *why)
{
	struct home_walk	x = { f, BIT(i), 0 };
	uint64_t		start = clock_mono_us();
	size_t			back;
	char			then[64];

	f->members[BIT(i)] = BIT(i);	/* as place() must see it */
	f->homing |= BIT(i);		/* (but the pinned wait) */
	if (f->mismatch[i] > 0 && f->walk != NULL) {
		counts_clear(f);
		f->walk(0, SIZE_MAX, home_one, &x, f->lookup_arg);
	}
	f->homing &= (uint8_t)~BIT(i);
	point(f, BIT(i), BIT(i));
	back = unpin(f, i);
	kr_flush(f->kr);
	snprintf(then, sizeof(then), ", then %zu routes from its nexthop "
	    "back on it", back);
	log_info("tunnel %s: back: its group points at it again (%zu routes "
	    "moved one by one first, %llu us; %s)%s", f->t[i].ifname,
	    x.moved, (unsigned long long)(clock_mono_us() - start), why,
	    back > 0 ? then : "");
	fib_event(f, "tunnel %s back: group rewritten, %zu routes moved one "
	    "by one", f->t[i].ifname, x.moved);
}

/* Few routes on G(i) still want another tunnel: see HOME_FEW_SHARE. */
static bool
home_few(const struct fib *f, unsigned i)
{
	return f->mismatch[i] <= HOME_FEW_MAX &&
	    (uint64_t)f->mismatch[i] * HOME_FEW_SHARE <= f->on[i];
}

/* Groups pointing away from a tunnel that is back: home when done. */
static void
bring_home(struct fib *f)
{
	bool		 few = false;
	unsigned	 i;

	if (!aliasing(f))
		return;
	for (i = 0; i < RIB_MAX_PEERS; i++) {
		if (!away(f, i) || !ready(f, i))
			continue;
		if (f->mismatch[i] == 0)
			home(f, i, "every route on it wants it");
		else if (f->synced & BIT(i))
			home(f, i, "it sent all its routes");
		else
			few |= home_few(f, i);
	}
	/* (again: HOME_SETTLE_S after the last change) */
	if (few)
		ev_timer_again(f->loop, &f->t_home);
	else
		ev_timer_stop(f->loop, &f->t_home);
}

static void
on_home(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct fib	*f = w->data;
	char		 why[96];
	unsigned	 i;

	ev_timer_stop(loop, w);
	for (i = 0; i < RIB_MAX_PEERS; i++) {
		if (!away(f, i) || !ready(f, i) || !home_few(f, i))
			continue;
		snprintf(why, sizeof(why), "all but %u of the %u routes on "
		    "it want it", f->mismatch[i], f->on[i]);
		home(f, i, why);
	}
}

void
fib_change(struct fib *f, const struct rib_change *c)
{
	struct kr_prefix	pfx = { c->pfx.addr, c->pfx.len };

	count(f, c->user, c->old_best, c->old_standby, -1);
	place(f, &pfx, c->user, want_of(f, c->best),
	    standby_mask(c->standby), rib_carriers(c->best, c->standby));
	count(f, c->user, c->best, c->standby, 1);
	if (c->user[PRI] != 0)
		stale_relearned(f, &pfx, f->metric);
	if (sb_of(c->user) != 0)
		stale_relearned(f, &pfx, f->metric + 1);
	bring_home(f);
}

/* Install every route again as its state says (kernel events were lost). */
static void
reinstall_one(const struct rib_prefix *p, uint8_t best, uint8_t standby,
    uint8_t st[RIB_USER_BYTES], void *arg)
{
	struct fib		*f = arg;
	struct kr_prefix	 pfx = { p->addr, p->len };

	if (st[PRI] != 0)
		put_route(f, &pfx, st, true);
	if (sb_of(st) != 0)
		put_route(f, &pfx, st, false);
}

static void
reinstall(struct fib *f)
{
	if (f->walk != NULL)
		f->walk(0, SIZE_MAX, reinstall_one, f, f->lookup_arg);
	kr_flush(f->kr);
}

/* The kernel flushed the routes of groups left empty by a dead link. */
static void
forget_one(const struct rib_prefix *p, uint8_t best, uint8_t standby,
    uint8_t st[RIB_USER_BYTES], void *arg)
{
	struct fib	*f = arg;
	struct spot	 pri = { st[PRI], pinned(st) };

	if (pri.mask != 0 && spot_at(f, pri) == 0) {
		st[PRI] = 0;
		pin_put(st, false);
		f->stats.routes--;
	}
	if (sb_of(st) != 0 && resolve(f, sb_of(st)) == 0) {
		sb_put(st, 0);
		f->stats.standbys--;
	}
	count(f, st, best, standby, 1);
}

/* Forget the routes on groups that are gone (the kernel removed them). */
static void
routes_lost(struct fib *f)
{
	unsigned	m;

	counts_clear(f);
	if (f->walk != NULL)
		f->walk(0, SIZE_MAX, forget_one, f, f->lookup_arg);
	for (m = 0; m < RIB_MAX_PEERS; m++)
		if (f->members[BIT(m)] == 0)
			f->restore &= (uint8_t)~BIT(m);
	f->reput &= f->restore;
}

/*
 * After a carrier loss of tunnel i the standbys forward.  G(i) comes
 * back at once, pointing at a survivor, and the sweep puts the primaries
 * that the kernel took back on it: as after a silent failure, the way
 * back is then one group rewrite.
 */
static void
rebuild(struct fib *f, unsigned i)
{
	uint8_t		live = 0;
	unsigned	m;

	for (m = 0; m < RIB_MAX_PEERS; m++)
		live |= ready(f, m) && m != i ? BIT(m) : 0;
	if (!aliasing(f) || live == 0)
		return;
	if (f->members[BIT(i)] != 0) {
		/*
		 * G(i) pointed elsewhere already (a silent failure seen
		 * first).  If the carrier went before that rewrite reached
		 * the kernel, the kernel took G(i) and its routes and the
		 * rewrite made it again, empty: write its routes again.
		 */
		f->reput |= BIT(i);
	} else {
		point(f, BIT(i), standby_mask(live));
		kr_flush(f->kr);
	}
	f->restore |= BIT(i);
	f->restored = 0;
	f->sb_next = 0;
	if (!ev_is_active(&f->t_sweep))
		ev_timer_start(f->loop, &f->t_sweep);
}

static void
link_lost(struct fib *f, unsigned i)
{
	unsigned	m;
	bool		emptied = !f->nexthops;	/* plain routes: all on it */

	f->t[i].alive = false;
	f->synced &= (uint8_t)~BIT(i);
	if (f->nexthops)
		for (m = 1; m < 256; m++)
			if (f->members[m] & BIT(i)) {
				f->members[m] &= (uint8_t)~BIT(i);
				emptied |= f->members[m] == 0;
			}
	/* (groups the kernel reported lost were forgotten already); the
	 * primaries pinned on NH(i) went with it */
	if (emptied || f->pinned[i] > 0)
		routes_lost(f);
	rebuild(f, i);
}

/* ---- tunnels ------------------------------------------------------------ */

void
fib_tunnel_up(struct fib *f, unsigned slot)
{
	uint8_t		live = 0;
	unsigned	i, mask;

	f->t[slot].alive = true;
	f->synced &= (uint8_t)~BIT(slot);
	if (!f->nexthops || !f->t[slot].link_up)
		return;
	kr_nexthop(f->kr, NH_ID(slot), f->t[slot].ifname, f->t[slot].gw);
	/* a group that points elsewhere comes home with the routes */
	if (!aliasing(f) || f->members[BIT(slot)] == 0) {
		point(f, BIT(slot), BIT(slot));
		(void)unpin(f, slot);
	}
	for (i = 0; i < RIB_MAX_PEERS; i++)
		if (ready(f, i))
			live |= BIT(i);
	for (mask = 1; mask < 256; mask++)
		if ((mask & (mask - 1)) != 0 && (mask & BIT(slot)) &&
		    f->members[mask] != 0)
			point(f, (uint8_t)mask, (uint8_t)(mask & live));
	kr_flush(f->kr);
	bring_home(f);
}

void
fib_tunnel_synced(struct fib *f, unsigned slot)
{
	f->synced |= BIT(slot);
	bring_home(f);
}

/* A primary on G(i) (group) pointed at tunnel to by this rewrite. */
struct strand_walk {
	struct fib	*f;
	uint8_t		 group;
	uint8_t		 to;
	uint8_t		 now;		/* G(i)'s target before */
	size_t		 pinned;
};

static void
strand_one(const struct rib_prefix *p, uint8_t best, uint8_t standby,
    uint8_t st[RIB_USER_BYTES], void *arg)
{
	struct strand_walk	*x = arg;
	struct kr_prefix	 pfx = { p->addr, p->len };

	if (st[PRI] != x->group || pinned(st) ||
	    (rib_carriers(best, standby) & x->to))
		return;
	count(x->f, st, best, standby, -1);
	st[PRI] = x->now;
	pin_put(st, true);
	put_route(x->f, &pfx, st, true);
	count(x->f, st, best, standby, 1);
	x->pinned++;
}

/*
 * G(i) (group) is about to forward into tunnel to: the primaries on it
 * whose prefix to has no path for go first on the nexthop G(i) forwards
 * to now, where the rewrite leaves them (see "Pinned").
 */
static void
strand(struct fib *f, uint8_t group, uint8_t to)
{
	struct strand_walk	x = { f, group, to, f->members[group], 0 };

	if (f->walk == NULL || x.now == 0 || (x.now & (x.now - 1)) != 0 ||
	    x.now == to || !f->t[lowest_bit(x.now)].link_up ||
	    f->lacks[lowest_bit(group)][lowest_bit(to)] == 0)
		return;
	f->walk(0, SIZE_MAX, strand_one, &x, f->lookup_arg);
	log_info("tunnel %s: %zu prefixes that %s has no path for stay on "
	    "%s's own nexthop", f->t[lowest_bit(group)].ifname, x.pinned,
	    f->t[lowest_bit(to)].ifname, f->t[lowest_bit(x.now)].ifname);
}

/* The live tunnel that has a path for most of the primaries on G(i)
 * (the lowest on a tie), to point G(i) at; 0 if none is live. */
static uint8_t
target(const struct fib *f, unsigned i, uint8_t live)
{
	unsigned	j, t = RIB_MAX_PEERS;

	for (j = 0; j < RIB_MAX_PEERS; j++)
		if ((live & BIT(j)) && (t == RIB_MAX_PEERS ||
		    f->lacks[i][j] < f->lacks[i][t]))
			t = j;
	return t == RIB_MAX_PEERS ? 0 : BIT(t);
}

/* Point G(i) at tunnel to, the routes it cannot carry there pinned. */
static void
repoint(struct fib *f, unsigned i, uint8_t to)
{
	strand(f, BIT(i), to);
	point(f, BIT(i), to);
}

uint64_t
fib_tunnel_down(struct fib *f, unsigned slot)
{
	uint64_t	start = clock_mono_us(), took;
	uint8_t		live = 0, to, to_i;
	unsigned	i, mask;

	f->t[slot].alive = false;
	f->synced &= (uint8_t)~BIT(slot);
	if (!f->t[slot].link_up || !f->nexthops)
		return 0;
	for (i = 0; i < RIB_MAX_PEERS; i++)
		if (ready(f, i))
			live |= BIT(i);
	if ((to = target(f, slot, live)) == 0)
		return 0;
	/* the one message that moves every prefix of this tunnel */
	repoint(f, slot, to);
	for (i = 0; i < RIB_MAX_PEERS; i++) {
		if (i == slot || !(f->members[BIT(i)] & BIT(slot)))
			continue;
		/* it pointed here while tunnel i came back */
		to_i = ready(f, i) ? BIT(i) : target(f, i, live & ~BIT(i));
		if (to_i != 0)
			repoint(f, i, to_i);
	}
	for (mask = 1; mask < 256; mask++)
		if ((mask & (mask - 1)) != 0 && (mask & BIT(slot)) &&
		    f->members[mask] != 0 && (mask & live) != 0)
			point(f, (uint8_t)mask, (uint8_t)(mask & live));
	kr_flush(f->kr);
	took = clock_mono_us() - start;
	f->stats.failovers++;
	f->stats.last_failover_us = took;
	log_info("tunnel %s: failover to %s (group rewritten in %llu us)",
	    f->t[slot].ifname, f->t[lowest_bit(to)].ifname,
	    (unsigned long long)took);
	return took;
}

/* ---- standbys after start-up ------------------------------------------- */

static void
sweep_done(struct fib *f)
{
	log_info("%llu standby routes installed %llu ms after the first "
	    "primary%s", (unsigned long long)f->sb_placed,
	    (unsigned long long)(clock_mono_us() - f->sb_start_us) / 1000,
	    f->sb_missing > 0 ? " (some prefixes have none: their group is "
	    "gone)" : "");
}

#define SWEEP_SLOTS	4096	/* RIB table slots per turn */
#define SWEEP_PENDING	64	/* a turn waits while the kernel has more */

static void
sweep_one(const struct rib_prefix *p, uint8_t best, uint8_t standby,
    uint8_t st[RIB_USER_BYTES], void *arg)
{
	struct fib		*f = arg;
	struct kr_prefix	 pfx = { p->addr, p->len };
	uint8_t			 want = want_of(f, best);
	uint8_t			 want_sb = standby_mask(standby);
	unsigned		 i;

	if ((st[PRI] & f->reput) != 0 && (st[PRI] & (st[PRI] - 1)) == 0 &&
	    !pinned(st))
		route_set(f, &pfx, f->metric, st[PRI]);
	if ((sb_of(st) & f->reput) != 0)
		put_route(f, &pfx, st, false);
	/* a standby that forwards since a carrier loss: its primary back
	 * on the dead tunnel's group, which points where the standby does */
	for (i = 0; f->restore != 0 && i < RIB_MAX_PEERS; i++) {
		if (!(f->restore & BIT(i)) || st[PRI] != 0 || sb_of(st) == 0 ||
		    want == 0 || resolve(f, sb_of(st)) != want ||
		    resolve(f, BIT(i)) != want)
			continue;
		count(f, st, best, standby, -1);
		route_set(f, &pfx, f->metric, BIT(i));
		st[PRI] = BIT(i);
		f->stats.routes++;
		f->restored++;
		count(f, st, best, standby, 1);
	}
	if (want_sb == 0 || sb_of(st) != 0)
		return;
	count(f, st, best, standby, -1);
	place(f, &pfx, st, want, want_sb, rib_carriers(best, standby));
	count(f, st, best, standby, 1);
	f->sb_placed += sb_of(st) != 0;
}

/*
 * A turn of the walk that installs the standbys held back at start: only
 * while the kernel has little else to do (the primaries go first), until
 * every prefix has its standby.
 */
static void
on_sweep(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct fib	*f = w->data;
	unsigned	 i;

	if ((f->sb_missing > 0 || f->restore != 0 || f->reput != 0) &&
	    f->walk != NULL) {
		if (kr_pending(f->kr) > SWEEP_PENDING)
			return;
		f->sweeping = true;
		f->sb_next = f->walk(f->sb_next, SWEEP_SLOTS, sweep_one, f,
		    f->lookup_arg);
		f->sweeping = false;
		kr_flush(f->kr);
		bring_home(f);
		if (f->sb_next != 0)
			return;		/* the pass goes on */
		for (i = 0; f->restore != 0 && i < RIB_MAX_PEERS; i++)
			if (f->restore & BIT(i))
				log_info("tunnel %s: %llu primary routes back on "
				    "its group, which points at %s", f->t[i].ifname,
				    (unsigned long long)f->restored,
				    f->t[lowest_bit(f->members[BIT(i)] != 0 ?
				    f->members[BIT(i)] : BIT(i))].ifname);
		f->restore = f->reput = 0;
		/* again, for prefixes the table moved behind the walk */
		if (f->sb_missing > 0 && (f->defer_sb ||
		    f->sb_placed > f->sb_pass)) {
			f->sb_pass = f->sb_placed;
			return;
		}
	}
	ev_timer_stop(loop, w);
	if (!f->defer_sb && f->sb_placed > f->sb_reported) {
		f->sb_reported = f->sb_placed;
		sweep_done(f);
	}
}

/* ---- start-up and exit ---------------------------------------------------- */

void
fib_converged(struct fib *f)
{
	size_t	i, n = 0;

	if (f->converged)
		return;
	f->converged = true;
	f->defer_sb = false;
	if (f->sb_missing > 0 && !ev_is_active(&f->t_sweep))
		ev_timer_start(f->loop, &f->t_sweep);
	else if (f->sb_placed > f->sb_reported &&
	    !ev_is_active(&f->t_sweep)) {
		f->sb_reported = f->sb_placed;
		sweep_done(f);
	}
	for (i = 0; i < f->n_stale; i++)
		if (!f->stale[i].relearned) {
			kr_route_del(f->kr, &f->stale[i].pfx,
			    f->stale[i].metric);
			n++;
		}
	kr_flush(f->kr);
	if (f->n_stale > 0) {
		log_info("converged: %zu stale routes of an earlier run "
		    "removed, %zu kept", n, f->n_stale - n);
		fib_event(f, "converged: %zu stale routes of an earlier run "
		    "removed, %zu kept", n, f->n_stale - n);
	}
	free(f->stale);
	f->stale = NULL;
	f->n_stale = f->cap_stale = 0;
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

/* Tunnels of each of our nexthop ids, as the kernel has them. */
#define CHECK_IDS	0x300U
struct check_ctx {
	struct fib		*f;
	struct fib_check	*c;
	uint8_t			 plain[CHECK_IDS];	/* NH id: its slot bit */
	uint8_t			 mask[CHECK_IDS];
	const uint32_t		*members[CHECK_IDS];
	uint32_t		 stored[CHECK_IDS][RIB_MAX_PEERS];
	size_t			 n[CHECK_IDS];
	bool			 group[CHECK_IDS];
};

static void
check_nexthop(uint32_t id, int oif, const uint32_t *members, size_t n,
    void *arg)
{
	struct check_ctx	*x = arg;
	uint32_t		 k = id - KR_NHID_BASE;
	size_t			 i;

	if (id < KR_NHID_BASE || k >= CHECK_IDS)
		return;
	if (n == 0) {
		/* NH(i) is tunnel i's gateway */
		if (k >= 1 && k <= RIB_MAX_PEERS)
			x->plain[k] = (uint8_t)(1U << (k - 1));
		return;
	}
	x->group[k] = true;
	x->n[k] = n < RIB_MAX_PEERS ? n : RIB_MAX_PEERS;
	for (i = 0; i < x->n[k]; i++)
		x->stored[k][i] = members[i];
}

static void
check_route(const struct kr_prefix *p, uint32_t metric, uint32_t nhid,
    void *arg)
{
	struct check_ctx	*x = arg;
	uint32_t		 k = nhid - KR_NHID_BASE;
	uint8_t			 mask = 0;
	unsigned		 i;

	if (metric != x->f->metric)
		return;
	x->c->primaries++;
	if (nhid >= KR_NHID_BASE && k < CHECK_IDS)
		mask = x->mask[k];
	if (mask == 0) {
		x->c->unresolved++;
		return;
	}
	for (i = 0; i < RIB_MAX_PEERS; i++)
		if (mask & (1U << i))
			x->c->on[i]++;
}

int
fib_check(struct fib *f, struct fib_check *c)
{
	struct check_ctx	*x;
	uint32_t		 k, m;
	size_t			 i;
	int			 rc = -1;

	memset(c, 0, sizeof(*c));
	if (!f->started)
		return -1;
	if ((x = calloc(1, sizeof(*x))) == NULL)
		fatal("calloc");
	x->f = f;
	x->c = c;
	if (f->nexthops && kr_dump_nexthop_members(f->kr, check_nexthop, x) ==
	    -1)
		goto out;
	for (k = 0; k < CHECK_IDS; k++) {
		x->mask[k] = x->plain[k];
		for (i = 0; x->group[k] && i < x->n[k]; i++) {
			m = x->stored[k][i] - KR_NHID_BASE;
			if (x->stored[k][i] >= KR_NHID_BASE && m < CHECK_IDS)
				x->mask[k] |= x->plain[m];
		}
	}
	if (kr_dump_routes(f->kr, check_route, x) == -1)
		goto out;
	c->verified = f->nexthops;
	rc = 0;
out:
	free(x);
	return rc;
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
		primary->forwards = spot_at(f, pri);
	}
	if (sb != 0) {
		standby->present = true;
		standby->nhid = group_id(f, sb);
		standby->forwards = resolve(f, sb);
	}
}

uint32_t
fib_nexthop(const struct fib *f, unsigned slot, const char **ifname,
    struct in_addr *gw)
{
	*ifname = f->t[slot].ifname;
	*gw = f->t[slot].gw;
	return f->nexthops ? NH_ID(slot) : 0;
}

bool
fib_restarted(const struct fib *f)
{
	return f->n_stale > 0;
}
