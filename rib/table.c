/* SPDX-License-Identifier: ISC */
/*
 * table.c: the prefix table, one struct rib_entry (24 bytes) per prefix
 * that some peer sent, paths inline.
 *
 * Open addressing with linear probing: a lookup reads one or two cache
 * lines and a prefix costs no malloc.  The home slot of a key is its
 * 32-bit hash scaled to the capacity (multiply and shift), so the
 * capacity need not be a power of two and grows by half, in place, at a
 * load of 0.8: at 1,000,000 prefixes the table is 1.5 M slots, 36 MB.
 * Deletion moves the following entries of the cluster back (no
 * tombstones), so a table that has seen churn probes like a fresh one.
 *
 * IPv6 prefixes share the table: their entry holds the index of their
 * address in a side array (struct rib_keys6) and a length above
 * RIB_LEN6, which no IPv4 length reaches, so the families never match
 * each other and IPv4 entries stay 24 bytes.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "bgpd/util/log.h"
#include "rib/rib_impl.h"

#define TABLE_MIN_CAP	1024

static unsigned
nbits(unsigned x)
{
	unsigned	n = 0;

	for (; x != 0; x &= x - 1)
		n++;
	return n;
}

/* A 64-bit finalizer (MurmurHash3's fmix64) over address and length. */
static uint32_t
key_hash(uint32_t addr, uint8_t len)
{
	uint64_t	k = (uint64_t)addr << 8 | len;

	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ULL;
	k ^= k >> 33;
	return (uint32_t)k;
}

/* The same over an IPv6 address (elen: RIB_LEN6 + length). */
static uint32_t
key6_hash(const struct in6_addr *a, uint8_t elen)
{
	uint64_t	hi, lo;

	memcpy(&hi, &a->s6_addr[0], sizeof(hi));
	memcpy(&lo, &a->s6_addr[8], sizeof(lo));
	return key_hash((uint32_t)(hi ^ hi >> 32) ^
	    (uint32_t)(lo ^ lo >> 32) * 0x9e3779b1U, elen);
}

static size_t
scale(const struct rib_table *t, uint32_t h)
{
	return (size_t)(((uint64_t)h * t->cap) >> 32);
}

static size_t
home(const struct rib_table *t, uint32_t addr, uint8_t len)
{
	return scale(t, key_hash(addr, len));
}

static size_t __attribute__((noinline))
home6(const struct rib_table *t, const struct rib_entry *e)
{
	return scale(t, key6_hash(&t->keys6.a[e->addr], e->len));
}

/* The home slot of an entry of either family. */
static inline size_t
home_of(const struct rib_table *t, const struct rib_entry *e)
{
	if (__builtin_expect(e->len >= RIB_LEN6, 0))
		return home6(t, e);
	return home(t, e->addr, e->len);
}

/* A slot for an IPv6 address; its index. */
static uint32_t
key6_add(struct rib_keys6 *k, const struct in6_addr *a)
{
	uint32_t	i;

	if (k->free != 0) {
		i = k->free - 1;
		memcpy(&k->free, &k->a[i], sizeof(k->free));
	} else {
		if (k->n == k->cap) {
			if (k->cap >= UINT32_MAX / 2)
				fatalx("rib: too many IPv6 prefixes");
			k->cap = k->cap == 0 ? 64 : k->cap * 2;
			if ((k->a = reallocarray(k->a, k->cap,
			    sizeof(*k->a))) == NULL)
				fatal("rib: IPv6 keys");
		}
		i = k->n++;
	}
	k->a[i] = *a;
	return i;
}

static void
key6_del(struct rib_keys6 *k, uint32_t i)
{
	memset(&k->a[i], 0, sizeof(k->a[i]));
	memcpy(&k->a[i], &k->free, sizeof(k->free));
	k->free = i + 1;
}

static void
keys6_free(struct rib_keys6 *k)
{
	free(k->a);
	memset(k, 0, sizeof(*k));
}

static size_t
next(const struct rib_table *t, size_t i)
{
	return i + 1 == t->cap ? 0 : i + 1;
}

/* Distance from slot a forward to slot b, around the end. */
static size_t
dist(const struct rib_table *t, size_t a, size_t b)
{
	return b >= a ? b - a : b + t->cap - a;
}

/* Smaller: into a new array (after many deletions; rare). */
static void
resize(struct rib_table *t, size_t cap)
{
	struct rib_table	 n = { NULL, cap, t->count, t->keys6 };
	size_t			 i, j;

	if ((n.e = malloc(cap * sizeof(*n.e))) == NULL)
		fatal("rib: table of %zu prefixes", cap);
	for (i = 0; i < cap; i++)
		n.e[i].len = RIB_LEN_EMPTY;
	for (i = 0; i < t->cap; i++) {
		if (t->e[i].len == RIB_LEN_EMPTY)
			continue;
		j = home_of(&n, &t->e[i]);
		while (n.e[j].len != RIB_LEN_EMPTY)
			j = next(&n, j);
		n.e[j] = t->e[i];
	}
	free(t->e);
	*t = n;
}

