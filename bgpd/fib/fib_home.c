/* SPDX-License-Identifier: ISC */
/*
 * fib_home.c: the way back: a tunnel that is up again gets its group
 * pointing at it once the routes on it want it (all but a few, or all it
 * has sent), one message for all of them; the few that do not are moved
 * one by one first.  With ECMP, a tunnel that is back joins the groups
 * of several tunnels it was taken out of, likewise.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>

#include "bgpd/fib/fib_impl.h"
#include "bgpd/util/clock.h"

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
	struct kr_prefix	 pfx = kr_prefix_of(p);
	uint8_t			 want = want_of(f, best);
	uint8_t			 want_sb = next_of(f, standby);

	if ((st[PRI] == x->bit && !pinned(st) && want != x->bit) ||
	    (sb_of(st) == x->bit && want_sb != x->bit)) {
		fib_place(f, &pfx, st, want, want_sb,
		    rib_carriers(best, standby));
		x->moved++;
	}
	fib_count(f, st, best, standby, 1);
}

static void
unpin_one(const struct rib_prefix *p, uint8_t best, uint8_t standby,
    uint8_t st[RIB_USER_BYTES], void *arg)
{
	struct home_walk	*x = arg;
	struct kr_prefix	 pfx = kr_prefix_of(p);

	if (!pinned(st) || st[PRI] != x->bit)
		return;
	fib_count(x->f, st, best, standby, -1);
	fib_place(x->f, &pfx, st, want_of(x->f, best), next_of(x->f, standby),
	    rib_carriers(best, standby));
	fib_count(x->f, st, best, standby, 1);
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

	f->members[BIT(i)] = BIT(i);	/* as fib_place() must see it */
	f->homing |= BIT(i);		/* (but the pinned wait) */
	if (f->mismatch[i] > 0 && f->walk != NULL) {
		fib_counts_clear(f);
		f->walk(0, SIZE_MAX, home_one, &x, f->lookup_arg);
	}
	f->homing &= (uint8_t)~BIT(i);
	fib_point(f, BIT(i), BIT(i));
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

/* ---- ECMP: a tunnel back in the groups of several tunnels --------------- */

/* A primary on the group x->bit (several tunnels), which is about to
 * get a tunnel back: moved first unless it wants the group as it will
 * be. */
static void
ecmp_one(const struct rib_prefix *p, uint8_t best, uint8_t standby,
    uint8_t st[RIB_USER_BYTES], void *arg)
{
	struct home_walk	*x = arg;
	struct kr_prefix	 pfx = kr_prefix_of(p);
	uint8_t			 want = want_of(x->f, best);

	if (st[PRI] != x->bit || pinned(st) || want == x->bit ||
	    want == x->f->members[x->bit])
		return;
	fib_count(x->f, st, best, standby, -1);
	fib_place(x->f, &pfx, st, want, next_of(x->f, standby),
	    rib_carriers(best, standby));
	fib_count(x->f, st, best, standby, 1);
	x->moved++;
}

/* The group of mask points at the live tunnels to again (one message),
 * the routes on it that want other tunnels moved one by one first. */
static void
ecmp_join(struct fib *f, uint8_t mask, uint8_t to, const char *why)
{
	struct home_walk	x = { f, mask, 0 };
	uint8_t			back = to & (uint8_t)~f->members[mask];

	f->members[mask] = to;		/* as fib_place() must see it */
	if (f->ecmp_mismatch[mask] > 0 && f->walk != NULL)
		f->walk(0, SIZE_MAX, ecmp_one, &x, f->lookup_arg);
	fib_point(f, mask, to);
	kr_flush(f->kr);
	log_info("tunnel %s: back in its ECMP group (%zu routes moved one "
	    "by one first; %s)", f->t[lowest_bit(back)].ifname, x.moved,
	    why);
	fib_event(f, "tunnel %s back in its ECMP group: group rewritten, "
	    "%zu routes moved one by one", f->t[lowest_bit(back)].ifname,
	    x.moved);
}

