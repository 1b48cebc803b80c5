/* SPDX-License-Identifier: ISC */
/*
 * fib_route.c: where a prefix's routes are and where the RIB wants them:
 * the groups that tunnel masks point at, the counters of routes per
 * group, and the placing of a prefix's primary and standby routes after
 * each RIB change.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd/fib/fib_impl.h"

/* Where the routes on the group of mask forward now (0: nowhere). */
uint8_t
fib_resolve(const struct fib *f, uint8_t mask)
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

/* Point the group of mask at the nexthops of the tunnels in to. */
void
fib_point(struct fib *f, uint8_t mask, uint8_t to)
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
		fib_point(f, mask, mask);
	return ECMP_ID(mask);
}

/* Install (or with mask 0 remove) the route of pfx at metric for mask. */
void
fib_route_set(struct fib *f, const struct kr_prefix *pfx, uint32_t metric,
    uint8_t mask)
{
	unsigned	i;

	if (mask == 0) {
		kr_route_del(f->kr, pfx, metric);
		return;
	}
	i = lowest_bit(mask);
	if (!f->nexthops && f->t[i].af == AF_INET6)
		kr_route_via6(f->kr, pfx, metric, f->t[i].ifname,
		    &f->t[i].gw6);
	else if (!f->nexthops)
		kr_route_via(f->kr, pfx, metric, f->t[i].ifname, f->t[i].gw);
	else if ((mask & (mask - 1)) != 0)
		kr_route(f->kr, pfx, metric, ecmp_group(f, mask));
	else
		kr_route(f->kr, pfx, metric, GROUP_ID(i));
}

/*
 * Count (dir 1) or uncount (dir -1) a prefix in state st, whose best and
 * standby tunnels (those with a path for it) the RIB gives: whether it
 * lacks the standby it wants; its primary pinned, or on G(i) and then
 * the tunnels without a path for it; and its routes that sit on a
 * tunnel's group (or a primary on a group of several) but want another.
 */
