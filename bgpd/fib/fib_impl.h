/* SPDX-License-Identifier: ISC */
/*
 * fib_impl.h: what the files of bgpd/fib/ share: the nexthop ids, the
 * state each prefix keeps in the RIB's user bytes, struct fib, and the
 * functions one file calls in another.  Not for use outside bgpd/fib/.
 */
#ifndef VTB_FIB_IMPL_H
#define VTB_FIB_IMPL_H

#include <net/if.h>
#include <string.h>

#include "bgpd/fib/fib.h"
#include "bgpd/util/log.h"

#define NH_ID(i)	(KR_NHID_BASE + 0x001U + (i))	/* tunnel nexthop */
#define GROUP_ID(i)	(KR_NHID_BASE + 0x100U + (i))	/* tunnel group */
#define ECMP_ID(mask)	(KR_NHID_BASE + 0x200U + (mask))	/* several */

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
 * ECMP (aliasing off): a primary on the group of several tunnels stays
 * there while that group forwards where the RIB wants, or while the
 * RIB wants all its tunnels (a member on its way back): a carrier loss
 * (the kernel drops the member) or a silent failure (the group is
 * rewritten to the survivors) writes no route.  A tunnel that is back
 * joins the groups it was taken out of as soon as every route on them
 * wants all the group's tunnels again (ecmp_mismatch[mask] counts those
 * that do not), or all but a few as above, or when it is synced: the few
 * routes on them that do not want it are then moved one by one first.
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

/* The way back with a few stragglers: see "Every route" above. */
#define HOME_FEW_SHARE	64	/* at most 1 in 64 of the routes on G(i) */
#define HOME_FEW_MAX	1024	/* and at most this many */
#define HOME_SETTLE_S	0.05	/* after the last change */

struct fib_tunnel {
	bool		configured;
	bool		link_up;
	bool		alive;		/* session established */
	char		ifname[IF_NAMESIZE];
	uint8_t		af;		/* the neighbor's: AF_INET(6) */
	struct in_addr	gw;		/* AF_INET */
	struct in6_addr	gw6;		/* AF_INET6 */
	uint32_t	preference;	/* the neighbor's: which standby */
};

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
	uint32_t		 ecmp_on[256];	/* primaries on the group of
					   several tunnels */
	uint32_t		 ecmp_mismatch[256];	/* ... that want other
						   tunnels */
	uint8_t			 homing;	/* groups going home */
	uint8_t			 ecmp_back;	/* tunnels back, not yet in
						   all their ECMP groups */
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
	void			(*addr6_fn)(unsigned, const struct in6_addr *,
				    bool, void *);
	void			*addr_arg;
};

/* Where a primary route is: on a group (a tunnel mask), or pinned on the
 * nexthop of the tunnel of the mask (see "Pinned"). */
struct spot {
	uint8_t	mask;		/* 0: no route */
	bool	pin;
};

static inline unsigned
lowest_bit(uint8_t mask)
{
	return (unsigned)__builtin_ctz(mask);
}

/* The standby's tunnel as a mask (0: no standby). */
static inline uint8_t
sb_of(const uint8_t *st)
{
	return (st[SB] & SB_TUNNEL) == 0 ? 0 :
	    BIT((st[SB] & SB_TUNNEL) - 1);
}

static inline void
sb_put(uint8_t *st, uint8_t mask)
{
	st[SB] = (uint8_t)((st[SB] & SB_PINNED) |
	    (mask == 0 ? 0 : lowest_bit(mask) + 1));
}

/* The primary is on NH(lowest_bit(st[PRI])), not on its group. */
static inline bool
pinned(const uint8_t *st)
{
	return (st[SB] & SB_PINNED) != 0;
}

static inline void
pin_put(uint8_t *st, bool pin)
{
	st[SB] = (uint8_t)((st[SB] & SB_TUNNEL) | (pin ? SB_PINNED : 0));
}

/* One tunnel of mask: the lowest. */
static inline uint8_t
lowest_mask(uint8_t mask)
{
	return mask == 0 ? 0 : (uint8_t)(1U << lowest_bit(mask));
}

/*
 * The tunnel of mask that takes the traffic next: the highest neighbor
 * preference (the first step of the decision process), the lowest index
 * on a tie.  The standby route uses it, and a group whose tunnel failed
 * points at it: with four tunnels (two connections) a failure moves the
 * traffic to the tunnel the operator ranked next, not to the first one
 * configured.
 */
static inline uint8_t
next_of(const struct fib *f, uint8_t mask)
{
	unsigned	i, w;

	if ((mask & (mask - 1)) == 0)
		return mask;
	for (w = i = lowest_bit(mask); i < RIB_MAX_PEERS; i++)
		if ((mask & BIT(i)) && f->t[i].preference >
		    f->t[w].preference)
			w = i;
	return BIT(w);
}

/* The tunnels of the same family as tunnel i (an IPv6 tunnel's group
 * never points at an IPv4 tunnel's nexthop, nor the other way round). */
static inline uint8_t
same_af(const struct fib *f, unsigned i)
{
	uint8_t		m = 0;
	unsigned	j;

	for (j = 0; j < RIB_MAX_PEERS; j++)
		if (f->t[j].configured && f->t[j].af == f->t[i].af)
			m |= BIT(j);
	return m;
}

