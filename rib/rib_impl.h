/* SPDX-License-Identifier: ISC */
/*
 * rib_impl.h: what the files of rib/ share (the struct rib, the prefix
 * table, the attribute store) and the debug hooks that the unit tests and
 * the benchmark use.  Nothing outside rib/ and tests/ includes it.
 */
#ifndef VTB_RIB_IMPL_H
#define VTB_RIB_IMPL_H

#include "rib/rib.h"

#define RIB_ATTR_NONE	0	/* attribute id of "no path" */
#define RIB_INLINE	2	/* paths held in the entry itself */
#define RIB_LEN_EMPTY	0xff	/* rib_entry.len of a free table slot */
#define RIB_LEN6	64	/* rib_entry.len of an IPv6 prefix: this
				   plus its length (64..192) */

#define RIB_BIT(i)	((uint8_t)(1U << (i)))

/*
 * One prefix in the table: 24 bytes whatever the number of peers or the
 * family.
 *
 * An IPv4 prefix is its address and length (0..32).  An IPv6 prefix has
 * len RIB_LEN6 + its length, and addr is the index of its address in the
 * table's key store (struct rib_keys6): the 1,000,000 IPv4 prefixes of a
 * full table cost no byte more for IPv6, and an IPv6 prefix costs 16
 * bytes more, off the probe path until the lengths match.
 *
 * A path is an attribute id (an index into the attribute store, 4 bytes),
 * not a pointer.  While at most RIB_INLINE peers have a path, the ids sit
 * in p.id[] in peer order: the k-th peer set in present owns p.id[k].  A
 * third peer moves them to p.ext, an array of RIB_MAX_PEERS ids indexed by
 * peer, which goes again when the prefix is back to RIB_INLINE paths.
 * With the two tunnels of an AWS VPN nothing is ever allocated per prefix.
 */
struct rib_entry {
	uint32_t	addr;		/* network byte order; IPv6:
					   its index in rib_table.keys6 */
	uint8_t		len;		/* RIB_LEN_EMPTY: free slot;
					   IPv6: RIB_LEN6 + length */
	uint8_t		best;		/* as last reported */
	uint8_t		standby;	/* as last reported */
	uint8_t		present;	/* peers with a path (Adj-RIB-In) */
	uint8_t		rejected;	/* of those, refused by the policy */
	uint8_t		stale;		/* peers whose path is kept across
					   their graceful restart */
	uint8_t		user[RIB_USER_BYTES];	/* the daemon's, per prefix */
	uint32_t	best_since;	/* seconds + 1 when best became best */
	union {
		uint32_t	 id[RIB_INLINE];
		uint32_t	*ext;
	} p;
};

/* The addresses of the IPv6 prefixes; a free slot holds the free list's
 * next link in its first word (slot + 1, 0: none). */
struct rib_keys6 {
	struct in6_addr		*a;
	uint32_t		 n;		/* slots ever handed out */
	uint32_t		 cap;
	uint32_t		 free;		/* first free + 1, 0: none */
};

/* Open addressing, linear probing, deletion by backward shift. */
struct rib_table {
	struct rib_entry	*e;
	size_t			 cap;
	size_t			 count;
	struct rib_keys6	 keys6;
};

/* An interned attribute set; as_path and communities live in tail. */
struct rib_attr_node {
	struct rib_attrs	 a;
	struct rib_attr_node	*next;		/* hash chain */
	uint32_t		 id;
	uint32_t		 tail[];	/* communities, then as_path */
};

struct rib_attr_store {
	struct rib_attr_node	**bucket;
	size_t			  n_bucket;	/* power of 2 */
	size_t			  count;
	struct rib_attr_node	**by_id;	/* [0] is RIB_ATTR_NONE */
	uint32_t		  n_id;		/* ids handed out, with 0 */
	uint32_t		  cap_id;
	uint32_t		 *free_id;	/* ids to hand out again */
	uint32_t		  n_free;
	uint32_t		  cap_free;
};

/* An allow rule of the configuration, its prefix as the RIB's. */
struct rib_allow {
	struct rib_prefix	pfx;
	uint8_t			ge;
	uint8_t			le;
};

struct rib_policy {
	struct rib_allow	*allow;
	size_t			 n_allow;
	struct rib_prefix	*networks;
	size_t			 n_networks;
	uint32_t		 local_as;
	bool			 ecmp;
};

