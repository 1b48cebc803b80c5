/* SPDX-License-Identifier: ISC */
/*
 * fib_carrier.c: what the kernel removes by itself when a tunnel loses
 * its carrier (its nexthop, the groups left empty, every route on them),
 * forgotten here, and the dead tunnel's group made again pointing at a
 * survivor; and every route installed again when kernel notifications
 * were lost.
 */
#include "config.h"

#include <stdint.h>

#include "bgpd/fib/fib_impl.h"

/* Install every route again as its state says (kernel events were lost). */
static void
reinstall_one(const struct rib_prefix *p, uint8_t best, uint8_t standby,
    uint8_t st[RIB_USER_BYTES], void *arg)
{
	struct fib		*f = arg;
	struct kr_prefix	 pfx = kr_prefix_of(p);

	if (st[PRI] != 0)
		fib_put_route(f, &pfx, st, true);
	if (sb_of(st) != 0)
		fib_put_route(f, &pfx, st, false);
}

void
fib_reinstall(struct fib *f)
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

	if (pri.mask != 0 && fib_spot_at(f, pri) == 0) {
		st[PRI] = 0;
		pin_put(st, false);
		f->stats.routes--;
	}
	if (sb_of(st) != 0 && fib_resolve(f, sb_of(st)) == 0) {
		sb_put(st, 0);
		f->stats.standbys--;
	}
	fib_count(f, st, best, standby, 1);
}

/* Forget the routes on groups that are gone (the kernel removed them). */
void
fib_routes_lost(struct fib *f)
{
	unsigned	m;

	fib_counts_clear(f);
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
void
fib_rebuild(struct fib *f, unsigned i)
{
	uint8_t		live = 0;
	unsigned	m;

	for (m = 0; m < RIB_MAX_PEERS; m++)
		live |= ready(f, m) && m != i ? BIT(m) : 0;
	live &= same_af(f, i);
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
		fib_point(f, BIT(i), next_of(f, live));
		kr_flush(f->kr);
	}
	f->restore |= BIT(i);
	f->restored = 0;
	f->sb_next = 0;
	if (!ev_is_active(&f->t_sweep))
		ev_timer_start(f->loop, &f->t_sweep);
}

void
fib_link_lost(struct fib *f, unsigned i)
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
		fib_routes_lost(f);
	fib_rebuild(f, i);
}
