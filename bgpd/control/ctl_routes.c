/* SPDX-License-Identifier: ISC */
/*
 * ctl_routes.c: ShowRoutes: per prefix, the path from each tunnel, which
 * one forwards and which is the standby, and what is in the kernel.
 * Prefixes come in address order, a page at a time (the token is the last
 * prefix of the previous page), so a large RIB never makes one frame.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgpd/control/ctl_impl.h"
#include "bgpd/daemon.h"
#include "bgpd/fib/fib.h"
#include "bgpd/router.h"
#include "bgpd/session/session.h"
#include "bgpd/conf/conf.h"
#include "rib/rib.h"

#define ROUTES_PAGE_DEFAULT	1000
#define ROUTES_PAGE_MAX		5000

struct entry {
	struct rib_prefix	 pfx;
	const struct rib_attrs	*paths[RIB_MAX_PEERS];
	uint8_t			 best;
	uint8_t			 standby;
	uint8_t			 stale;		/* kept across a
						   graceful restart */
	uint8_t			 kernel[RIB_USER_BYTES];	/* where
						   its routes are
						   (fib_routes_of) */
};

/* Prefixes in address order: the matches of a filter, or every prefix
 * the RIB holds, with a path accepted or not (kept between requests while
 * the RIB's generation does not change). */
struct collect {
	struct rib_prefix	*p;
	size_t			 n;
	size_t			 cap;
	bool			 filter;
	struct rib_prefix	 want;	/* exact prefix, or an address
					   as a /32 or /128 */
	bool			 exact;
};

static struct collect	all;		/* every prefix, sorted */
static uint64_t		all_gen = UINT64_MAX;

static void
collect_one(const struct rib_prefix *pfx,
    const struct rib_attrs *const paths[RIB_MAX_PEERS], uint8_t best,
    uint8_t standby, void *arg)
{
	struct collect	*c = arg;

	if (c->filter && (c->exact ? !rib_prefix_eq(pfx, &c->want) :
	    !rib_prefix_inside(&c->want, pfx)))
		return;
	if (c->n == c->cap) {
		c->cap = c->cap == 0 ? 1024 : c->cap * 2;
		if ((c->p = reallocarray(c->p, c->cap, sizeof(*c->p))) == NULL)
			fatal("reallocarray");
	}
	c->p[c->n++] = *pfx;
}

/* IPv4 before IPv6; then by address (network byte order compares as a
 * number), then by length. */
static int
prefix_cmp(const struct rib_prefix *a, const struct rib_prefix *b)
{
	int	c;

	if (a->af != b->af)
		return a->af == AF_INET ? -1 : 1;
	if ((c = memcmp(&a->addr6, &b->addr6, sizeof(a->addr6))) != 0)
		return c < 0 ? -1 : 1;
	return a->len < b->len ? -1 : a->len > b->len;
}

static int
pfx_cmp(const void *a, const void *b)
{
	return prefix_cmp(a, b);
}

/* Walk the RIB into c (sorted). */
static void
collect(struct router *r, struct collect *c)
{
	c->n = 0;
	rib_walk(router_rib(r), collect_one, c);
	if (c->n > 0)
		qsort(c->p, c->n, sizeof(*c->p), pfx_cmp);
}

/* "64512 65001 {65002 65003}" from the 4-octet segments. */
static char *
aspath_str(struct ctl_pool *pool, const uint8_t *p, uint16_t len)
{
	char	buf[2048];
	size_t	off = 0, i;
	uint8_t	type, count;

	buf[0] = '\0';
	while (len >= 2 && off < sizeof(buf) - 16) {
		type = p[0];
		count = p[1];
		p += 2;
		len -= 2;
		if (len < count * 4U)
			break;
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s%s",
		    off > 0 ? " " : "", type == AS_SET ? "{" : "");
		for (i = 0; i < count && off < sizeof(buf) - 16; i++, p += 4)
			off += (size_t)snprintf(buf + off, sizeof(buf) - off,
			    "%s%u", i > 0 ? " " : "", (unsigned)p[0] << 24 |
			    (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3]);
		if (type == AS_SET)
			off += (size_t)snprintf(buf + off, sizeof(buf) - off,
			    "}");
		len -= (uint16_t)(count * 4U);
	}
	return pool_str(pool, buf);
}

/* What the reply says of each tunnel slot, and the policy's RIB. */
struct tunnels {
	const char	*name[RIB_MAX_PEERS];
	const char	*ifname[RIB_MAX_PEERS];
	uint32_t	 preference[RIB_MAX_PEERS];
	const struct rib *rib;
	uint32_t	 local_as;
};

