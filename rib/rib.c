/* SPDX-License-Identifier: ISC */
/*
 * rib.c: the entry points of the RIB.  UPDATEs come in, peers are
 * flushed, the policy is reloaded; every path that changes runs the
 * decision for its prefix (decision.c), which reports a change of the
 * prefix's best and standby tunnels to the daemon.
 *
 * Paths refused by the policy stay in the peer's Adj-RIB-In, flagged
 * (rib_entry.rejected): a reload that allows them needs no ROUTE-REFRESH.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd/util/log.h"
#include "rib/rib_impl.h"

static void
check_peer(unsigned i)
{
	if (i >= RIB_MAX_PEERS)
		fatalx("rib: peer %u out of range", i);
}

static void
clock_set(struct rib *r, uint64_t now_ms)
{
	if (now_ms > r->now_ms)
		r->now_ms = now_ms;
}

/* The prefix of m with host bits cleared; false if it is no prefix. */
static bool
prefix_of(const struct msg_prefix *m, struct rib_prefix *pfx)
{
	if (m->len > 32)
		return false;
	memset(pfx, 0, sizeof(*pfx));
	pfx->af = AF_INET;
	pfx->len = m->len;
	pfx->addr.s_addr = m->len == 0 ? 0 :
	    m->addr.s_addr & htonl(0xffffffffU << (32 - m->len));
	return true;
}

struct rib *
rib_new(const struct conf *conf, rib_change_fn fn, void *arg)
{
	struct rib	*r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		fatal("rib: calloc");
	rib_table_init(&r->table);
	rib_attrs_init(&r->attrs);
	rib_policy_load(&r->policy, conf);
	r->fn = fn;
	r->arg = arg;
	return r;
}

void
rib_free(struct rib *r)
{
	if (r == NULL)
		return;
	rib_table_free(&r->table);
	rib_attrs_clear(&r->attrs);
	rib_policy_free(&r->policy);
	free(r);
}

/* Peer i's path leaves e (which keeps its place in the table). */
static void
drop_path(struct rib *r, struct rib_entry *e, unsigned i)
{
	struct rib_peer_stats	*st = &r->peer[i].stats;
	uint8_t			 bit = RIB_BIT(i);

	st->received--;
	if (!(e->rejected & bit))
		st->accepted--;
	if (e->stale & bit)
		st->stale--;
	rib_attrs_unref(&r->attrs, rib_entry_path(e, i));
	rib_entry_set_path(e, i, RIB_ATTR_NONE);
	e->rejected &= (uint8_t)~bit;
	e->stale &= (uint8_t)~bit;
}

/* Peer i announces pfx with attribute set id, whose reference it hands
 * over; the path replaces the peer's previous one. */
static void
announce(struct rib *r, unsigned i, const struct rib_prefix *pfx,
    uint32_t id)
{
	struct rib_peer_stats	*st = &r->peer[i].stats;
	struct rib_entry	*e;
	enum rib_reject		 v;
	uint32_t		 old;
	uint8_t			 bit = RIB_BIT(i);

	v = rib_policy_check(r, pfx, rib_attrs_get(&r->attrs, id));
	e = rib_table_get(&r->table, pfx);
	if ((old = rib_entry_path(e, i)) == RIB_ATTR_NONE)
		st->received++;
	else {
		if (!(e->rejected & bit))
			st->accepted--;
		rib_attrs_unref(&r->attrs, old);
	}
	rib_entry_set_path(e, i, id);
	if (e->stale & bit)
		st->stale--;		/* announced again: fresh */
	e->stale &= (uint8_t)~bit;
	if (v == RIB_ACCEPTED) {
		e->rejected &= (uint8_t)~bit;
		st->accepted++;
	} else {
		e->rejected |= bit;
		st->rejected[v]++;
	}
	rib_decide(r, e);
}

static void
withdraw(struct rib *r, unsigned i, const struct rib_prefix *pfx)
{
	struct rib_entry	*e;

	e = rib_table_find(&r->table, pfx);
	if (e == NULL || !(e->present & RIB_BIT(i)))
		return;
	drop_path(r, e, i);
	rib_decide(r, e);
	if (e->present == 0)
		rib_table_del(&r->table, (size_t)(e - r->table.e));
}

