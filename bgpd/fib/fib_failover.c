/* SPDX-License-Identifier: ISC */
/*
 * fib_failover.c: a silent failure (hold timer, NOTIFICATION, probes):
 * the failed tunnel's group is rewritten to a live tunnel, one message
 * for every prefix on it, after pinning the primaries the live tunnel has
 * no path for to the nexthop they forward to now.
 */
#include "config.h"

#include <stdint.h>

#include "bgpd/fib/fib_impl.h"
#include "bgpd/util/clock.h"

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
	struct kr_prefix	 pfx = kr_prefix_of(p);

	if (st[PRI] != x->group || pinned(st) ||
	    (rib_carriers(best, standby) & x->to))
		return;
	fib_count(x->f, st, best, standby, -1);
	st[PRI] = x->now;
	pin_put(st, true);
	fib_put_route(x->f, &pfx, st, true);
	fib_count(x->f, st, best, standby, 1);
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

/* The live tunnels that have a path for most of the primaries on G(i),
 * and of those the one ranked next (next_of), to point G(i) at; 0 if
 * none is live. */
static uint8_t
target(const struct fib *f, unsigned i, uint8_t live)
{
	uint8_t		most = 0;
	unsigned	j, t = RIB_MAX_PEERS;

	for (j = 0; j < RIB_MAX_PEERS; j++) {
		if (!(live & BIT(j)))
			continue;
		if (t == RIB_MAX_PEERS || f->lacks[i][j] < f->lacks[i][t]) {
			t = j;
			most = 0;
		}
		if (f->lacks[i][j] == f->lacks[i][t])
			most |= BIT(j);
	}
	return next_of(f, most);
}

/* Point G(i) at tunnel to, the routes it cannot carry there pinned. */
static void
repoint(struct fib *f, unsigned i, uint8_t to)
{
	strand(f, BIT(i), to);
	fib_point(f, BIT(i), to);
}

const char *
fib_points_at(const struct fib *f, unsigned slot)
{
	uint8_t	to;

	if (slot >= RIB_MAX_PEERS || !f->nexthops ||
	    (to = f->members[BIT(slot)]) == 0)
		return NULL;
	return f->t[lowest_bit(to)].ifname;
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
	live &= same_af(f, slot);
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
	/*
	 * An ECMP group drops this tunnel and keeps the others it forwards
	 * to now: a tunnel that came back but has not joined yet (waiting
	 * for its routes, fib_home.c) is not put in here, or half the flows
	 * of a prefix it has no path for would go into it.  Only when
	 * nothing of the group is left does it take any live tunnel of
	 * its own.
	 */
	for (mask = 1; mask < 256; mask++) {
		if ((mask & (mask - 1)) == 0 || !(mask & BIT(slot)) ||
		    f->members[mask] == 0)
			continue;
		to_i = f->members[mask] & live;
		if (to_i == 0)
			to_i = (uint8_t)(mask & live);
		if (to_i != 0 && to_i != f->members[mask])
			fib_point(f, (uint8_t)mask, to_i);
	}
	kr_flush(f->kr);
	took = clock_mono_us() - start;
	f->stats.failovers++;
	f->stats.last_failover_us = took;
	log_info("tunnel %s: failover to %s (group rewritten in %llu us)",
	    f->t[slot].ifname, f->t[lowest_bit(to)].ifname,
	    (unsigned long long)took);
	return took;
}