/* Few routes on the group of mask want other tunnels: see
 * HOME_FEW_SHARE. */
static bool
ecmp_few(const struct fib *f, unsigned mask)
{
	return f->ecmp_mismatch[mask] <= HOME_FEW_MAX &&
	    (uint64_t)f->ecmp_mismatch[mask] * HOME_FEW_SHARE <=
	    f->ecmp_on[mask];
}

/*
 * Groups of several tunnels that lack a tunnel that is back: it joins
 * them once every route on them wants all their tunnels, or once the
 * tunnels back have sent their routes, or (settled: nothing came for
 * HOME_SETTLE_S) all but a few.  Only while some tunnel is on its way
 * back (f->ecmp_back), since every RIB change comes here.  Whether a
 * group waits with only a few routes left.
 */
static bool
ecmp_bring_home(struct fib *f, bool settled)
{
	uint8_t		live = 0, to, back, left = 0;
	unsigned	i, mask;
	bool		few = false;
	char		why[96];

	if (f->ecmp_back == 0)
		return false;
	for (i = 0; i < RIB_MAX_PEERS; i++)
		if (ready(f, i))
			live |= BIT(i);
	for (mask = 3; mask < 256; mask++) {
		to = (uint8_t)(mask & live);
		back = to & (uint8_t)~f->members[mask];
		if ((mask & (mask - 1)) == 0 || f->members[mask] == 0 ||
		    back == 0)
			continue;
		snprintf(why, sizeof(why), "all but %u of the %u routes on it "
		    "want all its tunnels", f->ecmp_mismatch[mask],
		    f->ecmp_on[mask]);
		if (f->ecmp_mismatch[mask] == 0)
			ecmp_join(f, (uint8_t)mask, to,
			    "every route on it wants all its tunnels");
		else if ((f->synced & back) == back)
			ecmp_join(f, (uint8_t)mask, to,
			    "it sent all its routes");
		else if (settled && ecmp_few(f, mask))
			ecmp_join(f, (uint8_t)mask, to, why);
		else {
			few |= ecmp_few(f, mask);
			left |= back;
		}
	}
	f->ecmp_back = left;
	return few;
}

/* Groups pointing away from a tunnel that is back: home when done. */
void
fib_bring_home(struct fib *f)
{
	bool		 few = false;
	unsigned	 i;

	if (f->nexthops && f->ecmp)
		few = ecmp_bring_home(f, false);
	for (i = 0; i < RIB_MAX_PEERS && aliasing(f); i++) {
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

void
fib_on_home(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct fib	*f = w->data;
	char		 why[96];
	unsigned	 i;

	ev_timer_stop(loop, w);
	if (f->nexthops && f->ecmp)
		(void)ecmp_bring_home(f, true);
	for (i = 0; i < RIB_MAX_PEERS && aliasing(f); i++) {
		if (!away(f, i) || !ready(f, i) || !home_few(f, i))
			continue;
		snprintf(why, sizeof(why), "all but %u of the %u routes on "
		    "it want it", f->mismatch[i], f->on[i]);
		home(f, i, why);
	}
}

void
fib_tunnel_up(struct fib *f, unsigned slot)
{
	f->t[slot].alive = true;
	f->synced &= (uint8_t)~BIT(slot);
	if (!f->nexthops || !f->t[slot].link_up)
		return;
	fib_tunnel_nexthop(f, slot);
	/* a group that points elsewhere comes home with the routes */
	if (!aliasing(f) || f->members[BIT(slot)] == 0) {
		fib_point(f, BIT(slot), BIT(slot));
		(void)unpin(f, slot);
	}
	kr_flush(f->kr);
	/* (the ECMP groups take it back in fib_bring_home) */
	f->ecmp_back |= BIT(slot);
	fib_bring_home(f);
}

void
fib_tunnel_synced(struct fib *f, unsigned slot)
{
	f->synced |= BIT(slot);
	fib_bring_home(f);
}