#define DONE(d, i)	((d)[(i) / 64] & (1ULL << ((i) % 64)))
#define SET_DONE(d, i)	((d)[(i) / 64] |= 1ULL << ((i) % 64))

/*
 * Larger: in place, so that the old and the new array never live
 * together (a large array is grown by mremap(2), without a copy): at
 * 1,000,000 prefixes that is 24 MB less at the peak.  Each entry not yet
 * placed is taken out and put at the first slot from its new home that
 * is empty or holds another entry not yet placed, which it takes in
 * turn.  Placed entries never move again and only a slot of an entry not
 * yet placed is ever emptied, so no placed entry finds a hole between
 * its home and its slot.
 */
static void
grow(struct rib_table *t, size_t cap)
{
	struct rib_entry	*e, cur, tmp;
	uint64_t		*done;
	size_t			 i, j;

	if ((e = reallocarray(t->e, cap, sizeof(*e))) == NULL ||
	    (done = calloc((cap + 63) / 64, sizeof(*done))) == NULL)
		fatal("rib: table of %zu prefixes", cap);
	for (i = t->cap; i < cap; i++)
		e[i].len = RIB_LEN_EMPTY;
	t->e = e;
	t->cap = cap;
	for (i = 0; i < cap; i++) {
		if (e[i].len == RIB_LEN_EMPTY || DONE(done, i))
			continue;
		cur = e[i];
		e[i].len = RIB_LEN_EMPTY;
		for (;;) {
			j = home_of(t, &cur);
			while (e[j].len != RIB_LEN_EMPTY && DONE(done, j))
				j = next(t, j);
			SET_DONE(done, j);
			if (e[j].len == RIB_LEN_EMPTY) {
				e[j] = cur;
				break;
			}
			tmp = e[j];
			e[j] = cur;
			cur = tmp;
		}
	}
	free(done);
}

void
rib_table_init(struct rib_table *t)
{
	memset(t, 0, sizeof(*t));
}

void
rib_table_free(struct rib_table *t)
{
	size_t	i;

	for (i = 0; i < t->cap; i++)
		if (t->e[i].len != RIB_LEN_EMPTY &&
		    nbits(t->e[i].present) > RIB_INLINE)
			free(t->e[i].p.ext);
	free(t->e);
	keys6_free(&t->keys6);
	memset(t, 0, sizeof(*t));
}

static size_t
lookup(const struct rib_table *t, uint32_t addr, uint8_t len, bool *found)
{
	size_t	i = home(t, addr, len);

	for (; t->e[i].len != RIB_LEN_EMPTY; i = next(t, i))
		if (t->e[i].addr == addr && t->e[i].len == len) {
			*found = true;
			return i;
		}
	*found = false;
	return i;
}

static size_t
lookup6(const struct rib_table *t, const struct in6_addr *a, uint8_t elen,
    bool *found)
{
	size_t	i = scale(t, key6_hash(a, elen));

	for (; t->e[i].len != RIB_LEN_EMPTY; i = next(t, i))
		if (t->e[i].len == elen && memcmp(&t->keys6.a[t->e[i].addr],
		    a, sizeof(*a)) == 0) {
			*found = true;
			return i;
		}
	*found = false;
	return i;
}

/* The slot of pfx, or where it would go. */
static size_t
lookup_pfx(const struct rib_table *t, const struct rib_prefix *pfx,
    bool *found)
{
	if (pfx->af == AF_INET6)
		return lookup6(t, &pfx->addr6, RIB_LEN6 + pfx->len, found);
	return lookup(t, pfx->addr.s_addr, pfx->len, found);
}

static void
check_pfx(const struct rib_prefix *pfx)
{
	if (pfx->len > rib_af_maxlen(pfx->af))
		fatalx("rib: prefix of family %u, length %u", pfx->af,
		    pfx->len);
}

struct rib_entry *
rib_table_find(const struct rib_table *t, const struct rib_prefix *pfx)
{
	bool	found;
	size_t	i;

	if (t->count == 0)
		return NULL;
	check_pfx(pfx);
	i = lookup_pfx(t, pfx, &found);
	return found ? &t->e[i] : NULL;
}

struct rib_entry *
rib_table_get(struct rib_table *t, const struct rib_prefix *pfx)
{
	struct rib_entry	*e;
	bool			 found;
	size_t			 i;

	check_pfx(pfx);
	if (t->cap == 0)
		grow(t, TABLE_MIN_CAP);
	i = lookup_pfx(t, pfx, &found);
	if (found)
		return &t->e[i];
	if ((t->count + 1) * 5 > t->cap * 4) {
		grow(t, t->cap + t->cap / 2);
		i = lookup_pfx(t, pfx, &found);
	}
	e = &t->e[i];
	memset(e, 0, sizeof(*e));
	if (pfx->af == AF_INET6) {
		e->addr = key6_add(&t->keys6, &pfx->addr6);
		e->len = RIB_LEN6 + pfx->len;
	} else {
		e->addr = pfx->addr.s_addr;
		e->len = pfx->len;
	}
	t->count++;
	return e;
}

