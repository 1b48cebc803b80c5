/* SPDX-License-Identifier: ISC */
/*
 * attrs.c: interned path attributes.  Every path with the same ORIGIN,
 * AS_PATH, NEXT_HOP, MED and COMMUNITIES (and verdict on the NEXT_HOP)
 * shares one reference-counted
 * struct rib_attrs: the two tunnels of an AWS VPN send a VPC's prefixes
 * with a handful of distinct attribute sets, so 1,000,000 paths cost a
 * few nodes.  Nodes are found by content through a chained hash table and
 * by a small integer id, which is what the prefix table stores.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "bgpd/util/log.h"
#include "rib/rib_impl.h"

#define ATTR_MIN_BUCKETS	64

static void *
xreallocarray(void *p, size_t n, size_t size)
{
	if (size != 0 && n > SIZE_MAX / size)
		fatalx("rib: allocation overflow");
	if ((p = realloc(p, n * size)) == NULL)
		fatal("rib: realloc");
	return p;
}

/* FNV-1a over the bytes. */
static uint32_t
hash_bytes(uint32_t h, const void *data, size_t len)
{
	const uint8_t	*p = data;

	while (len-- > 0) {
		h ^= *p++;
		h *= 16777619U;
	}
	return h;
}

/* The next hop of a path: m's IPv4 NEXT_HOP, or an IPv6 one. */
struct nexthop {
	uint8_t		af;
	struct in6_addr	a;		/* IPv4: in the first 4 bytes */
	struct in6_addr	ll;
};

static void
nexthop_of(const struct msg_attrs *m, const struct in6_addr *nh6,
    struct nexthop *nh)
{
	memset(nh, 0, sizeof(*nh));
	if (nh6 != NULL) {
		nh->af = AF_INET6;
		nh->a = nh6[0];
		nh->ll = nh6[1];
	} else {
		nh->af = AF_INET;
		memcpy(&nh->a, &m->next_hop, sizeof(m->next_hop));
	}
}

static uint32_t
hash_msg(const struct msg_attrs *m, const struct nexthop *nh,
    bool bad_nexthop)
{
	bool		has_med = (m->present & ATTR_BIT(ATTR_MED)) != 0;
	uint32_t	med = has_med ? m->med : 0;
	uint32_t	h = 2166136261U;

	h = hash_bytes(h, &bad_nexthop, sizeof(bad_nexthop));
	h = hash_bytes(h, &m->origin, sizeof(m->origin));
	h = hash_bytes(h, &has_med, sizeof(has_med));
	h = hash_bytes(h, &med, sizeof(med));
	h = hash_bytes(h, nh, sizeof(*nh));
	h = hash_bytes(h, m->as_path, m->as_path_len);
	h = hash_bytes(h, &m->as_path_len, sizeof(m->as_path_len));
	return hash_bytes(h, m->communities,
	    (size_t)m->n_communities * sizeof(uint32_t));
}

static bool
node_equal(const struct rib_attrs *a, const struct msg_attrs *m,
    const struct nexthop *nh, bool bad_nexthop)
{
	bool	has_med = (m->present & ATTR_BIT(ATTR_MED)) != 0;

	if (a->bad_nexthop != bad_nexthop || a->origin != m->origin ||
	    a->has_med != has_med ||
	    (has_med && a->med != m->med) ||
	    a->next_hop_af != nh->af ||
	    memcmp(&a->next_hop6, &nh->a, sizeof(nh->a)) != 0 ||
	    memcmp(&a->next_hop6_ll, &nh->ll, sizeof(nh->ll)) != 0 ||
	    a->as_path_len != m->as_path_len ||
	    a->as_path_count != m->as_path_count ||
	    a->n_communities != m->n_communities)
		return false;
	if (m->as_path_len > 0 &&
	    memcmp(a->as_path, m->as_path, m->as_path_len) != 0)
		return false;
	return m->n_communities == 0 || memcmp(a->communities,
	    m->communities, (size_t)m->n_communities * sizeof(uint32_t)) == 0;
}

static struct rib_attr_node *
node_new(const struct msg_attrs *m, const struct nexthop *nh,
    bool bad_nexthop, uint32_t hash)
{
	struct rib_attr_node	*n;
	size_t			 nc = m->n_communities;

	n = calloc(1, sizeof(*n) + nc * sizeof(uint32_t) + m->as_path_len);
	if (n == NULL)
		fatal("rib: calloc");
	n->a.hash = hash;
	n->a.bad_nexthop = bad_nexthop;
	n->a.origin = m->origin;
	n->a.has_med = (m->present & ATTR_BIT(ATTR_MED)) != 0;
	n->a.med = n->a.has_med ? m->med : 0;
	n->a.next_hop_af = nh->af;
	n->a.next_hop6 = nh->a;
	n->a.next_hop6_ll = nh->ll;
	n->a.as_path_count = m->as_path_count;
	n->a.as_path_len = m->as_path_len;
	n->a.n_communities = m->n_communities;
	if (nc > 0) {
		n->a.communities = n->tail;
		memcpy(n->tail, m->communities, nc * sizeof(uint32_t));
	}
	n->a.as_path = (uint8_t *)(n->tail + nc);
	if (m->as_path_len > 0)
		memcpy(n->a.as_path, m->as_path, m->as_path_len);
	return n;
}

