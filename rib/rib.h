/* SPDX-License-Identifier: ISC */
/*
 * rib.h: the routes learned from the VGW tunnels (Adj-RIB-In per peer),
 * the choice of the best tunnel per prefix (Loc-RIB) and the import
 * policy.  No sockets and no kernel: the daemon feeds checked UPDATEs in
 * and hears, per prefix, which tunnels to use.
 *
 * Peers are small indexes (0 .. RIB_MAX_PEERS-1), one per tunnel, in the
 * order of the configuration.  Path attributes are interned: every path
 * with the same attributes shares one reference-counted struct rib_attrs.
 */
#ifndef VTB_RIB_H
#define VTB_RIB_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bgpd/session/msg.h"
#include "bgpd/conf/conf.h"

#define RIB_MAX_PEERS	8
#define RIB_USER_BYTES	2	/* kept per prefix for the daemon (the FIB) */

struct rib;

/*
 * A prefix of either family: af says which member of the union holds
 * it; host bits, and the bytes of addr6 beyond an IPv4 address, are 0
 * (so that two equal prefixes are equal bytes).  IPv4 code reads addr as
 * it always did.  20 bytes.
 */
struct rib_prefix {
	uint8_t		af;		/* AF_INET or AF_INET6 */
	uint8_t		len;		/* 0..32, or 0..128 */
	union {
		struct in_addr	addr;	/* AF_INET, network order */
		struct in6_addr	addr6;	/* AF_INET6 */
	};
};

/* The longest prefix of af (32 or 128; 0 for another af). */
static inline uint8_t
rib_af_maxlen(uint8_t af)
{
	return af == AF_INET ? 32 : af == AF_INET6 ? 128 : 0;
}

/*
 * Fill pfx with the prefix of af (AF_INET: a struct in_addr, AF_INET6: a
 * struct in6_addr) at addr, len bits, host bits cleared.  Returns false,
 * pfx zeroed, for another af or a len above the family's.
 */
bool		 rib_prefix_set(struct rib_prefix *pfx, uint8_t af,
		    const void *addr, unsigned len);
/* Same af, len and address. */
bool		 rib_prefix_eq(const struct rib_prefix *,
		    const struct rib_prefix *);
/* Is a inside b (equal, or longer and under it)?  Never across families. */
bool		 rib_prefix_inside(const struct rib_prefix *a,
		    const struct rib_prefix *b);

/* Interned path attributes (what the decision process and show need). */
struct rib_attrs {
	uint32_t	 refcnt;
	uint32_t	 hash;
	bool		 bad_nexthop;	/* NEXT_HOP not on the tunnel
					   (RFC 4271 6.3): refused */
	uint8_t		 origin;
	bool		 has_med;
	uint8_t		 next_hop_af;	/* AF_INET, or AF_INET6 */
	uint32_t	 med;
	union {
		struct in_addr	 next_hop;	/* AF_INET */
		struct in6_addr	 next_hop6;	/* AF_INET6: global
						   (RFC 2545 3) */
	};
	struct in6_addr	 next_hop6_ll;	/* AF_INET6: the link-local
					   one of a 32-byte next hop,
					   or :: */
	uint16_t	 as_path_count;
	uint16_t	 as_path_len;
	uint8_t		*as_path;	/* 4-octet segments, as in msg.h */
	uint16_t	 n_communities;
	uint32_t	*communities;
};

/* A change of the tunnels one prefix uses; masks have bit i for peer i. */
struct rib_change {
	struct rib_prefix	pfx;
	uint8_t			best;		/* peers whose paths forward */
	uint8_t			standby;	/* other peers with a path */
	uint8_t			old_best;
	uint8_t			old_standby;
	uint8_t			*user;		/* the prefix's user bytes (0 when
						   new), valid during the call */
};

