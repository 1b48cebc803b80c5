/* SPDX-License-Identifier: ISC */
/*
 * decision.c: the decision process, which tunnel a prefix uses.
 *
 * RFC 4271 9.1.1: "If the route is learned from an external peer, then
 * the local BGP speaker computes the degree of preference based on
 * preconfigured policy information."  9.1.2: "the local BGP speaker
 * identifies the route that has: a) the highest degree of preference of
 * any route to the same set of destinations, or b) is the only route to
 * that destination, or c) is selected as a result of the Phase 2 tie
 * breaking rules specified in Section 9.1.2.2."
 *
 * RFC 4271 9.1.2.2, Breaking Ties (Phase 2): "The tie-breaking algorithm
 * begins by considering all equally preferable routes to the same
 * destination, and then selects routes to be removed from consideration.
 * The algorithm terminates as soon as only one route remains in
 * consideration.  The criteria MUST be applied in the order specified.
 *
 *   a) Remove from consideration all routes that are not tied for having
 *      the smallest number of AS numbers present in their AS_PATH
 *      attributes.  Note that when counting this number, an AS_SET
 *      counts as 1, no matter how many ASes are in the set.
 *   b) Remove from consideration all routes that are not tied for having
 *      the lowest Origin number in their Origin attribute.
 *   c) Remove from consideration routes with less-preferred
 *      MULTI_EXIT_DISC attributes.  MULTI_EXIT_DISC is only comparable
 *      between routes learned from the same neighboring AS [...].
 *      Routes that do not have the MULTI_EXIT_DISC attribute are
 *      considered to have the lowest possible MULTI_EXIT_DISC value.
 *   d) If at least one of the candidate routes was received via EBGP,
 *      remove from consideration all routes that were received via IBGP.
 *   e) Remove from consideration any routes with less-preferred interior
 *      cost. [...]
 *   f) Remove from consideration all routes other than the route that
 *      was advertised by the BGP speaker with the lowest BGP Identifier
 *      value.
 *   g) Prefer the route received from the lowest peer address."
 *
 * What this implementation adds to, or reads into, that text:
 *  - The degree of preference is the `preference` of the neighbor the
 *    route came from (its local preference): higher wins.  Routes the
 *    import policy refused never get here.
 *  - c) is always applied: both tunnels lead to the same VGW, one AS, and
 *    AWS steers with MED during tunnel maintenance (MED 100 on both,
 *    lower on the survivor).  A missing MED is 0, as the RFC says.
 *  - d) and e) do not apply: every route is EBGP and its NEXT_HOP is the
 *    far end of a point-to-point tunnel.
 *  - Routes equal down to c) are ECMP candidates: rib_compare() returns 0
 *    for them, and with `kernel { ecmp on }` they all forward.
 *  - Before f): the route that has been best longest stays best (RFC
 *    5004, "Avoid BGP Best Path Transitions from One External to
 *    Another").  When AWS raises the survivor's MED back to 100, traffic
 *    does not move a second time.  f) is skipped (two endpoints of one
 *    VGW; the RIB does not know their identifiers) and g) decides
 *    between routes neither of which is best; the peer index breaks a
 *    tie between unconfigured peers.  These tie-breakers are
 *    rib_tiebreak(), not rib_compare(), so that 0 from rib_compare()
 *    keeps meaning "ECMP candidate".
 */
#include "config.h"

#include <arpa/inet.h>
#include <string.h>

#include "rib/rib_impl.h"

typedef int	(*step_fn)(const struct rib *, unsigned,
		    const struct rib_attrs *, unsigned,
		    const struct rib_attrs *);

/* Lower wins: < 0 when a is lower. */
static int
lower(uint32_t a, uint32_t b)
{
	return a < b ? -1 : a > b;
}

static int
step_preference(const struct rib *r, unsigned a, const struct rib_attrs *pa,
    unsigned b, const struct rib_attrs *pb)
{
	return lower(r->peer[b].preference, r->peer[a].preference);
}

static int
step_as_path(const struct rib *r, unsigned a, const struct rib_attrs *pa,
    unsigned b, const struct rib_attrs *pb)
{
	return lower(pa->as_path_count, pb->as_path_count);
}

static int
step_origin(const struct rib *r, unsigned a, const struct rib_attrs *pa,
    unsigned b, const struct rib_attrs *pb)
{
	return lower(pa->origin, pb->origin);
}

static int
step_med(const struct rib *r, unsigned a, const struct rib_attrs *pa,
    unsigned b, const struct rib_attrs *pb)
{
	return lower(pa->has_med ? pa->med : 0, pb->has_med ? pb->med : 0);
}

/* RFC 4271 9.1.1, then 9.1.2.2 a) to c), in order. */
static const struct {
	const char	*name;
	step_fn		 cmp;
} steps[] = {
	{ "preference",		step_preference },
	{ "as-path length",	step_as_path },
	{ "origin",		step_origin },
	{ "med",		step_med },
};