static void
buckets_resize(struct rib_attr_store *s, size_t n_bucket)
{
	struct rib_attr_node	**b, *n, *next;
	size_t			  i;

	if ((b = calloc(n_bucket, sizeof(*b))) == NULL)
		fatal("rib: calloc");
	for (i = 0; i < s->n_bucket; i++)
		for (n = s->bucket[i]; n != NULL; n = next) {
			next = n->next;
			n->next = b[n->a.hash & (n_bucket - 1)];
			b[n->a.hash & (n_bucket - 1)] = n;
		}
	free(s->bucket);
	s->bucket = b;
	s->n_bucket = n_bucket;
}

static uint32_t
id_get(struct rib_attr_store *s, struct rib_attr_node *n)
{
	uint32_t	id;

	if (s->n_free > 0)
		id = s->free_id[--s->n_free];
	else {
		if (s->n_id == UINT32_MAX)
			fatalx("rib: out of attribute ids");
		if (s->n_id == s->cap_id) {
			s->cap_id = s->cap_id * 2;
			s->by_id = xreallocarray(s->by_id, s->cap_id,
			    sizeof(*s->by_id));
		}
		id = s->n_id++;
	}
	s->by_id[id] = n;
	return id;
}

static void
id_put(struct rib_attr_store *s, uint32_t id)
{
	s->by_id[id] = NULL;
	if (s->n_free == s->cap_free) {
		s->cap_free = s->cap_free == 0 ? 64 : s->cap_free * 2;
		s->free_id = xreallocarray(s->free_id, s->cap_free,
		    sizeof(*s->free_id));
	}
	s->free_id[s->n_free++] = id;
}

void
rib_attrs_init(struct rib_attr_store *s)
{
	memset(s, 0, sizeof(*s));
	buckets_resize(s, ATTR_MIN_BUCKETS);
	s->cap_id = 64;
	s->by_id = xreallocarray(NULL, s->cap_id, sizeof(*s->by_id));
	s->by_id[RIB_ATTR_NONE] = NULL;
	s->n_id = 1;
}

void
rib_attrs_clear(struct rib_attr_store *s)
{
	struct rib_attr_node	*n, *next;
	size_t			 i;

	for (i = 0; i < s->n_bucket; i++)
		for (n = s->bucket[i]; n != NULL; n = next) {
			next = n->next;
			free(n);
		}
	free(s->bucket);
	free(s->by_id);
	free(s->free_id);
	memset(s, 0, sizeof(*s));
}

uint32_t
rib_attrs_intern(struct rib_attr_store *s, const struct msg_attrs *m,
    bool bad_nexthop)
{
	return rib_attrs_intern6(s, m, NULL, bad_nexthop);
}

uint32_t
rib_attrs_intern6(struct rib_attr_store *s, const struct msg_attrs *m,
    const struct in6_addr *nh6, bool bad_nexthop)
{
	struct rib_attr_node	*n;
	struct nexthop		 nh;
	uint32_t		 h;

	nexthop_of(m, nh6, &nh);
	h = hash_msg(m, &nh, bad_nexthop);
	for (n = s->bucket[h & (s->n_bucket - 1)]; n != NULL; n = n->next)
		if (n->a.hash == h && node_equal(&n->a, m, &nh,
		    bad_nexthop)) {
			n->a.refcnt++;
			return n->id;
		}
	if (s->count >= s->n_bucket)
		buckets_resize(s, s->n_bucket * 2);
	n = node_new(m, &nh, bad_nexthop, h);
	n->a.refcnt = 1;
	n->id = id_get(s, n);
	n->next = s->bucket[h & (s->n_bucket - 1)];
	s->bucket[h & (s->n_bucket - 1)] = n;
	s->count++;
	return n->id;
}

void
rib_attrs_ref(struct rib_attr_store *s, uint32_t id)
{
	if (id == RIB_ATTR_NONE || id >= s->n_id || s->by_id[id] == NULL)
		fatalx("rib: ref of attribute id %u", id);
	if (s->by_id[id]->a.refcnt == UINT32_MAX)
		fatalx("rib: attribute reference count overflow");
	s->by_id[id]->a.refcnt++;
}

void
rib_attrs_unref(struct rib_attr_store *s, uint32_t id)
{
	struct rib_attr_node	*n, **pp;

	if (id == RIB_ATTR_NONE || id >= s->n_id || s->by_id[id] == NULL)
		fatalx("rib: unref of attribute id %u", id);
	n = s->by_id[id];
	if (--n->a.refcnt > 0)
		return;
	for (pp = &s->bucket[n->a.hash & (s->n_bucket - 1)]; *pp != n;
	    pp = &(*pp)->next)
		;
	*pp = n->next;
	id_put(s, id);
	s->count--;
	free(n);
}

const struct rib_attrs *
rib_attrs_get(const struct rib_attr_store *s, uint32_t id)
{
	if (id == RIB_ATTR_NONE)
		return NULL;
	return &s->by_id[id]->a;
}

size_t
rib_debug_attrs_live(const struct rib *r)
{
	return r->attrs.count;
}

uint64_t
rib_debug_attrs_refs(const struct rib *r)
{
	const struct rib_attr_node	*n;
	uint64_t			 sum = 0;
	size_t				 i;

	for (i = 0; i < r->attrs.n_bucket; i++)
		for (n = r->attrs.bucket[i]; n != NULL; n = n->next)
			sum += n->a.refcnt;
	return sum;
}