/*
 * The peers that have a path for a prefix, as the kernel side, the
 * drill's preflight and `show routes` count them: a path in use, best or
 * standby (accepted by the policy, and not a stale path where a fresh one
 * exists).  A nexthop group is never made to forward a prefix into a
 * tunnel outside this set.
 */
static inline uint8_t
rib_carriers(uint8_t best, uint8_t standby)
{
	return best | standby;
}

/* Called for every prefix whose best or standby mask changed. */
typedef void	(*rib_change_fn)(const struct rib_change *, void *arg);

/* Why a route was not accepted (counted per peer). */
enum rib_reject {
	RIB_ACCEPTED,
	RIB_NOT_ALLOWED,	/* no allow rule matches */
	RIB_DEFAULT_ROUTE,	/* 0.0.0.0/0 or ::/0 without an exact allow */
	RIB_COVERS_NETWORK,	/* covers one of our networks, no exact allow */
	RIB_OWN_AS,		/* our AS in the AS_PATH (loop) */
	RIB_INSIDE_NETWORK,	/* inside one of our networks, no exact allow */
	RIB_BAD_NEXTHOP,	/* NEXT_HOP not on the tunnel (msg_update's
				   bad_nexthop) */
	RIB_NREJECT		/* (the number of verdicts) */
};

struct rib_peer_stats {
	uint32_t	received;	/* prefixes in the Adj-RIB-In */
	uint32_t	accepted;	/* of those, accepted by policy */
	uint32_t	best;		/* of those, in use for forwarding */
	uint32_t	stale;		/* of those, kept stale across the
					   peer's graceful restart */
	uint64_t	rejected[RIB_NREJECT];
};

/*
 * A RIB for the import policy of conf (allow rules, networks, local AS;
 * copied) with ecmp as configured.  fn hears every change.  Prefixes of
 * both families live in one table; the policy compares a prefix only
 * with the allow rules and networks of its own family.
 */
struct rib	*rib_new(const struct conf *conf, rib_change_fn fn, void *arg);
void		 rib_free(struct rib *);

/* Take a new policy (reload): every path is checked again. */
void		 rib_set_policy(struct rib *, const struct conf *conf);

/*
 * Peer i exists with this address and preference (local preference).
 * The address only breaks ties (decision.c): IPv4 as before.
 */
void		 rib_peer_set(struct rib *, unsigned i, struct in_addr addr,
		    uint32_t preference);
/* The same for a peer with an IPv6 address. */
void		 rib_peer_set6(struct rib *, unsigned i,
		    const struct in6_addr *addr, uint32_t preference);

/*
 * Paths from peer i: withdraw u->withdrawn and u->withdrawn6, then
 * u->nlri (with u->attrs, NEXT_HOP) and u->nlri6 (with u->attrs,
 * next_hop6: MP_REACH_NLRI of AFI 2), or, for UPD_TREAT_AS_WITHDRAW,
 * withdraw those too; with u->bad_nexthop, keep them refused.  now_ms is
 * a monotonic clock, for "best longest".  Returns the number of prefixes
 * (both families) the peer now has in its Adj-RIB-In.
 */
size_t		 rib_update(struct rib *, unsigned i, const struct msg_update *u,
		    uint64_t now_ms);

/*
 * The same with prefixes of either family in the RIB's form (what
 * MP_REACH_NLRI and MP_UNREACH_NLRI carry, RFC 4760): withdraw wd, then
 * announce nlri with attrs, or withdraw them too if attrs is NULL
 * (UPD_TREAT_AS_WITHDRAW).  nh6: NULL for attrs' IPv4 NEXT_HOP, or the
 * IPv6 next hop, global then link-local (:: if none; RFC 2545 3).  Every
 * prefix must be valid (rib_prefix_set): an invalid one is fatal.
 * Returns as rib_update.
 */
size_t		 rib_update_prefixes(struct rib *, unsigned i,
		    const struct rib_prefix *wd, size_t n_wd,
		    const struct rib_prefix *nlri, size_t n_nlri,
		    const struct msg_attrs *attrs, const struct in6_addr *nh6,
		    bool bad_nexthop, uint64_t now_ms);

