/* SPDX-License-Identifier: ISC */
/*
 * policy.c: the import policy of vtibgpd.conf(5).  A route is accepted
 * only when an `allow` rule matches it; a default route, or a route that
 * overlaps one of our `network`s (equal to it, covering it or inside it:
 * each would pull our own traffic into the tunnel), only when an `allow`
 * names it exactly; never a route whose AS_PATH holds our AS (RFC 4271
 * 9.1.2: a loop), nor one whose NEXT_HOP the session found off the
 * tunnel.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd/util/log.h"
#include "rib/rib_impl.h"

static uint32_t
mask(uint8_t len)
{
	return len == 0 ? 0 : htonl(0xffffffffU << (32 - len));
}

/* Is (addr, len) inside (net, net_len)? */
static bool
inside(uint32_t addr, uint8_t len, uint32_t net, uint8_t net_len)
{
	return len >= net_len && (addr & mask(net_len)) == net;
}

static bool
allow_exact(const struct conf_allow *a, const struct rib_prefix *pfx)
{
	return a->pfx.addr.s_addr == pfx->addr.s_addr &&
	    a->pfx.len == pfx->len && a->ge == pfx->len && a->le == pfx->len;
}

static bool
allow_match(const struct conf_allow *a, const struct rib_prefix *pfx)
{
	return inside(pfx->addr.s_addr, pfx->len, a->pfx.addr.s_addr,
	    a->pfx.len) && a->ge <= pfx->len && pfx->len <= a->le;
}

/* Equal to or covering one of our networks, inside one, or neither. */
static enum rib_reject
network_overlap(const struct rib_policy *p, const struct rib_prefix *pfx)
{
	enum rib_reject	v = RIB_ACCEPTED;
	size_t		i;

	for (i = 0; i < p->n_networks; i++) {
		if (inside(p->networks[i].addr.s_addr, p->networks[i].len,
		    pfx->addr.s_addr, pfx->len))
			return RIB_COVERS_NETWORK;
		if (inside(pfx->addr.s_addr, pfx->len,
		    p->networks[i].addr.s_addr, p->networks[i].len))
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
copy(const void *src, size_t n, size_t size)
{
	void	*dst;

	if (n == 0)
		return NULL;
	if ((dst = calloc(n, size)) == NULL)
		fatal("rib: calloc");
	memcpy(dst, src, n * size);
	return dst;
}

void
rib_policy_load(struct rib_policy *p, const struct conf *conf)
{
	size_t	i;

	rib_policy_free(p);
	p->allow = copy(conf->import.allow, conf->import.n_allow,
	    sizeof(*p->allow));
	p->n_allow = conf->import.n_allow;
	for (i = 0; i < p->n_allow; i++)
		p->allow[i].pfx.addr.s_addr &= mask(p->allow[i].pfx.len);
	p->networks = copy(conf->networks, conf->n_networks,
	    sizeof(*p->networks));
	p->n_networks = conf->n_networks;
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