void
fib_count(struct fib *f, const uint8_t *st, uint8_t best, uint8_t standby,
    int dir)
{
	uint8_t		want = want_of(f, best);
	uint8_t		want_sb = next_of(f, standby);
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
	if ((pri & (pri - 1)) != 0) {
		f->ecmp_on[pri] += (uint32_t)dir;
		if (pri != want)
			f->ecmp_mismatch[pri] += (uint32_t)dir;
	}
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

/* Before a walk that counts every prefix again (fib_count(..., 1) each). */
void
fib_counts_clear(struct fib *f)
{
	memset(f->mismatch, 0, sizeof(f->mismatch));
	memset(f->on, 0, sizeof(f->on));
	memset(f->pinned, 0, sizeof(f->pinned));
	memset(f->lacks, 0, sizeof(f->lacks));
	memset(f->ecmp_on, 0, sizeof(f->ecmp_on));
	memset(f->ecmp_mismatch, 0, sizeof(f->ecmp_mismatch));
	f->sb_missing = 0;
}

/* Where the route at s forwards now (0: nowhere). */
uint8_t
fib_spot_at(const struct fib *f, struct spot s)
{
	if (s.mask == 0)
		return 0;
	if (s.pin)
		return f->t[lowest_bit(s.mask)].link_up ? s.mask : 0;
	return fib_resolve(f, s.mask);
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
		return alias && sb != 0 && fib_resolve(f, sb) == want ? sb : 0;
	if (sb != want_sb && (!alias || sb == 0 ||
	    fib_resolve(f, sb) != want_sb))
		return want_sb;
	return sb;
}

/* ECMP: a primary on a group of several tunnels stays while the group
 * forwards where wanted, or the group's tunnels are those wanted (a
 * member on its way back joins the group, see fib_home.c). */
static bool
ecmp_stays(const struct fib *f, struct spot cur, uint8_t want)
{
	if (aliasing(f) || !f->nexthops || cur.pin ||
	    (cur.mask & (cur.mask - 1)) == 0 || f->members[cur.mask] == 0)
		return false;
	return cur.mask == want || f->members[cur.mask] == want;
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
	if (ecmp_stays(f, cur, want))
		return cur;
	if (cur.mask != 0 && fib_spot_at(f, cur) == want &&
	    (aliasing(f) || cur.pin || cur.mask == want)) {
		/* it forwards where wanted: it stays, and a pinned one goes
		 * back on its group once that forwards there too */
		if (cur.pin && fib_resolve(f, cur.mask) == cur.mask &&
		    !(f->homing & cur.mask))
			cur.pin = false;
		return cur;
	}
	if (aliasing(f) && cur.mask == 0 && sb != 0 && sb == sb_of(st) &&
	    fib_resolve(f, sb) == want)
		return cur;	/* the standby forwards: its primary
				   went with a link */
	if (!f->nexthops || (want & (want - 1)) != 0)
		return s;
	/* G(want) points at a tunnel without a path for the prefix (want
	 * is coming back), or is gone with the link it pointed at */
	to = fib_resolve(f, want);
	if (to != want && (to & have) == 0) {
		s.pin = true;
		if (!f->t[lowest_bit(want)].link_up)
			s.mask = 0;
	}
	return s;
}

/*
 * Bring the routes of pfx (state st) to what the RIB wants: the primary
 * forwarding into want, a standby into want_sb; have is every tunnel
 * with a path.  Only what must change is written, the primary first.
 */
void
fib_place(struct fib *f, const struct kr_prefix *pfx, uint8_t *st, uint8_t want,
    uint8_t want_sb, uint8_t have)
{
	uint8_t		sb = standby_spot(f, st, want, want_sb);
	struct spot	pri = primary_spot(f, st, want, have, sb);

	/* a standby kept on the primary's own group is no standby */
	if (want_sb == 0 && sb == pri.mask)
		sb = 0;
	sb = fib_defer_standby(f, pfx, st, sb);
	/* a tunnel's group goes with its link: no route can use it */
	if (aliasing(f) && sb != 0 && f->members[sb] == 0)
		sb = 0;
	if (pri.mask != st[PRI] || pri.pin != pinned(st)) {
		f->stats.routes += pri.mask != 0 && st[PRI] == 0;
		f->stats.routes -= pri.mask == 0 && st[PRI] != 0;
		st[PRI] = pri.mask;
		pin_put(st, pri.pin && pri.mask != 0);
		fib_put_route(f, pfx, st, true);
	}
	if (sb != sb_of(st)) {
		f->stats.standbys += sb != 0 && sb_of(st) == 0;
		f->stats.standbys -= sb == 0 && sb_of(st) != 0;
		sb_put(st, sb);
		fib_put_route(f, pfx, st, false);
	}
}

/* Write the primary (or the standby) route of pfx where st says it is. */
void
fib_put_route(struct fib *f, const struct kr_prefix *pfx, const uint8_t *st,
    bool primary)
{
	if (!primary)
		fib_route_set(f, pfx, f->metric + 1, sb_of(st));
	else if (pinned(st))
		kr_route(f->kr, pfx, f->metric, NH_ID(lowest_bit(st[PRI])));
	else
		fib_route_set(f, pfx, f->metric, st[PRI]);
}

static void
reorder_one(const struct rib_prefix *p, uint8_t best, uint8_t standby,
    uint8_t st[RIB_USER_BYTES], void *arg)
{
	struct fib		*f = arg;
	struct kr_prefix	 pfx = kr_prefix_of(p);

	fib_place(f, &pfx, st, want_of(f, best), next_of(f, standby),
	    rib_carriers(best, standby));
	fib_count(f, st, best, standby, 1);
}

void
fib_reorder(struct fib *f)
{
	if (f->walk == NULL)
		return;
	fib_counts_clear(f);
	f->walk(0, SIZE_MAX, reorder_one, f, f->lookup_arg);
	kr_flush(f->kr);
	fib_bring_home(f);
}

void
fib_change(struct fib *f, const struct rib_change *c)
{
	struct kr_prefix	pfx = kr_prefix_of(&c->pfx);

	/* IPv6 routes only with kr_conf.inet6 (an IPv6 neighbor at
	 * start); the RIB may hold IPv6 prefixes without one. */
	if (c->pfx.af == AF_INET6 && !f->kc.inet6)
		return;
	fib_count(f, c->user, c->old_best, c->old_standby, -1);
	fib_place(f, &pfx, c->user, want_of(f, c->best),
	    next_of(f, c->standby), rib_carriers(c->best, c->standby));
	fib_count(f, c->user, c->best, c->standby, 1);
	if (c->user[PRI] != 0)
		fib_stale_relearned(f, &pfx, f->metric);
	if (sb_of(c->user) != 0)
		fib_stale_relearned(f, &pfx, f->metric + 1);
	fib_bring_home(f);
}