/* best_since_a/b are not used: the tie they break comes after MED. */
int
rib_compare(const struct rib *r, unsigned a, const struct rib_attrs *pa,
    uint64_t best_since_a, unsigned b, const struct rib_attrs *pb,
    uint64_t best_since_b)
{
	size_t	i;
	int	c;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if ((c = steps[i].cmp(r, a, pa, b, pb)) != 0)
			return c;
	return 0;
}

const char *
rib_compare_step(const struct rib *r, unsigned a, const struct rib_attrs *pa,
    unsigned b, const struct rib_attrs *pb)
{
	size_t	i;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (steps[i].cmp(r, a, pa, b, pb) != 0)
			return steps[i].name;
	return "";
}

int
rib_tiebreak(const struct rib *r, unsigned a, uint64_t best_since_a,
    unsigned b, uint64_t best_since_b)
{
	const struct rib_peer	*pa = &r->peer[a], *pb = &r->peer[b];
	int			 c;

	if (best_since_a != best_since_b) {
		if (best_since_a == 0)
			return 1;
		if (best_since_b == 0)
			return -1;
		return best_since_a < best_since_b ? -1 : 1;
	}
	/* Addresses in network byte order compare as numbers; an IPv4
	 * peer before an IPv6 one (never both for one prefix today). */
	if (pa->af != pb->af)
		return pa->af == AF_INET ? -1 : 1;
	c = memcmp(&pa->addr6, &pb->addr6, sizeof(pa->addr6));
	if (c != 0)
		return c < 0 ? -1 : 1;
	return lower(a, b);
}

/* ---- per prefix --------------------------------------------------------- */

static uint64_t
since(const struct rib_entry *e, unsigned i)
{
	return (e->best & RIB_BIT(i)) ? (uint64_t)e->best_since * 1000 : 0;
}

static const struct rib_attrs *
path(const struct rib *r, const struct rib_entry *e, unsigned i)
{
	return rib_attrs_get(&r->attrs, rib_entry_path(e, i));
}

/* Does peer a's path beat peer b's, the ties broken too? */
static bool
beats(const struct rib *r, const struct rib_entry *e, unsigned a, unsigned b)
{
	int	c;

	c = rib_compare(r, a, path(r, e, a), since(e, a), b, path(r, e, b),
	    since(e, b));
	if (c == 0)
		c = rib_tiebreak(r, a, since(e, a), b, since(e, b));
	return c < 0;
}

/* The winner w and, with ecmp, the paths equal to it down to MED. */
static uint8_t
best_of(const struct rib *r, const struct rib_entry *e, uint8_t acc,
    unsigned *w)
{
	uint8_t		best;
	unsigned	i;

	*w = RIB_MAX_PEERS;
	for (i = 0; i < RIB_MAX_PEERS; i++)
		if ((acc & RIB_BIT(i)) && (*w == RIB_MAX_PEERS ||
		    beats(r, e, i, *w)))
			*w = i;
	if (*w == RIB_MAX_PEERS)
		return 0;
	best = RIB_BIT(*w);
	if (!r->policy.ecmp)
		return best;
	for (i = 0; i < RIB_MAX_PEERS; i++)
		if ((acc & RIB_BIT(i)) && i != *w && rib_compare(r, i,
		    path(r, e, i), since(e, i), *w, path(r, e, *w),
		    since(e, *w)) == 0)
			best |= RIB_BIT(i);
	return best;
}

/* Count the change, then tell the daemon. */
static void
report(struct rib *r, struct rib_entry *e, uint8_t best, uint8_t standby)
{
	struct rib_change	c;
	unsigned		i;

	for (i = 0; i < RIB_MAX_PEERS; i++) {
		if ((best & ~e->best) & RIB_BIT(i))
			r->peer[i].stats.best++;
		else if ((e->best & ~best) & RIB_BIT(i))
			r->peer[i].stats.best--;
	}
	if (e->best == 0 && best != 0)
		r->n_active++;
	else if (e->best != 0 && best == 0)
		r->n_active--;
	rib_entry_prefix(&r->table, e, &c.pfx);
	c.best = best;
	c.standby = standby;
	c.old_best = e->best;
	c.old_standby = e->standby;
	e->best = best;
	e->standby = standby;
	c.user = e->user;
	if (r->fn != NULL)
		r->fn(&c, r->arg);
}

void
rib_decide(struct rib *r, struct rib_entry *e)
{
	uint8_t		acc = e->present & (uint8_t)~e->rejected;
	uint8_t		best, standby;

	/* A stale path (graceful restart) only where nothing fresh is. */
	if ((acc & (uint8_t)~e->stale) != 0)
		acc &= (uint8_t)~e->stale;
	uint64_t	now_s = r->now_ms / 1000 + 1;
	unsigned	w;

	best = best_of(r, e, acc, &w);
	standby = acc & (uint8_t)~best;
	if (best == e->best && standby == e->standby)
		return;
	if (best == 0)
		e->best_since = 0;
	else if (!(e->best & RIB_BIT(w)))
		e->best_since = now_s > UINT32_MAX ? UINT32_MAX :
		    (uint32_t)now_s;
	report(r, e, best, standby);
}