/* Peer i is gone (session down, link down): all its paths go. */
void		 rib_peer_flush(struct rib *, unsigned i, uint64_t now_ms);

/*
 * Peer i is restarting (RFC 4724): its paths go where another peer has
 * one, and stay, stale, where none has, until announced again or
 * rib_peer_flush_stale (End-of-RIB, or the restart time is over).  Paths
 * still stale from an earlier restart go (a second restart keeps only
 * what was announced again since the first).
 */
void		 rib_peer_stale(struct rib *, unsigned i, uint64_t now_ms);
void		 rib_peer_flush_stale(struct rib *, unsigned i,
		    uint64_t now_ms);
size_t		 rib_peer_stale_count(const struct rib *, unsigned i);

const struct rib_peer_stats *rib_peer_stats(const struct rib *, unsigned i);

/* The policy's verdict on one prefix and its attributes. */
enum rib_reject	 rib_policy_check(const struct rib *,
		    const struct rib_prefix *, const struct rib_attrs *);

/*
 * The decision process between two paths to the same prefix: < 0 if the
 * path of peer a is better, > 0 if b is, 0 if equal down to MED (ECMP
 * candidates).  best_since_a/b: when each became best (0 if not best):
 * the older best wins the tie after MED.
 */
int		 rib_compare(const struct rib *, unsigned a,
		    const struct rib_attrs *pa, uint64_t best_since_a,
		    unsigned b, const struct rib_attrs *pb,
		    uint64_t best_since_b);

/* Visit every prefix with at least one path, in no particular order. */
typedef void	(*rib_walk_fn)(const struct rib_prefix *,
		    const struct rib_attrs *const paths[RIB_MAX_PEERS],
		    uint8_t best, uint8_t standby, void *arg);
void		 rib_walk(const struct rib *, rib_walk_fn, void *arg);

/*
 * Visit every prefix with at least one path, with its user bytes, which
 * fn may change (and nothing else: no update, flush or lookup that adds).
 */
typedef void	(*rib_walk_user_fn)(const struct rib_prefix *, uint8_t best,
		    uint8_t standby, uint8_t user[RIB_USER_BYTES], void *arg);
void		 rib_walk_user(struct rib *, rib_walk_user_fn, void *arg);

/*
 * The same, a part at a time: the prefixes in table slots from .. from+n-1;
 * returns the slot to go on from, 0 at the end.  Prefixes added, removed
 * or moved by the table between two calls may be seen twice or missed.
 */
size_t		 rib_walk_user_part(struct rib *, size_t from, size_t n,
		    rib_walk_user_fn, void *arg);

/* The user bytes of pfx, or NULL if the RIB has no entry for it. */
const uint8_t	*rib_user(const struct rib *, const struct rib_prefix *);

/* The tunnels pfx uses now (both 0 if the RIB has no path for it). */
void		 rib_lookup(const struct rib *, const struct rib_prefix *,
		    uint8_t *best, uint8_t *standby);

/* The paths of one prefix, as rib_walk gives them, and which of them are
 * kept stale (graceful restart); false if none. */
bool		 rib_paths(const struct rib *, const struct rib_prefix *,
		    const struct rib_attrs *paths[RIB_MAX_PEERS], uint8_t *best,
		    uint8_t *standby, uint8_t *stale);

/* Number of prefixes with at least one accepted path. */
size_t		 rib_count(const struct rib *);
/* Number of prefixes with any path, accepted or not: what rib_walk and
 * `show routes` visit. */
size_t		 rib_count_all(const struct rib *);

/*
 * Changes with every change of what the RIB holds: a path announced,
 * withdrawn, refused, kept stale or flushed, a new policy or preference
 * (for views cached outside, as `show routes` keeps one).
 */
uint64_t	 rib_generation(const struct rib *);

#endif