static void
withdraw_list(struct rib *r, unsigned i, const struct msg_prefix *list,
    size_t n)
{
	struct rib_prefix	pfx;
	size_t			k;

	for (k = 0; k < n; k++)
		if (prefix_of(&list[k], &pfx))
			withdraw(r, i, &pfx);
}

static void
withdraw_list6(struct rib *r, unsigned i, const struct msg_prefix6 *list,
    size_t n)
{
	struct rib_prefix	pfx;
	size_t			k;

	for (k = 0; k < n; k++)
		if (rib_prefix_set(&pfx, AF_INET6, &list[k].addr, list[k].len))
			withdraw(r, i, &pfx);
}

/* The IPv6 NLRI of u (MP_REACH_NLRI, AFI 2) with its RFC 2545 next hop,
 * global then link-local. */
static void
announce6(struct rib *r, unsigned i, const struct msg_update *u)
{
	struct rib_prefix	pfx;
	struct in6_addr		nh[2];
	uint32_t		id;
	size_t			k;

	nh[0] = u->attrs.next_hop6.global;
	nh[1] = u->attrs.next_hop6.link_local;
	id = rib_attrs_intern6(&r->attrs, &u->attrs, nh, u->bad_nexthop);
	for (k = 0; k < u->n_nlri6; k++)
		if (rib_prefix_set(&pfx, AF_INET6, &u->nlri6[k].addr,
		    u->nlri6[k].len)) {
			rib_attrs_ref(&r->attrs, id);
			announce(r, i, &pfx, id);
		}
	rib_attrs_unref(&r->attrs, id);
}

size_t
rib_update(struct rib *r, unsigned i, const struct msg_update *u,
    uint64_t now_ms)
{
	struct rib_prefix	pfx;
	uint32_t		id;
	size_t			k;

	check_peer(i);
	clock_set(r, now_ms);
	r->gen++;
	withdraw_list(r, i, u->withdrawn, u->n_withdrawn);
	withdraw_list6(r, i, u->withdrawn6, u->n_withdrawn6);
	if (u->action != UPD_OK) {
		withdraw_list(r, i, u->nlri, u->n_nlri);
		withdraw_list6(r, i, u->nlri6, u->n_nlri6);
	} else if (u->n_nlri6 > 0)
		announce6(r, i, u);
	if (u->action == UPD_OK && u->n_nlri > 0) {
		id = rib_attrs_intern(&r->attrs, &u->attrs, u->bad_nexthop);
		for (k = 0; k < u->n_nlri; k++)
			if (prefix_of(&u->nlri[k], &pfx)) {
				rib_attrs_ref(&r->attrs, id);
				announce(r, i, &pfx, id);
			}
		rib_attrs_unref(&r->attrs, id);
	}
	rib_table_shrink(&r->table);
	return r->peer[i].stats.received;
}

size_t
rib_update_prefixes(struct rib *r, unsigned i, const struct rib_prefix *wd,
    size_t n_wd, const struct rib_prefix *nlri, size_t n_nlri,
    const struct msg_attrs *attrs, const struct in6_addr *nh6,
    bool bad_nexthop, uint64_t now_ms)
{
	uint32_t	id;
	size_t		k;

	check_peer(i);
	clock_set(r, now_ms);
	r->gen++;
	for (k = 0; k < n_wd; k++)
		withdraw(r, i, &wd[k]);
	if (attrs == NULL)
		for (k = 0; k < n_nlri; k++)
			withdraw(r, i, &nlri[k]);
	else if (n_nlri > 0) {
		id = rib_attrs_intern6(&r->attrs, attrs, nh6, bad_nexthop);
		for (k = 0; k < n_nlri; k++) {
			rib_attrs_ref(&r->attrs, id);
			announce(r, i, &nlri[k], id);
		}
		rib_attrs_unref(&r->attrs, id);
	}
	rib_table_shrink(&r->table);
	return r->peer[i].stats.received;
}

