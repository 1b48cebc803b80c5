/* SPDX-License-Identifier: ISC */
/*
 * policy.c: the import policy of vtibgpd.conf(5).  A route is accepted
 * only when an `allow` rule matches it; a default route, or a route that
 * overlaps one of our `network`s (equal to it, covering it or inside it:
 * each would pull our own traffic into the tunnel), only when an `allow`
 * names it exactly; never a route whose AS_PATH holds our AS (RFC 4271
 * 9.1.2: a loop), nor one whose NEXT_HOP the session found off the
 * tunnel.  IPv4 and IPv6 alike: a prefix meets only the rules and
 * networks of its own family (0.0.0.0/0 and ::/0 are both default routes;
 * an IPv4 network never overlaps an IPv6 route).
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd/util/log.h"
#include "rib/rib_impl.h"

/* Clear the bits of the len-byte address a beyond the first bits. */
static void
clear_host(uint8_t *a, size_t alen, unsigned bits)
{
	size_t	i;

	for (i = bits / 8; i < alen; i++)
		a[i] &= i == bits / 8 ? (uint8_t)(0xff00U >> (bits % 8)) : 0;
}

bool
rib_prefix_set(struct rib_prefix *pfx, uint8_t af, const void *addr,
    unsigned len)
{
	size_t	alen = af == AF_INET ? sizeof(pfx->addr) :
		    sizeof(pfx->addr6);

	memset(pfx, 0, sizeof(*pfx));
	if (rib_af_maxlen(af) == 0 || len > rib_af_maxlen(af))
		return false;
	pfx->af = af;
	pfx->len = (uint8_t)len;
	memcpy(&pfx->addr6, addr, alen);
	clear_host(pfx->addr6.s6_addr, alen, len);
	return true;
}

bool
rib_prefix_eq(const struct rib_prefix *a, const struct rib_prefix *b)
{
	if (a->af != b->af || a->len != b->len)
		return false;
	if (a->af == AF_INET)		/* the common case, in one word */
		return a->addr.s_addr == b->addr.s_addr;
	return memcmp(&a->addr6, &b->addr6, sizeof(a->addr6)) == 0;
}

/* Are the first bits of a and b equal? */
static bool
same_bits(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	uint8_t	m = (uint8_t)(0xff00U >> (bits % 8));

	if (memcmp(a, b, bits / 8) != 0)
		return false;
	return bits % 8 == 0 || ((a[bits / 8] ^ b[bits / 8]) & m) == 0;
}

/* rib_prefix_inside, here for the policy's loops to inline. */
static inline bool
inside(const struct rib_prefix *a, const struct rib_prefix *b)
{
	if (a->af != b->af || a->len < b->len)
		return false;
	if (a->af == AF_INET)		/* the common case, in one word */
		return b->len == 0 || ((a->addr.s_addr ^ b->addr.s_addr) &
		    htonl(0xffffffffU << (32 - b->len))) == 0;
	return same_bits(a->addr6.s6_addr, b->addr6.s6_addr, b->len);
}

bool
rib_prefix_inside(const struct rib_prefix *a, const struct rib_prefix *b)
{
	return inside(a, b);
}

/* A network or an allow rule, as a struct rib_prefix (af 0, a prefix
 * zeroed and filled as before IPv6, is IPv4). */
static void
from_conf(const struct conf_prefix *c, struct rib_prefix *pfx)
{
	if (c->af == AF_INET6)
		(void)rib_prefix_set(pfx, AF_INET6, &c->addr6, c->len);
	else
		(void)rib_prefix_set(pfx, AF_INET, &c->addr, c->len);
}

static bool
allow_exact(const struct rib_allow *a, const struct rib_prefix *pfx)
{
	return a->ge == pfx->len && a->le == pfx->len &&
	    rib_prefix_eq(&a->pfx, pfx);
}

static bool
allow_match(const struct rib_allow *a, const struct rib_prefix *pfx)
{
	return inside(pfx, &a->pfx) && a->ge <= pfx->len &&
	    pfx->len <= a->le;
}

/* Equal to or covering one of our networks, inside one, or neither;
 * only networks of pfx's family count. */
static enum rib_reject
network_overlap(const struct rib_policy *p, const struct rib_prefix *pfx)
{
	enum rib_reject	v = RIB_ACCEPTED;
	size_t		i;

	for (i = 0; i < p->n_networks; i++) {
		if (inside(&p->networks[i], pfx))
			return RIB_COVERS_NETWORK;
		if (inside(pfx, &p->networks[i]))
			v = RIB_INSIDE_NETWORK;
	}
	return v;
}

enum rib_reject
rib_policy_check(const struct rib *r, const struct rib_prefix *pfx,
    const struct rib_attrs *attrs)
{
	const struct rib_policy	*p = &r->policy;
	enum rib_reject		 v;
	bool			 match = false;
	size_t			 i;

	/* RFC 4271 6.3: "If the NEXT_HOP attribute is semantically
	 * incorrect, the error SHOULD be logged, and the route SHOULD be
	 * ignored." */
	if (attrs != NULL && attrs->bad_nexthop)
		return RIB_BAD_NEXTHOP;
	if (attrs != NULL && p->local_as != 0 &&
	    msg_aspath_contains(attrs->as_path, attrs->as_path_len,
	    p->local_as))
		return RIB_OWN_AS;
	for (i = 0; i < p->n_allow; i++) {
		if (allow_exact(&p->allow[i], pfx))
			return RIB_ACCEPTED;
		match = match || allow_match(&p->allow[i], pfx);
	}
	if (pfx->len == 0)
		return RIB_DEFAULT_ROUTE;
	if ((v = network_overlap(p, pfx)) != RIB_ACCEPTED)
		return v;
	return match ? RIB_ACCEPTED : RIB_NOT_ALLOWED;
}

static void *
alloc(size_t n, size_t size)
{
	void	*p;

	if (n == 0)
		return NULL;
	if ((p = calloc(n, size)) == NULL)
		fatal("rib: calloc");
	return p;
}

void
rib_policy_load(struct rib_policy *p, const struct conf *conf)
{
	size_t	i;

	rib_policy_free(p);
	p->n_allow = conf->import.n_allow;
	p->allow = alloc(p->n_allow, sizeof(*p->allow));
	for (i = 0; i < p->n_allow; i++) {
		from_conf(&conf->import.allow[i].pfx, &p->allow[i].pfx);
		p->allow[i].ge = conf->import.allow[i].ge;
		p->allow[i].le = conf->import.allow[i].le;
	}
	p->n_networks = conf->n_networks;
	p->networks = alloc(p->n_networks, sizeof(*p->networks));
	for (i = 0; i < p->n_networks; i++)
		from_conf(&conf->networks[i], &p->networks[i]);
	p->local_as = conf->local_as;
	p->ecmp = conf->kernel.ecmp;
}

void
rib_policy_free(struct rib_policy *p)
{
	free(p->allow);
	free(p->networks);
	memset(p, 0, sizeof(*p));
}