/* Why the import policy refuses path a to e's prefix; "" if it does not. */
static const char *
rejected_why(struct ctl_pool *pool, const struct tunnels *t,
    const struct entry *e, const struct rib_attrs *a)
{
	switch (rib_policy_check(t->rib, &e->pfx, a)) {
	case RIB_ACCEPTED:
		break;
	case RIB_NOT_ALLOWED:
		return "not allowed by import";
	case RIB_DEFAULT_ROUTE:
		return "default route (no allow names it exactly)";
	case RIB_COVERS_NETWORK:
		return "covers one of our networks (no allow names it "
		    "exactly)";
	case RIB_INSIDE_NETWORK:
		return "inside one of our networks (no allow names it "
		    "exactly)";
	case RIB_OWN_AS:
		return pool_printf(pool, "AS_PATH loop (own AS %u)",
		    t->local_as);
	case RIB_BAD_NEXTHOP:
		return "bad next hop (not on the tunnel)";
	case RIB_NREJECT:
		break;
	}
	return "";
}

static Vtibgp__Path *
path(struct ctl_pool *pool, const struct tunnels *t, unsigned i,
    const struct entry *e)
{
	const struct rib_attrs	*a = e->paths[i];
	Vtibgp__Path		*m;
	char			 nh[INET6_ADDRSTRLEN];
	size_t			 k;

	m = pool_alloc(pool, sizeof(*m));
	vtibgp__path__init(m);
	m->neighbor = pool_str(pool, t->name[i]);
	m->interface = pool_str(pool, t->ifname[i]);
	m->as_path = aspath_str(pool, a->as_path, a->as_path_len);
	m->has_med = a->has_med;
	m->med = a->med;
	m->origin = (Vtibgp__Origin)a->origin;
	/* an IPv6 route from a session over link-local addresses has only
	 * the link-local next hop (RFC 2545 3) */
	m->next_hop = pool_str(pool, inet_ntop(a->next_hop_af,
	    a->next_hop_af == AF_INET6 &&
	    IN6_IS_ADDR_UNSPECIFIED(&a->next_hop6) ? &a->next_hop6_ll :
	    &a->next_hop6, nh, sizeof(nh)));
	m->local_pref = t->preference[i];
	m->best = (e->best >> i) & 1;
	m->standby = (e->standby >> i) & 1;
	m->stale = (e->stale >> i) & 1;
	m->rejected = pool_str(pool, rejected_why(pool, t, e, a));
	m->accepted = m->rejected[0] == '\0';
	m->communities = pool_alloc(pool, (a->n_communities + 1) *
	    sizeof(*m->communities));
	for (k = 0; k < a->n_communities; k++)
		m->communities[m->n_communities++] = pool_printf(pool, "%u:%u",
		    a->communities[k] >> 16, a->communities[k] & 0xffff);
	return m;
}

static Vtibgp__KernelRoute *
kernel_route(struct ctl_pool *pool, struct fib *f, const struct conf *c,
    const struct fib_route *kr, bool primary)
{
	Vtibgp__KernelRoute	*m;
	Vtibgp__NexthopMember	*nm;
	const char		*ifname;
	char			 buf[INET6_ADDRSTRLEN];
	unsigned		 i;

	m = pool_alloc(pool, sizeof(*m));
	vtibgp__kernel_route__init(m);
	m->primary = primary;
	m->metric = fib_metric(f) + (primary ? 0 : 1);
	m->table = c->kernel.table;
	m->nexthop_group = kr->nhid;
	m->tunnel_nexthop = kr->tunnel_nexthop;
	m->members = pool_alloc(pool, RIB_MAX_PEERS * sizeof(*m->members));
	/* where it forwards now (after a failover: the survivor) */
	for (i = 0; i < RIB_MAX_PEERS; i++) {
		if (!(kr->forwards & (1U << i)))
			continue;
		nm = pool_alloc(pool, sizeof(*nm));
		vtibgp__nexthop_member__init(nm);
		nm->id = fib_nexthop(f, i, &ifname, buf);
		nm->gateway = pool_str(pool, buf);
		nm->interface = pool_str(pool, ifname);
		m->members[m->n_members++] = nm;
	}
	return m;
}

static Vtibgp__Route *
route(struct ctl_pool *pool, struct daemon *d, const struct tunnels *t,
    const struct entry *e)
{
	struct fib	*f = router_fib(daemon_router(d));
	struct fib_route pri, sb;
	Vtibgp__Route	*m;
	char		 buf[INET6_ADDRSTRLEN];
	unsigned	 i;

	m = pool_alloc(pool, sizeof(*m));
	vtibgp__route__init(m);
	m->prefix = pool_printf(pool, "%s/%u", inet_ntop(e->pfx.af,
	    &e->pfx.addr6, buf, sizeof(buf)), e->pfx.len);
	m->paths = pool_alloc(pool, RIB_MAX_PEERS * sizeof(*m->paths));
	for (i = 0; i < RIB_MAX_PEERS; i++)
		if (e->paths[i] != NULL)
			m->paths[m->n_paths++] = path(pool, t, i, e);
	m->installed = e->best != 0;
	m->kernel = pool_alloc(pool, 2 * sizeof(*m->kernel));
	fib_routes_of(f, e->kernel, &pri, &sb);
	if (pri.present)
		m->kernel[m->n_kernel++] = kernel_route(pool, f,
		    daemon_conf(d), &pri, true);
	if (sb.present)
		m->kernel[m->n_kernel++] = kernel_route(pool, f,
		    daemon_conf(d), &sb, false);
	return m;
}