void
rib_table_del(struct rib_table *t, size_t i)
{
	size_t	j;

	if (t->e[i].present != 0)
		fatalx("rib: deleting a prefix that has paths");
	if (t->e[i].len >= RIB_LEN6)
		key6_del(&t->keys6, t->e[i].addr);
	for (j = next(t, i); t->e[j].len != RIB_LEN_EMPTY; j = next(t, j))
		if (dist(t, home_of(t, &t->e[j]), j) >=
		    dist(t, i, j)) {
			t->e[i] = t->e[j];
			i = j;
		}
	t->e[i].len = RIB_LEN_EMPTY;
	t->count--;
}

void
rib_table_shrink(struct rib_table *t)
{
	if (t->count == 0 && t->cap > 0) {
		free(t->e);
		t->e = NULL;
		t->cap = 0;
		keys6_free(&t->keys6);
		return;
	}
	if (t->cap <= TABLE_MIN_CAP || t->count * 5 >= t->cap)
		return;
	resize(t, t->count * 2 > TABLE_MIN_CAP ? t->count * 2 :
	    TABLE_MIN_CAP);
}

uint32_t
rib_entry_path(const struct rib_entry *e, unsigned peer)
{
	uint8_t	bit = RIB_BIT(peer);

	if (!(e->present & bit))
		return RIB_ATTR_NONE;
	if (nbits(e->present) > RIB_INLINE)
		return e->p.ext[peer];
	return e->p.id[nbits(e->present & (bit - 1))];
}

/* A path for a peer that has none. */
static void
path_add(struct rib_entry *e, unsigned peer, uint32_t id)
{
	uint8_t		 bit = RIB_BIT(peer);
	unsigned	 n = nbits(e->present), k, i;
	uint32_t	*ext;

	if (n > RIB_INLINE)
		e->p.ext[peer] = id;
	else if (n == RIB_INLINE) {
		if ((ext = calloc(RIB_MAX_PEERS, sizeof(*ext))) == NULL)
			fatal("rib: calloc");
		for (i = 0, k = 0; i < RIB_MAX_PEERS; i++)
			if (e->present & RIB_BIT(i))
				ext[i] = e->p.id[k++];
		ext[peer] = id;
		e->p.ext = ext;
	} else {
		k = nbits(e->present & (bit - 1));
		if (k < n)
			memmove(&e->p.id[k + 1], &e->p.id[k],
			    (n - k) * sizeof(e->p.id[0]));
		e->p.id[k] = id;
	}
	e->present |= bit;
}

static void
path_del(struct rib_entry *e, unsigned peer)
{
	uint8_t		 bit = RIB_BIT(peer);
	unsigned	 n = nbits(e->present), k, i;
	uint32_t	*ext;

	e->present &= (uint8_t)~bit;
	if (n > RIB_INLINE + 1)
		e->p.ext[peer] = RIB_ATTR_NONE;
	else if (n == RIB_INLINE + 1) {
		ext = e->p.ext;
		for (i = 0, k = 0; i < RIB_MAX_PEERS; i++)
			if (e->present & RIB_BIT(i))
				e->p.id[k++] = ext[i];
		free(ext);
	} else {
		k = nbits(e->present & (bit - 1));
		if (k + 1 < n)
			memmove(&e->p.id[k], &e->p.id[k + 1],
			    (n - k - 1) * sizeof(e->p.id[0]));
	}
}

void
rib_entry_set_path(struct rib_entry *e, unsigned peer, uint32_t id)
{
	uint8_t	bit = RIB_BIT(peer);

	if (!(e->present & bit)) {
		if (id != RIB_ATTR_NONE)
			path_add(e, peer, id);
	} else if (id == RIB_ATTR_NONE)
		path_del(e, peer);
	else if (nbits(e->present) > RIB_INLINE)
		e->p.ext[peer] = id;
	else
		e->p.id[nbits(e->present & (bit - 1))] = id;
}

void
rib_entry_prefix(const struct rib_table *t, const struct rib_entry *e,
    struct rib_prefix *pfx)
{
	memset(pfx, 0, sizeof(*pfx));
	if (e->len >= RIB_LEN6) {
		pfx->af = AF_INET6;
		pfx->addr6 = t->keys6.a[e->addr];
		pfx->len = e->len - RIB_LEN6;
	} else {
		pfx->af = AF_INET;
		pfx->addr.s_addr = e->addr;
		pfx->len = e->len;
	}
}

size_t
rib_debug_table_count(const struct rib *r)
{
	return r->table.count;
}

size_t
rib_debug_table_cap(const struct rib *r)
{
	return r->table.cap;
}

size_t
rib_debug_table_bytes(const struct rib *r)
{
	return r->table.cap * sizeof(struct rib_entry) +
	    (size_t)r->table.keys6.cap * sizeof(struct in6_addr);
}