struct rib_peer {
	uint8_t			af;		/* AF_INET, AF_INET6 */
	union {
		struct in_addr	addr;
		struct in6_addr	addr6;		/* IPv4: 0 after */
	};
	uint32_t		preference;
	struct rib_peer_stats	stats;
};

struct rib {
	struct rib_table	 table;
	struct rib_attr_store	 attrs;
	struct rib_policy	 policy;
	struct rib_peer		 peer[RIB_MAX_PEERS];
	rib_change_fn		 fn;
	void			*arg;
	size_t			 n_active;	/* prefixes with a best path */
	uint64_t		 now_ms;	/* latest clock seen */
	uint64_t		 gen;		/* rib_generation() */
};

/* ---- attrs.c ------------------------------------------------------------ */

void		 rib_attrs_init(struct rib_attr_store *);
/* Free every node, whatever its count (rib_free). */
void		 rib_attrs_clear(struct rib_attr_store *);
/* The id of the set equal to m and bad_nexthop (created if new), with
 * one reference. */
uint32_t	 rib_attrs_intern(struct rib_attr_store *,
		    const struct msg_attrs *m, bool bad_nexthop);
/* The same with an IPv6 next hop instead of m's NEXT_HOP (nh6: global,
 * link-local), or m's if nh6 is NULL. */
uint32_t	 rib_attrs_intern6(struct rib_attr_store *,
		    const struct msg_attrs *m, const struct in6_addr *nh6,
		    bool bad_nexthop);
void		 rib_attrs_ref(struct rib_attr_store *, uint32_t id);
void		 rib_attrs_unref(struct rib_attr_store *, uint32_t id);
const struct rib_attrs *rib_attrs_get(const struct rib_attr_store *,
		    uint32_t id);

/* ---- table.c ------------------------------------------------------------ */

void		 rib_table_init(struct rib_table *);
void		 rib_table_free(struct rib_table *);
struct rib_entry *rib_table_find(const struct rib_table *,
		    const struct rib_prefix *);
/* Find or add (with no path); may move every entry. */
struct rib_entry *rib_table_get(struct rib_table *, const struct rib_prefix *);
/*
 * Remove the entry at index i (it has no path left); entries after it may
 * move back into i, so a scan must look at i again.  Never resizes.
 */
void		 rib_table_del(struct rib_table *, size_t i);
/* Give memory back after many deletions; may move every entry. */
void		 rib_table_shrink(struct rib_table *);
uint32_t	 rib_entry_path(const struct rib_entry *, unsigned peer);
/* Set peer's path to id, or remove it with RIB_ATTR_NONE. */
void		 rib_entry_set_path(struct rib_entry *, unsigned peer,
		    uint32_t id);
/* The prefix of e, a table entry of t. */
void		 rib_entry_prefix(const struct rib_table *t,
		    const struct rib_entry *e, struct rib_prefix *);

/* ---- decision.c --------------------------------------------------------- */

/*
 * The tie-breakers after MED: the path that has been best longest
 * (best_since non-zero and smaller), then the lower peer address, then the
 * lower peer index.  Never 0 for a != b.
 */
int		 rib_tiebreak(const struct rib *, unsigned a,
		    uint64_t best_since_a, unsigned b, uint64_t best_since_b);
/* The name of the step of rib_compare that told a from b ("" if none). */
const char	*rib_compare_step(const struct rib *, unsigned a,
		    const struct rib_attrs *pa, unsigned b,
		    const struct rib_attrs *pb);
/* Run the decision for e; report a change of its masks to rib->fn. */
void		 rib_decide(struct rib *, struct rib_entry *);

/* ---- policy.c ----------------------------------------------------------- */

void		 rib_policy_load(struct rib_policy *, const struct conf *);
void		 rib_policy_free(struct rib_policy *);

/* ---- debug hooks (tests, benchmark) ------------------------------------- */

/* Interned attribute sets alive, and the sum of their reference counts. */
size_t		 rib_debug_attrs_live(const struct rib *);
uint64_t	 rib_debug_attrs_refs(const struct rib *);
/* Prefixes in the table (with any path), its slots and its bytes. */
size_t		 rib_debug_table_count(const struct rib *);
size_t		 rib_debug_table_cap(const struct rib *);
size_t		 rib_debug_table_bytes(const struct rib *);

#endif