/* The kernel's prefix for a prefix of the RIB. */
static inline struct kr_prefix
kr_prefix_of(const struct rib_prefix *p)
{
	struct kr_prefix	k;

	memset(&k, 0, sizeof(k));
	k.family = p->af;
	k.len = p->len;
	if (p->af == AF_INET6)
		k.addr6 = p->addr6;
	else
		k.addr = p->addr;
	return k;
}

static inline bool
aliasing(const struct fib *f)
{
	return f->nexthops && !f->ecmp;
}

/* Tunnel i forwards: session established, link up. */
static inline bool
ready(const struct fib *f, unsigned i)
{
	return f->t[i].alive && f->t[i].link_up;
}

/* G(i) exists and points at another tunnel. */
static inline bool
away(const struct fib *f, unsigned i)
{
	return f->members[BIT(i)] != 0 && f->members[BIT(i)] != BIT(i);
}

/* The group the primary route of a prefix with these best tunnels wants. */
static inline uint8_t
want_of(const struct fib *f, uint8_t best)
{
	return f->ecmp ? best : lowest_mask(best);
}

/* ---- fib.c --------------------------------------------------------------- */

/* NH(i): tunnel i's gateway on its interface, of its family. */
void		 fib_tunnel_nexthop(struct fib *, unsigned i);
/* A line for fib_set_events' hook, if any. */
void		 fib_event(struct fib *, const char *fmt, ...) VTB_PRINTF(2, 3);

/* ---- fib_route.c: where a prefix's routes are, and where they go --------- */

/* Where the routes on the group of mask forward now (0: nowhere). */
uint8_t		 fib_resolve(const struct fib *, uint8_t mask);
/* Point the group of mask at the nexthops of the tunnels in to. */
void		 fib_point(struct fib *, uint8_t mask, uint8_t to);
/* Install (or with mask 0 remove) the route of pfx at metric for mask. */
void		 fib_route_set(struct fib *, const struct kr_prefix *pfx,
		    uint32_t metric, uint8_t mask);
/* Write the primary (or the standby) route of pfx where st says it is. */
void		 fib_put_route(struct fib *, const struct kr_prefix *pfx,
		    const uint8_t *st, bool primary);
/*
 * Count (dir 1) or uncount (dir -1) a prefix in state st, whose best and
 * standby tunnels the RIB gives, in f's counters (mismatch, on, pinned,
 * lacks, sb_missing).
 */
void		 fib_count(struct fib *, const uint8_t *st, uint8_t best,
		    uint8_t standby, int dir);
/* Before a walk that counts every prefix again (fib_count(..., 1) each). */
void		 fib_counts_clear(struct fib *);
/* Where the route at s forwards now (0: nowhere). */
uint8_t		 fib_spot_at(const struct fib *, struct spot s);
/*
 * Bring the routes of pfx (state st, updated) to what the RIB wants: the
 * primary forwarding into want, a standby into want_sb; have is every
 * tunnel with a path.  Only what must change is written, the primary
 * first.  The caller counts st out before and in after.
 */
void		 fib_place(struct fib *, const struct kr_prefix *pfx,
		    uint8_t *st, uint8_t want, uint8_t want_sb, uint8_t have);

/* The tunnels' ranks changed (a preference): every standby where the new
 * order wants it, the counters made again. */
void		 fib_reorder(struct fib *);

/* ---- fib_home.c: the way back -------------------------------------------- */

/* Groups pointing away from a tunnel that is back: home when done. */
void		 fib_bring_home(struct fib *);
/* f->t_home: all but a few routes on a group want its tunnel again. */
void		 fib_on_home(struct ev_loop *, ev_timer *, int);

/* ---- fib_carrier.c: what a carrier loss (or lost notifications) takes ---- */

/* Tunnel i's link went down: the kernel took its nexthop and what used it. */
void		 fib_link_lost(struct fib *, unsigned i);
/* Forget the routes on groups that are gone (the kernel removed them). */
void		 fib_routes_lost(struct fib *);
/* G(i) back at once, pointing at a survivor, its primaries put back on it
 * by the sweep (fib_startup.c). */
void		 fib_rebuild(struct fib *, unsigned i);
/* Install every route again as its state says (kernel events were lost). */
void		 fib_reinstall(struct fib *);

/* ---- fib_startup.c: routes of an earlier run, the background sweep ------- */

/* Read the routes of an earlier run, kept forwarding until fib_converged. */
void		 fib_stale_load(struct fib *);
/* pfx at metric is learned again: its route of an earlier run stays. */
void		 fib_stale_relearned(struct fib *, const struct kr_prefix *pfx,
		    uint32_t metric);
/*
 * The standby sb that fib_place would install for pfx (state st), or 0
 * while start-up holds new standbys back (the sweep installs them).
 */
uint8_t		 fib_defer_standby(struct fib *, const struct kr_prefix *pfx,
		    const uint8_t *st, uint8_t sb);
/* f->t_sweep: a turn of the background walk (standbys, restored
 * primaries, groups written again), while the kernel has time. */
void		 fib_on_sweep(struct ev_loop *, ev_timer *, int);

#endif
