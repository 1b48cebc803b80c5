/* SPDX-License-Identifier: ISC */
/*
 * fib_startup.c: start-up: the routes an earlier run left forward until
 * the sessions have converged, then those not learned again go; every
 * prefix gets its primary first, the standbys follow by a walk at the
 * kernel's pace (the sweep, which also puts back the primaries a carrier
 * loss took).
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd/fib/fib_impl.h"
#include "bgpd/util/clock.h"

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
	uint8_t			 fx = x->pfx.family == AF_INET6 ? 6 : 4;
	uint8_t			 fy = y->pfx.family == AF_INET6 ? 6 : 4;
	uint32_t		 ax = ntohl(x->pfx.addr.s_addr);
	uint32_t		 ay = ntohl(y->pfx.addr.s_addr);
	int			 d;

	if (fx != fy)
		return fx < fy ? -1 : 1;
	if (fx == 6 && (d = memcmp(&x->pfx.addr6, &y->pfx.addr6,
	    sizeof(x->pfx.addr6))) != 0)
		return d;
	if (fx == 4 && ax != ay)
		return ax < ay ? -1 : 1;
	if (x->pfx.len != y->pfx.len)
		return x->pfx.len < y->pfx.len ? -1 : 1;
	if (x->metric != y->metric)
		return x->metric < y->metric ? -1 : 1;
	return 0;
}

/* Routes of an earlier run, sorted for stale_find. */
void
fib_stale_load(struct fib *f)
{
	if (kr_dump_routes(f->kr, stale_add, f) == -1)
		log_warnx("cannot list routes left by an earlier run");
	if (f->n_stale > 0) {
		qsort(f->stale, f->n_stale, sizeof(*f->stale), stale_cmp);
		log_info("%zu routes of an earlier run keep forwarding until "
		    "the sessions have converged", f->n_stale);
	}
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

void
fib_stale_relearned(struct fib *f, const struct kr_prefix *pfx, uint32_t metric)
{
	struct stale	*s;

	if ((s = stale_find(f, pfx, metric)) != NULL)
		s->relearned = true;
}

/* At start, the primaries of all prefixes first (unless a route of an
 * earlier run is there to be replaced): a new standby waits. */
uint8_t
fib_defer_standby(struct fib *f, const struct kr_prefix *pfx, const uint8_t *st,
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
	struct kr_prefix	 pfx = kr_prefix_of(p);
	uint8_t			 want = want_of(f, best);
	uint8_t			 want_sb = next_of(f, standby);
	unsigned		 i;

	if ((st[PRI] & f->reput) != 0 && (st[PRI] & (st[PRI] - 1)) == 0 &&
	    !pinned(st))
		fib_route_set(f, &pfx, f->metric, st[PRI]);
	if ((sb_of(st) & f->reput) != 0)
		fib_put_route(f, &pfx, st, false);
	/* a standby that forwards since a carrier loss: its primary back
	 * on the dead tunnel's group, which points where the standby does */
	for (i = 0; f->restore != 0 && i < RIB_MAX_PEERS; i++) {
		if (!(f->restore & BIT(i)) || st[PRI] != 0 || sb_of(st) == 0 ||
		    want == 0 || fib_resolve(f, sb_of(st)) != want ||
		    fib_resolve(f, BIT(i)) != want)
			continue;
		fib_count(f, st, best, standby, -1);
		fib_route_set(f, &pfx, f->metric, BIT(i));
		st[PRI] = BIT(i);
		f->stats.routes++;
		f->restored++;
		fib_count(f, st, best, standby, 1);
	}
	if (want_sb == 0 || sb_of(st) != 0)
		return;
	fib_count(f, st, best, standby, -1);
	fib_place(f, &pfx, st, want, want_sb, rib_carriers(best, standby));
	fib_count(f, st, best, standby, 1);
	f->sb_placed += sb_of(st) != 0;
}

/*
 * A turn of the walk that installs the standbys held back at start: only
 * while the kernel has little else to do (the primaries go first), until
 * every prefix has its standby.
 */
void
fib_on_sweep(struct ev_loop *loop, ev_timer *w, int revents)
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
		fib_bring_home(f);
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