/* What sweep() does with the paths of one peer. */
enum sweep {
	SWEEP_ALL,		/* drop them all */
	SWEEP_STALE,		/* drop the stale ones */
	SWEEP_RESTART,		/* drop where another peer has a fresh
				   path, the policy refused it or it is
				   stale from an earlier restart, mark
				   the others stale (RFC 4724 4.2) */
};

static void
sweep(struct rib *r, unsigned i, uint64_t now_ms, enum sweep how)
{
	struct rib_table	*t = &r->table;
	struct rib_entry	*e;
	uint8_t			 bit = RIB_BIT(i);
	size_t			 k = 0;

	check_peer(i);
	clock_set(r, now_ms);
	if (r->peer[i].stats.received > 0)
		r->gen++;
	while (k < t->cap && r->peer[i].stats.received > 0) {
		e = &t->e[k];
		if (e->len == RIB_LEN_EMPTY || !(e->present & bit) ||
		    (how == SWEEP_STALE && !(e->stale & bit))) {
			k++;
			continue;
		}
		if (how == SWEEP_RESTART && !(e->rejected & bit) &&
		    !(e->stale & bit) && (e->present & (uint8_t)~e->rejected &
		    (uint8_t)~e->stale & (uint8_t)~bit) == 0) {
			r->peer[i].stats.stale++;
			e->stale |= bit;
			k++;
			continue;
		}
		drop_path(r, e, i);
		rib_decide(r, e);
		if (e->present == 0)
			rib_table_del(t, k);	/* k holds the next one */
		else
			k++;
	}
	rib_table_shrink(t);
}

void
rib_peer_flush(struct rib *r, unsigned i, uint64_t now_ms)
{
	sweep(r, i, now_ms, SWEEP_ALL);
}

/* Check every path of e against the policy again. */
static void
recheck(struct rib *r, struct rib_entry *e)
{
	struct rib_peer_stats	*st;
	struct rib_prefix	 pfx;
	enum rib_reject		 v;
	unsigned		 i;
	uint8_t			 bit;

	rib_entry_prefix(&r->table, e, &pfx);
	for (i = 0; i < RIB_MAX_PEERS; i++) {
		if (!(e->present & (bit = RIB_BIT(i))))
			continue;
		st = &r->peer[i].stats;
		v = rib_policy_check(r, &pfx,
		    rib_attrs_get(&r->attrs, rib_entry_path(e, i)));
		if (v == RIB_ACCEPTED && (e->rejected & bit)) {
			e->rejected &= (uint8_t)~bit;
			st->accepted++;
		} else if (v != RIB_ACCEPTED && !(e->rejected & bit)) {
			e->rejected |= bit;
			st->accepted--;
			st->rejected[v]++;
		}
	}
}

void
rib_set_policy(struct rib *r, const struct conf *conf)
{
	size_t	k;

	rib_policy_load(&r->policy, conf);
	r->gen++;
	for (k = 0; k < r->table.cap; k++)
		if (r->table.e[k].len != RIB_LEN_EMPTY) {
			recheck(r, &r->table.e[k]);
			rib_decide(r, &r->table.e[k]);
		}
}

static void
peer_set(struct rib *r, unsigned i, uint8_t af, const struct in6_addr *addr,
    uint32_t preference)
{
	struct rib_peer	*p;
	size_t		 k;

	check_peer(i);
	p = &r->peer[i];
	if (p->af == af && memcmp(&p->addr6, addr, sizeof(*addr)) == 0 &&
	    p->preference == preference)
		return;
	p->af = af;
	p->addr6 = *addr;
	p->preference = preference;
	r->gen++;
	if (p->stats.received == 0)
		return;
	for (k = 0; k < r->table.cap; k++)
		if (r->table.e[k].len != RIB_LEN_EMPTY &&
		    (r->table.e[k].present & RIB_BIT(i)))
			rib_decide(r, &r->table.e[k]);
}

void
rib_peer_set(struct rib *r, unsigned i, struct in_addr addr,
    uint32_t preference)
{
	struct in6_addr	a;

	memset(&a, 0, sizeof(a));
	memcpy(&a, &addr, sizeof(addr));
	peer_set(r, i, AF_INET, &a, preference);
}

