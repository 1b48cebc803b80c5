/* SPDX-License-Identifier: ISC */
/*
 * kr_rset.c: a counted set of route keys (family, dst, len, metric),
 * open addressing with linear probing.  It holds the routes of other
 * protocols in our table: the kernel's NLM_F_REPLACE takes the first
 * route with the same prefix and metric whatever its protocol (IPv4 and
 * IPv6 alike), so kr never sends a replace for a key in this set.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "bgpd/util/log.h"
#include "netlink/kr_impl.h"

#define RSET_MIN	64

/* The bytes of an address of family af that count. */
static size_t
addr_len(uint8_t af)
{
	return af == AF_INET6 ? sizeof(struct in6_addr) :
	    sizeof(struct in_addr);
}

static size_t
rset_hash(uint8_t af, const union kr_ip *dst, uint8_t len, uint32_t metric)
{
	uint64_t	h = (uint64_t)metric << 16 | (uint64_t)af << 8 | len;
	uint32_t	w;
	size_t		i;

	for (i = 0; i < addr_len(af); i += sizeof(w)) {
		memcpy(&w, dst->b + i, sizeof(w));
		h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
	}
	h *= 0x9e3779b97f4a7c15ULL;
	return (size_t)(h >> 32);
}

static bool
rset_match(const struct kr_rkey *k, uint8_t af, const union kr_ip *dst,
    uint8_t len, uint32_t metric)
{
	return k->count > 0 && k->af == af && k->len == len &&
	    k->metric == metric && memcmp(&k->dst, dst, addr_len(af)) == 0;
}

/* The slot holding the key, or the free slot where it would go. */
static size_t
rset_slot(const struct kr_rset *s, uint8_t af, const union kr_ip *dst,
    uint8_t len, uint32_t metric)
{
	size_t	i = rset_hash(af, dst, len, metric) & (s->cap - 1);

	while (s->slot[i].count > 0 && !rset_match(&s->slot[i], af, dst,
	    len, metric))
		i = (i + 1) & (s->cap - 1);
	return i;
}

static size_t
rset_home(const struct kr_rset *s, const struct kr_rkey *k)
{
	return rset_hash(k->af, &k->dst, k->len, k->metric) & (s->cap - 1);
}

static void
rset_grow(struct kr_rset *s)
{
	struct kr_rkey	*old = s->slot;
	size_t		 i, ocap = s->cap;

	s->cap = ocap == 0 ? RSET_MIN : ocap * 2;
	if ((s->slot = calloc(s->cap, sizeof(*s->slot))) == NULL)
		fatal("calloc");
	for (i = 0; i < ocap; i++)
		if (old[i].count > 0)
			s->slot[rset_slot(s, old[i].af, &old[i].dst,
			    old[i].len, old[i].metric)] = old[i];
	free(old);
}

void
kr_rset_add(struct kr_rset *s, uint8_t af, const union kr_ip *dst,
    uint8_t len, uint32_t metric)
{
	size_t	i;

	if ((s->n + 1) * 2 > s->cap)
		rset_grow(s);
	i = rset_slot(s, af, dst, len, metric);
	if (s->slot[i].count == 0) {
		memset(&s->slot[i], 0, sizeof(s->slot[i]));
		memcpy(&s->slot[i].dst, dst, addr_len(af));
		s->slot[i].af = af;
		s->slot[i].len = len;
		s->slot[i].metric = metric;
		s->n++;
	}
	s->slot[i].count++;
}

/* Backward-shift deletion keeps every probe chain unbroken. */
static void
rset_remove_slot(struct kr_rset *s, size_t i)
{
	size_t	j = i, home;

	s->slot[i].count = 0;
	for (;;) {
		j = (j + 1) & (s->cap - 1);
		if (s->slot[j].count == 0)
			break;
		home = rset_home(s, &s->slot[j]);
		/* may slot j move back to i? only if home is not in (i, j] */
		if (i <= j ? (home > i && home <= j) : (home > i || home <= j))
			continue;
		s->slot[i] = s->slot[j];
		s->slot[j].count = 0;
		i = j;
	}
	s->n--;
}

void
kr_rset_del(struct kr_rset *s, uint8_t af, const union kr_ip *dst,
    uint8_t len, uint32_t metric)
{
	size_t	i;

	if (s->n == 0)
		return;
	i = rset_slot(s, af, dst, len, metric);
	if (s->slot[i].count == 0)
		return;
	if (--s->slot[i].count == 0) {
		s->slot[i].count = 1;
		rset_remove_slot(s, i);
	}
}

bool
kr_rset_has(const struct kr_rset *s, uint8_t af, const union kr_ip *dst,
    uint8_t len, uint32_t metric)
{
	if (s->n == 0)
		return false;
	return s->slot[rset_slot(s, af, dst, len, metric)].count > 0;
}

void
kr_rset_clear(struct kr_rset *s)
{
	free(s->slot);
	memset(s, 0, sizeof(*s));
}