static void
tunnels_of(struct daemon *d, struct tunnels *t)
{
	struct sess_engine	*e = router_sessions(daemon_router(d));
	struct sess_info	 si;
	struct peer		*p;
	size_t			 i;

	memset(t, 0, sizeof(*t));
	t->rib = router_rib(daemon_router(d));
	t->local_as = daemon_conf(d)->local_as;
	for (i = 0; i < RIB_MAX_PEERS; i++)
		t->name[i] = t->ifname[i] = "";
	for (i = 0; (p = sess_peer_at(e, i)) != NULL; i++) {
		sess_peer_info(p, &si);
		t->name[si.slot] = si.name;
		t->ifname[si.slot] = si.conf->ifname;
		t->preference[si.slot] = si.conf->preference;
	}
}

/* The request's prefix filter: a prefix of either family exactly, or an
 * address (the prefixes that cover it). */
static int
parse_filter(const char *s, struct collect *c)
{
	struct conf_prefix	cp;
	struct in6_addr		a;
	uint8_t			af;
	char			why[128];

	if (*s == '\0')
		return 0;
	c->filter = true;
	if (strchr(s, '/') != NULL) {
		if (conf_read_prefix(s, &cp, why, sizeof(why)) == -1)
			return -1;
		c->exact = true;
		return rib_prefix_set(&c->want, cp.af, &cp.addr6, cp.len) ?
		    0 : -1;
	}
	if (conf_read_inet(s, &af, &a, why, sizeof(why)) == -1)
		return -1;
	return rib_prefix_set(&c->want, af, &a, rib_af_maxlen(af)) ? 0 : -1;
}

/* Index of the first prefix after the page token (binary search). */
static size_t
page_start(const struct collect *c, const char *token)
{
	struct conf_prefix	cp;
	struct rib_prefix	after;
	char			why[128];
	size_t			lo = 0, hi = c->n, mid;

	if (*token == '\0' || conf_read_prefix(token, &cp, why,
	    sizeof(why)) == -1 ||
	    !rib_prefix_set(&after, cp.af, &cp.addr6, cp.len))
		return 0;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (prefix_cmp(&c->p[mid], &after) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int
ctl_show_routes(struct ctl_request *req, const ProtobufCMessage *in,
    void *arg)
{
	const Vtibgp__RoutesRequest	*rr = (const void *)in;
	struct daemon			*d = arg;
	struct router			*r = daemon_router(d);
	struct collect			 one = { 0 }, *c = &one;
	struct entry			 e;
	struct tunnels			 t;
	struct ctl_pool			 pool = { 0 };
	Vtibgp__RoutesReply		 rep;
	size_t				 i, limit;

	if (parse_filter(rr->prefix, &one) == -1) {
		(void)ctl_error(req, VTIBGP__ERROR_CODE__ERROR_BAD_REQUEST,
		    "not a prefix or an address: %s", rr->prefix);
		return 0;
	}
	if (one.filter) {
		collect(r, &one);
		if (!one.exact && one.n > 1) {	/* the longest match only */
			one.p[0] = one.p[one.n - 1];
			one.n = 1;
		}
	} else {
		if (all_gen != rib_generation(router_rib(r)))
			collect(r, &all);
		all_gen = rib_generation(router_rib(r));
		c = &all;
	}
	tunnels_of(d, &t);
	limit = rr->limit == 0 ? ROUTES_PAGE_DEFAULT :
	    rr->limit > ROUTES_PAGE_MAX ? ROUTES_PAGE_MAX : rr->limit;
	vtibgp__routes_reply__init(&rep);
	rep.total = c->n;
	rep.routes = pool_alloc(&pool, limit * sizeof(*rep.routes));
	for (i = page_start(c, rr->page_token); i < c->n &&
	    rep.n_routes < limit; i++) {
		e.pfx = c->p[i];
		if (!rib_paths(router_rib(r), &e.pfx, e.paths, &e.best,
		    &e.standby, &e.stale))
			continue;
		memcpy(e.kernel, rib_user(router_rib(r), &e.pfx),
		    sizeof(e.kernel));
		rep.routes[rep.n_routes++] = route(&pool, d, &t, &e);
	}
	rep.next_page_token = pool_str(&pool, i < c->n && rep.n_routes > 0 ?
	    rep.routes[rep.n_routes - 1]->prefix : "");
	(void)ctl_reply(req, &rep.base);
	pool_free(&pool);
	free(one.p);
	return 0;
}