void
rib_peer_set6(struct rib *r, unsigned i, const struct in6_addr *addr,
    uint32_t preference)
{
	peer_set(r, i, AF_INET6, addr, preference);
}

const struct rib_peer_stats *
rib_peer_stats(const struct rib *r, unsigned i)
{
	check_peer(i);
	return &r->peer[i].stats;
}

void
rib_walk(const struct rib *r, rib_walk_fn fn, void *arg)
{
	const struct rib_attrs	*paths[RIB_MAX_PEERS];
	const struct rib_entry	*e;
	struct rib_prefix	 pfx;
	size_t			 k;
	unsigned		 i;

	for (k = 0; k < r->table.cap; k++) {
		e = &r->table.e[k];
		if (e->len == RIB_LEN_EMPTY)
			continue;
		for (i = 0; i < RIB_MAX_PEERS; i++)
			paths[i] = rib_attrs_get(&r->attrs,
			    rib_entry_path(e, i));
		rib_entry_prefix(&r->table, e, &pfx);
		fn(&pfx, paths, e->best, e->standby, arg);
	}
}

size_t
rib_walk_user_part(struct rib *r, size_t from, size_t n, rib_walk_user_fn fn,
    void *arg)
{
	struct rib_entry	*e;
	struct rib_prefix	 pfx;
	size_t			 k;

	for (k = from; k < r->table.cap && k - from < n; k++) {
		e = &r->table.e[k];
		if (e->len == RIB_LEN_EMPTY)
			continue;
		rib_entry_prefix(&r->table, e, &pfx);
		fn(&pfx, e->best, e->standby, e->user, arg);
	}
	return k < r->table.cap ? k : 0;
}

void
rib_walk_user(struct rib *r, rib_walk_user_fn fn, void *arg)
{
	(void)rib_walk_user_part(r, 0, SIZE_MAX, fn, arg);
}

const uint8_t *
rib_user(const struct rib *r, const struct rib_prefix *pfx)
{
	const struct rib_entry	*e = rib_table_find(&r->table, pfx);

	return e != NULL ? e->user : NULL;
}

size_t
rib_count(const struct rib *r)
{
	return r->n_active;
}

size_t
rib_count_all(const struct rib *r)
{
	return r->table.count;
}

uint64_t
rib_generation(const struct rib *r)
{
	return r->gen;
}

void
rib_lookup(const struct rib *r, const struct rib_prefix *pfx, uint8_t *best,
    uint8_t *standby)
{
	const struct rib_entry	*e = rib_table_find(&r->table, pfx);

	*best = e != NULL ? e->best : 0;
	*standby = e != NULL ? e->standby : 0;
}

bool
rib_paths(const struct rib *r, const struct rib_prefix *pfx,
    const struct rib_attrs *paths[RIB_MAX_PEERS], uint8_t *best,
    uint8_t *standby, uint8_t *stale)
{
	const struct rib_entry	*e = rib_table_find(&r->table, pfx);
	unsigned		 i;

	if (e == NULL)
		return false;
	for (i = 0; i < RIB_MAX_PEERS; i++)
		paths[i] = rib_attrs_get(&r->attrs, rib_entry_path(e, i));
	*best = e->best;
	*standby = e->standby;
	*stale = e->stale;
	return true;
}

/*
 * RFC 4724 4.2, as a receiver, with what DESIGN.md adds: where another
 * peer has an accepted path, peer i's path goes at once (no forwarding
 * into a restarting tunnel when there is another); elsewhere it stays,
 * marked stale, until announced again or rib_peer_flush_stale.  "To deal
 * with possible consecutive restarts, a route (from the peer) previously
 * marked as stale MUST be deleted."
 */
void
rib_peer_stale(struct rib *r, unsigned i, uint64_t now_ms)
{
	sweep(r, i, now_ms, SWEEP_RESTART);
}

void
rib_peer_flush_stale(struct rib *r, unsigned i, uint64_t now_ms)
{
	sweep(r, i, now_ms, SWEEP_STALE);
}

size_t
rib_peer_stale_count(const struct rib *r, unsigned i)
{
	check_peer(i);
	return r->peer[i].stats.stale;
}
