/* SPDX-License-Identifier: ISC */
/*
 * test_rib.c: table-driven tests of the RIB (rib/rib.h): the decision
 * process step by step, the import policy rule by rule, and scenarios of
 * UPDATEs, withdrawals, flushes and reloads with the exact changes the
 * daemon must hear.  A recorder checks every change it hears against the
 * previous one (old masks right, something really changed) and, after
 * every step, the RIB's counters against a walk of the RIB.  Each table
 * row is a cmocka test of its own, named after the row.
 */
#include "config.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rib/rib_impl.h"

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

#define A		0	/* tunnel 1, 169.254.249.57 */
#define B		1	/* tunnel 2, 169.254.249.61 */
#define C		2	/* a third peer, lowest address: .53 */
#define MA		RIB_BIT(A)
#define MB		RIB_BIT(B)
#define MC		RIB_BIT(C)
#define NOMED		(-1)
#define LOCAL_AS	65000
#define AWS_AS		64512
#define N		"10.10.0.0/16"

static const char *const peer_addr[RIB_MAX_PEERS] = {
	"169.254.249.57", "169.254.249.61", "169.254.249.53",
	"169.254.250.1", "169.254.250.2", "169.254.250.3", "169.254.250.4",
	"169.254.250.5",
};

/* ---- helpers ------------------------------------------------------------ */

static struct in_addr
ip(const char *s)
{
	struct in_addr	a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

/* "A.B.C.D/L" */
static struct msg_prefix
mpfx(const char *s)
{
	struct msg_prefix	p;
	char			buf[32];
	char			*slash;

	assert_true(strlen(s) < sizeof(buf));
	strcpy(buf, s);
	assert_non_null(slash = strchr(buf, '/'));
	*slash = '\0';
	p.addr = ip(buf);
	p.len = (uint8_t)atoi(slash + 1);
	return p;
}

/* "ADDR/L" of either family into af, addr (16 bytes' room) and len, host
 * bits as written. */
static void
parse_pfx(const char *s, uint8_t *af, struct in6_addr *addr, uint8_t *len)
{
	char	buf[64];
	char	*slash;

	assert_true(strlen(s) < sizeof(buf));
	strcpy(buf, s);
	assert_non_null(slash = strchr(buf, '/'));
	*slash = '\0';
	memset(addr, 0, sizeof(*addr));
	*af = strchr(buf, ':') != NULL ? AF_INET6 : AF_INET;
	assert_int_equal(inet_pton(*af, buf, addr), 1);
	*len = (uint8_t)atoi(slash + 1);
}

static struct rib_prefix
rpfx(const char *s)
{
	struct rib_prefix	p;

	memset(&p, 0, sizeof(p));
	parse_pfx(s, &p.af, &p.addr6, &p.len);
	return p;
}

/* rpfx as a pointer, valid until the fourth call after. */
static const struct rib_prefix *
rp(const char *s)
{
	static struct rib_prefix	ring[4];
	static unsigned			k;

	k = (k + 1) % 4;
	ring[k] = rpfx(s);
	return &ring[k];
}

static struct conf_prefix
cpfx(const char *s)
{
	struct conf_prefix	p;

	memset(&p, 0, sizeof(p));
	parse_pfx(s, &p.af, &p.addr6, &p.len);
	return p;
}

/* A configuration built from allow rules ("PREFIX [ge N] [le N]"). */
struct tconf {
	struct conf		c;
	struct conf_allow	allow[4];
	struct conf_prefix	net[2];
};

static void
parse_allow(const char *s, struct conf_allow *a)
{
	char	buf[64], *tok, *save = NULL;

	assert_true(strlen(s) < sizeof(buf));
	strcpy(buf, s);
	tok = strtok_r(buf, " ", &save);
	a->pfx = cpfx(tok);
	a->ge = a->le = a->pfx.len;
	while ((tok = strtok_r(NULL, " ", &save)) != NULL) {
		if (strcmp(tok, "ge") == 0) {
			a->ge = (uint8_t)atoi(strtok_r(NULL, " ", &save));
			a->le = a->pfx.af == AF_INET6 ? 128 : 32;
		} else if (strcmp(tok, "le") == 0)
			a->le = (uint8_t)atoi(strtok_r(NULL, " ", &save));
		else
			fail_msg("bad allow rule '%s'", s);
	}
}

static void
tconf_init(struct tconf *t, const char *const *allow, size_t n_allow,
    const char *const *net, size_t n_net, bool ecmp)
{
	size_t	i;

	memset(t, 0, sizeof(*t));
	t->c.local_as = LOCAL_AS;
	t->c.kernel.ecmp = ecmp;
	for (i = 0; i < n_allow && allow[i] != NULL; i++)
		parse_allow(allow[i], &t->allow[t->c.import.n_allow++]);
	t->c.import.allow = t->allow;
	for (i = 0; i < n_net && net[i] != NULL; i++) {
		t->net[i] = cpfx(net[i]);
		t->c.n_networks++;
	}
	t->c.networks = t->net;
}

/* What a peer sends. */
struct path {
	int		 med;		/* NOMED: none */
	uint8_t		 origin;
	uint8_t		 aslen;		/* AS_PATH length; 0 means 1 */
	uint32_t	 comm;		/* one community if not 0 */
	bool		 own_as;	/* our AS at the end of the AS_PATH */
	const char	*nh;		/* NULL: the peer's address */
};

#define PATH(med, origin, aslen)	{ (med), (origin), (aslen), 0, false, \
					    NULL }
#define PATHC(med, comm)		{ (med), ORIGIN_IGP, 1, (comm), false, \
					    NULL }

static void
mkattrs(struct msg_attrs *m, unsigned peer, const struct path *p)
{
	unsigned	n = (p->aslen == 0 ? 1 : p->aslen) + p->own_as, i;
	uint8_t		*q;

	memset(m, 0, sizeof(*m));
	m->present = ATTR_BIT(ATTR_ORIGIN) | ATTR_BIT(ATTR_AS_PATH) |
	    ATTR_BIT(ATTR_NEXT_HOP);
	m->origin = p->origin;
	assert_non_null(q = m->as_path = malloc(2 + 4 * n));
	*q++ = AS_SEQUENCE;
	*q++ = (uint8_t)n;
	for (i = 0; i < n; i++, q += 4) {
		uint32_t	asn = htonl(p->own_as && i == n - 1 ?
				    LOCAL_AS : AWS_AS);

		memcpy(q, &asn, 4);
	}
	m->as_path_len = (uint16_t)(2 + 4 * n);
	m->as_path_count = (uint16_t)n;
	m->next_hop = ip(p->nh != NULL ? p->nh : peer_addr[peer]);
	if (p->med != NOMED) {
		m->present |= ATTR_BIT(ATTR_MED);
		m->med = (uint32_t)p->med;
	}
	if (p->comm != 0) {
		m->present |= ATTR_BIT(ATTR_COMMUNITIES);
		assert_non_null(m->communities = malloc(4));
		m->communities[0] = p->comm;
		m->n_communities = 1;
	}
}

/* The last masks heard for each prefix, checked against every change. */
struct rec_row {
	struct rib_prefix	pfx;
	uint8_t			best, standby;
};

struct fx {
	struct tconf	 tc;
	struct rib	*r;
	uint64_t	 now;
	size_t		 calls;
	size_t		 n_row;
	struct rec_row	 row[256];
};

static struct rec_row *
rec_find(struct fx *f, const struct rib_prefix *pfx, bool add)
{
	size_t	i;

	for (i = 0; i < f->n_row; i++)
		if (rib_prefix_eq(&f->row[i].pfx, pfx))
			return &f->row[i];
	if (!add)
		return NULL;
	assert_true(f->n_row < nitems(f->row));
	memset(&f->row[f->n_row], 0, sizeof(f->row[0]));
	f->row[f->n_row].pfx = *pfx;
	return &f->row[f->n_row++];
}

static void
on_change(const struct rib_change *c, void *arg)
{
	struct fx	*f = arg;
	struct rec_row	*row = rec_find(f, &c->pfx, true);

	f->calls++;
	assert_int_equal(c->old_best, row->best);
	assert_int_equal(c->old_standby, row->standby);
	assert_false(c->best == c->old_best && c->standby == c->old_standby);
	assert_int_equal(c->best & c->standby, 0);
	row->best = c->best;
	row->standby = c->standby;
}

static struct fx *
fx_new(const char *const *allow, size_t n_allow, bool ecmp)
{
	static const char *const	nets[] = { "172.100.0.0/16" };
	struct fx			*f;
	unsigned			 i;

	assert_non_null(f = calloc(1, sizeof(*f)));
	tconf_init(&f->tc, allow, n_allow, nets, nitems(nets), ecmp);
	assert_non_null(f->r = rib_new(&f->tc.c, on_change, f));
	for (i = 0; i < 3; i++)
		rib_peer_set(f->r, i, ip(peer_addr[i]), 100);
	return f;
}

static struct fx *
fx_default(bool ecmp)
{
	static const char *const	allow[] = { "10.0.0.0/8 le 32" };

	return fx_new(allow, nitems(allow), ecmp);
}

static void
fx_free(struct fx *f)
{
	rib_free(f->r);
	free(f);
}

static bool	bad_nexthop;	/* what update() says of the NEXT_HOP */

static size_t
update(struct fx *f, unsigned peer, const struct msg_prefix *wd, size_t n_wd,
    const struct msg_prefix *nlri, size_t n_nlri, const struct path *p,
    enum msg_update_action action)
{
	static const struct path	none = PATH(100, ORIGIN_IGP, 1);
	struct msg_update		u;
	size_t				n;

	memset(&u, 0, sizeof(u));
	u.bad_nexthop = bad_nexthop;
	u.withdrawn = (struct msg_prefix *)(uintptr_t)wd;
	u.n_withdrawn = n_wd;
	u.nlri = (struct msg_prefix *)(uintptr_t)nlri;
	u.n_nlri = n_nlri;
	u.action = action;
	mkattrs(&u.attrs, peer, p != NULL ? p : &none);
	f->now += 1000;
	n = rib_update(f->r, peer, &u, f->now);
	msg_attrs_free(&u.attrs);
	return n;
}

static size_t
ann(struct fx *f, unsigned peer, const char *pfx, const struct path *p)
{
	struct msg_prefix	m = mpfx(pfx);

	return update(f, peer, NULL, 0, &m, 1, p, UPD_OK);
}

static size_t
wd(struct fx *f, unsigned peer, const char *pfx)
{
	struct msg_prefix	m = mpfx(pfx);

	return update(f, peer, &m, 1, NULL, 0, NULL, UPD_OK);
}

/* What a walk of the RIB says, to check the counters against. */
struct census {
	struct fx	*f;
	size_t		 prefixes, active;
	uint32_t	 received[RIB_MAX_PEERS];
	uint32_t	 accepted[RIB_MAX_PEERS];
	uint32_t	 best[RIB_MAX_PEERS];
};

static void
census_fn(const struct rib_prefix *pfx,
    const struct rib_attrs *const paths[RIB_MAX_PEERS], uint8_t best,
    uint8_t standby, void *arg)
{
	struct census	*cs = arg;
	struct rec_row	*row = rec_find(cs->f, pfx, false);
	unsigned	 i;

	cs->prefixes++;
	cs->active += best != 0;
	assert_int_equal(best & standby, 0);
	if (!cs->f->tc.c.kernel.ecmp)
		assert_true((best & (best - 1)) == 0);
	assert_int_equal(row != NULL ? row->best : 0, best);
	assert_int_equal(row != NULL ? row->standby : 0, standby);
	for (i = 0; i < RIB_MAX_PEERS; i++) {
		if ((best | standby) & RIB_BIT(i))
			assert_non_null(paths[i]);
		cs->received[i] += paths[i] != NULL;
		cs->accepted[i] += ((best | standby) & RIB_BIT(i)) != 0;
		cs->best[i] += (best & RIB_BIT(i)) != 0;
	}
}

static void
check_invariants(struct fx *f)
{
	const struct rib_peer_stats	*st;
	struct census			 cs;
	uint64_t			 paths = 0;
	unsigned			 i;

	uint32_t			 stale[RIB_MAX_PEERS] = { 0 };
	size_t				 k;

	memset(&cs, 0, sizeof(cs));
	cs.f = f;
	rib_walk(f->r, census_fn, &cs);
	for (k = 0; k < f->r->table.cap; k++)
		for (i = 0; i < RIB_MAX_PEERS; i++)
			if (f->r->table.e[k].len != RIB_LEN_EMPTY &&
			    (f->r->table.e[k].stale & RIB_BIT(i)))
				stale[i]++;
	for (i = 0; i < RIB_MAX_PEERS; i++) {
		st = rib_peer_stats(f->r, i);
		assert_int_equal(st->stale, stale[i]);
		assert_int_equal(st->received, cs.received[i]);
		assert_int_equal(st->accepted, cs.accepted[i]);
		assert_int_equal(st->best, cs.best[i]);
		paths += st->received;
	}
	assert_int_equal(rib_count(f->r), cs.active);
	assert_int_equal(rib_debug_table_count(f->r), cs.prefixes);
	assert_int_equal(rib_count_all(f->r), cs.prefixes);
	assert_int_equal(rib_debug_attrs_refs(f->r), paths);
}

static void
check_masks(struct fx *f, const char *pfx, uint8_t best, uint8_t standby)
{
	struct rib_prefix	 p = rpfx(pfx);
	struct rec_row		*row = rec_find(f, &p, false);

	assert_int_equal(row != NULL ? row->best : 0, best);
	assert_int_equal(row != NULL ? row->standby : 0, standby);
}

/* ---- rib_compare and the tie-breakers ----------------------------------- */

struct cmp_row {
	const char	*name;
	uint32_t	 pref_a, pref_b;
	struct path	 a, b;
	int		 want;		/* sign: < 0 if a is better */
	const char	*step;		/* what decided, "" if nothing */
};

static const struct cmp_row cmp_rows[] = {
	{ "compare: higher preference wins", 200, 100,
	    PATH(100, ORIGIN_IGP, 1), PATH(100, ORIGIN_IGP, 1), -1,
	    "preference" },
	{ "compare: lower preference loses", 100, 200,
	    PATH(100, ORIGIN_IGP, 1), PATH(100, ORIGIN_IGP, 1), 1,
	    "preference" },
	{ "compare: preference before as-path", 200, 100,
	    PATH(100, ORIGIN_IGP, 5), PATH(100, ORIGIN_IGP, 1), -1,
	    "preference" },
	{ "compare: shorter as-path wins", 100, 100,
	    PATH(100, ORIGIN_IGP, 1), PATH(100, ORIGIN_IGP, 2), -1,
	    "as-path length" },
	{ "compare: longer as-path loses", 100, 100,
	    PATH(0, ORIGIN_IGP, 3), PATH(100, ORIGIN_IGP, 2), 1,
	    "as-path length" },
	{ "compare: as-path before origin", 100, 100,
	    PATH(100, ORIGIN_INCOMPLETE, 1), PATH(100, ORIGIN_IGP, 2), -1,
	    "as-path length" },
	{ "compare: origin IGP over EGP", 100, 100,
	    PATH(100, ORIGIN_IGP, 1), PATH(100, ORIGIN_EGP, 1), -1,
	    "origin" },
	{ "compare: origin EGP over INCOMPLETE", 100, 100,
	    PATH(100, ORIGIN_INCOMPLETE, 1), PATH(100, ORIGIN_EGP, 1), 1,
	    "origin" },
	{ "compare: origin before MED", 100, 100,
	    PATH(500, ORIGIN_IGP, 1), PATH(0, ORIGIN_EGP, 1), -1,
	    "origin" },
	{ "compare: lower MED wins", 100, 100,
	    PATH(50, ORIGIN_IGP, 1), PATH(100, ORIGIN_IGP, 1), -1, "med" },
	{ "compare: higher MED loses", 100, 100,
	    PATH(100, ORIGIN_IGP, 1), PATH(50, ORIGIN_IGP, 1), 1, "med" },
	{ "compare: missing MED is 0 and beats 1", 100, 100,
	    PATH(NOMED, ORIGIN_IGP, 1), PATH(1, ORIGIN_IGP, 1), -1, "med" },
	{ "compare: missing MED equals MED 0", 100, 100,
	    PATH(NOMED, ORIGIN_IGP, 1), PATH(0, ORIGIN_IGP, 1), 0, "" },
	{ "compare: equal down to MED is 0 (ECMP)", 100, 100,
	    PATH(100, ORIGIN_IGP, 1), PATH(100, ORIGIN_IGP, 1), 0, "" },
	{ "compare: communities do not count", 100, 100,
	    PATHC(100, 0x12345678), PATH(100, ORIGIN_IGP, 1), 0, "" },
};

static int
sign(int v)
{
	return (v > 0) - (v < 0);
}

static void
test_compare(void **state)
{
	const struct cmp_row	*row = *state;
	struct fx		*f = fx_default(false);
	struct msg_attrs	 ma, mb;
	struct rib_attrs	 pa, pb;

	rib_peer_set(f->r, A, ip(peer_addr[A]), row->pref_a);
	rib_peer_set(f->r, B, ip(peer_addr[B]), row->pref_b);
	mkattrs(&ma, A, &row->a);
	mkattrs(&mb, B, &row->b);
	memset(&pa, 0, sizeof(pa));
	memset(&pb, 0, sizeof(pb));
	pa.origin = ma.origin;
	pa.has_med = (ma.present & ATTR_BIT(ATTR_MED)) != 0;
	pa.med = ma.med;
	pa.as_path_count = ma.as_path_count;
	pb.origin = mb.origin;
	pb.has_med = (mb.present & ATTR_BIT(ATTR_MED)) != 0;
	pb.med = mb.med;
	pb.as_path_count = mb.as_path_count;
	/* best_since never matters to rib_compare: it stops at MED */
	assert_int_equal(sign(rib_compare(f->r, A, &pa, 0, B, &pb, 0)),
	    row->want);
	assert_int_equal(sign(rib_compare(f->r, A, &pa, 1000, B, &pb, 0)),
	    row->want);
	assert_int_equal(sign(rib_compare(f->r, B, &pb, 0, A, &pa, 0)),
	    -row->want);
	assert_string_equal(rib_compare_step(f->r, A, &pa, B, &pb),
	    row->step);
	msg_attrs_free(&ma);
	msg_attrs_free(&mb);
	fx_free(f);
}

struct tie_row {
	const char	*name;
	unsigned	 a, b;
	uint64_t	 since_a, since_b;
	int		 want;
};

static const struct tie_row tie_rows[] = {
	{ "tiebreak: the older best wins", A, B, 1000, 5000, -1 },
	{ "tiebreak: the newer best loses", A, B, 5000, 1000, 1 },
	{ "tiebreak: a best beats a path that is not", A, B, 0, 9000, 1 },
	{ "tiebreak: neither best, lower address (.57 < .61)", A, B, 0, 0,
	    -1 },
	{ "tiebreak: neither best, lower address (.53 < .57)", C, A, 0, 0,
	    -1 },
	{ "tiebreak: both best (ECMP), lower address", B, A, 3000, 3000, 1 },
	{ "tiebreak: unconfigured peers, lower index", 4, 3, 0, 0, 1 },
};

static void
test_tiebreak(void **state)
{
	const struct tie_row	*row = *state;
	struct fx		*f = fx_default(false);

	assert_int_equal(sign(rib_tiebreak(f->r, row->a, row->since_a,
	    row->b, row->since_b)), row->want);
	assert_int_equal(sign(rib_tiebreak(f->r, row->b, row->since_b,
	    row->a, row->since_a)), -row->want);
	fx_free(f);
}

/* ---- import policy ------------------------------------------------------ */

struct pol_row {
	const char	*name;
	const char	*allow[3];
	const char	*pfx;
	bool		 own_as;
	enum rib_reject	 want;
};

#define NET	"172.100.0.0/16"	/* our networks in every row */
#define NET6	"2001:db8:172::/48"

static const struct pol_row pol_rows[] = {
	{ "policy: inside an allow le 24", { "10.10.0.0/16 le 24" },
	    "10.10.1.0/24", false, RIB_ACCEPTED },
	{ "policy: the allow prefix itself", { "10.10.0.0/16 le 24" },
	    "10.10.0.0/16", false, RIB_ACCEPTED },
	{ "policy: longer than le", { "10.10.0.0/16 le 24" },
	    "10.10.1.0/25", false, RIB_NOT_ALLOWED },
	{ "policy: shorter than the allow prefix", { "10.10.0.0/16 le 24" },
	    "10.0.0.0/8", false, RIB_NOT_ALLOWED },
	{ "policy: outside the allow prefix", { "10.10.0.0/16 le 24" },
	    "10.11.0.0/16", false, RIB_NOT_ALLOWED },
	{ "policy: plain allow is exact", { "10.10.0.0/16" },
	    "10.10.0.0/17", false, RIB_NOT_ALLOWED },
	{ "policy: below ge", { "10.10.0.0/16 ge 20 le 24" },
	    "10.10.0.0/16", false, RIB_NOT_ALLOWED },
	{ "policy: within ge..le", { "10.10.0.0/16 ge 20 le 24" },
	    "10.10.16.0/20", false, RIB_ACCEPTED },
	{ "policy: ge alone means le 32", { "10.10.0.0/16 ge 24" },
	    "10.10.1.1/32", false, RIB_ACCEPTED },
	{ "policy: second rule matches", { "10.10.0.0/16", "10.20.0.0/16" },
	    "10.20.0.0/16", false, RIB_ACCEPTED },
	{ "policy: no allow list, nothing", { NULL },
	    "10.10.0.0/16", false, RIB_NOT_ALLOWED },
	{ "policy: default route needs an exact allow",
	    { "0.0.0.0/0 le 32" }, "0.0.0.0/0", false, RIB_DEFAULT_ROUTE },
	{ "policy: default route, no allow", { NULL },
	    "0.0.0.0/0", false, RIB_DEFAULT_ROUTE },
	{ "policy: allow 0/0 le 32 still takes the rest",
	    { "0.0.0.0/0 le 32" }, "10.10.0.0/16", false, RIB_ACCEPTED },
	{ "policy: default route allowed exactly", { "0.0.0.0/0" },
	    "0.0.0.0/0", false, RIB_ACCEPTED },
	{ "policy: equal to our network", { "172.0.0.0/8 le 24" },
	    "172.100.0.0/16", false, RIB_COVERS_NETWORK },
	{ "policy: covers our network", { "172.0.0.0/8 le 24" },
	    "172.96.0.0/12", false, RIB_COVERS_NETWORK },
	{ "policy: inside our network", { "172.0.0.0/8 le 24" },
	    "172.100.1.0/24", false, RIB_INSIDE_NETWORK },
	{ "policy: a host inside our network", { "172.0.0.0/8 le 32" },
	    "172.100.255.1/32", false, RIB_INSIDE_NETWORK },
	{ "policy: inside, allowed exactly",
	    { "172.0.0.0/8 le 24", "172.100.1.0/24" },
	    "172.100.1.0/24", false, RIB_ACCEPTED },
	{ "policy: an exact allow lets in only itself",
	    { "172.0.0.0/8 le 24", "172.100.1.0/24" },
	    "172.100.2.0/24", false, RIB_INSIDE_NETWORK },
	{ "policy: inside, allow with le is not exact",
	    { "172.100.0.0/16 le 24" }, "172.100.1.0/24", false,
	    RIB_INSIDE_NETWORK },
	{ "policy: beside our network", { "172.0.0.0/8 le 24" },
	    "172.101.0.0/16", false, RIB_ACCEPTED },
	{ "policy: covering allowed exactly",
	    { "172.0.0.0/8 le 24", "172.100.0.0/16" },
	    "172.100.0.0/16", false, RIB_ACCEPTED },
	{ "policy: an exact allow covers only itself",
	    { "172.0.0.0/8 le 24", "172.100.0.0/16" },
	    "172.96.0.0/12", false, RIB_COVERS_NETWORK },
	{ "policy: an allow with le is not exact", { "172.100.0.0/16 le 24" },
	    "172.100.0.0/16", false, RIB_COVERS_NETWORK },
	{ "policy: our AS in the path", { "10.10.0.0/16 le 24" },
	    "10.10.1.0/24", true, RIB_OWN_AS },
	{ "policy: our AS before an exact allow", { "0.0.0.0/0" },
	    "0.0.0.0/0", true, RIB_OWN_AS },
	/* IPv6: the same rules, each family on its own */
	{ "policy6: inside an allow le 64", { "2001:db8::/32 le 64" },
	    "2001:db8:1::/48", false, RIB_ACCEPTED },
	{ "policy6: the allow prefix itself", { "2001:db8:1::/48 le 64" },
	    "2001:db8:1::/48", false, RIB_ACCEPTED },
	{ "policy6: longer than le", { "2001:db8::/32 le 64" },
	    "2001:db8:1:2::/65", false, RIB_NOT_ALLOWED },
	{ "policy6: outside the allow prefix", { "2001:db8::/32 le 64" },
	    "2001:db9::/32", false, RIB_NOT_ALLOWED },
	{ "policy6: plain allow is exact", { "2001:db8:1::/48" },
	    "2001:db8:1::/49", false, RIB_NOT_ALLOWED },
	{ "policy6: below ge", { "2001:db8::/32 ge 48 le 56" },
	    "2001:db8:1::/40", false, RIB_NOT_ALLOWED },
	{ "policy6: within ge..le", { "2001:db8::/32 ge 48 le 56" },
	    "2001:db8:1::/48", false, RIB_ACCEPTED },
	{ "policy6: ge alone means le 128", { "2001:db8::/32 ge 64" },
	    "2001:db8::1/128", false, RIB_ACCEPTED },
	{ "policy6: ::/0 needs an exact allow", { "::/0 le 128" },
	    "::/0", false, RIB_DEFAULT_ROUTE },
	{ "policy6: ::/0, no allow", { NULL }, "::/0", false,
	    RIB_DEFAULT_ROUTE },
	{ "policy6: ::/0 allowed exactly", { "::/0" }, "::/0", false,
	    RIB_ACCEPTED },
	{ "policy6: allow ::/0 le 128 still takes the rest",
	    { "::/0 le 128" }, "2001:db8:1::/48", false, RIB_ACCEPTED },
	{ "policy6: equal to our network", { "2001:db8::/32 le 64" },
	    NET6, false, RIB_COVERS_NETWORK },
	{ "policy6: covers our network", { "2001:db8::/32 le 64" },
	    "2001:db8:172::/47", false, RIB_COVERS_NETWORK },
	{ "policy6: inside our network", { "2001:db8::/32 le 64" },
	    "2001:db8:172:1::/64", false, RIB_INSIDE_NETWORK },
	{ "policy6: inside, allowed exactly",
	    { "2001:db8::/32 le 64", "2001:db8:172:1::/64" },
	    "2001:db8:172:1::/64", false, RIB_ACCEPTED },
	{ "policy6: covering allowed exactly",
	    { "2001:db8::/32 le 64", "2001:db8::/32" },
	    "2001:db8::/32", false, RIB_ACCEPTED },
	{ "policy6: beside our network", { "2001:db8::/32 le 64" },
	    "2001:db8:173::/48", false, RIB_ACCEPTED },
	{ "policy6: our AS in the path", { "2001:db8::/32 le 64" },
	    "2001:db8:1::/48", true, RIB_OWN_AS },
	/* mixed families never match each other */
	{ "mixed: 0.0.0.0/0 allowed exactly is not ::/0", { "0.0.0.0/0" },
	    "::/0", false, RIB_DEFAULT_ROUTE },
	{ "mixed: ::/0 allowed exactly is not 0.0.0.0/0", { "::/0" },
	    "0.0.0.0/0", false, RIB_DEFAULT_ROUTE },
	{ "mixed: an IPv4 allow never takes IPv6 (same bits)",
	    { "10.0.0.0/8 le 32" }, "a00::/8", false, RIB_NOT_ALLOWED },
	{ "mixed: an IPv6 allow never takes IPv4 (same bits)",
	    { "a00::/8 le 128" }, "10.1.0.0/16", false, RIB_NOT_ALLOWED },
	{ "mixed: an IPv6 route over our IPv4 network's bits",
	    { "::/0 le 128" }, "ac64::/16", false, RIB_ACCEPTED },
	{ "mixed: an IPv4 route over our IPv6 network's bits",
	    { "0.0.0.0/0 le 32" }, "32.1.0.0/16", false, RIB_ACCEPTED },
	{ "mixed: IPv4 default still refused beside IPv6 rules",
	    { "::/0", "0.0.0.0/0 le 32" }, "0.0.0.0/0", false,
	    RIB_DEFAULT_ROUTE },
};

static void
test_policy(void **state)
{
	const struct pol_row	*row = *state;
	const struct path	 p = { 100, ORIGIN_IGP, 2, 0, row->own_as,
				    NULL };
	static const char *const nets[] = { NET, NET6 };
	struct tconf		 tc;
	struct rib		*r;
	struct rib_prefix	 pfx = rpfx(row->pfx);
	struct msg_attrs	 m;
	uint32_t		 id;

	tconf_init(&tc, row->allow, nitems(row->allow), nets, nitems(nets),
	    false);
	assert_non_null(r = rib_new(&tc.c, NULL, NULL));
	mkattrs(&m, A, &p);
	id = rib_attrs_intern(&r->attrs, &m, false);
	assert_int_equal(rib_policy_check(r, &pfx,
	    rib_attrs_get(&r->attrs, id)), row->want);
	if (!row->own_as)
		assert_int_equal(rib_policy_check(r, &pfx, NULL), row->want);
	rib_attrs_unref(&r->attrs, id);
	msg_attrs_free(&m);
	rib_free(r);
}

/* ---- scenarios: updates in, changes out --------------------------------- */

enum op { END, ANN, WD, TAW, FLUSH, PREF };

struct step {
	enum op		 op;
	unsigned	 peer;
	const char	*pfx;
	struct path	 path;		/* ANN; for PREF path.med is it */
	size_t		 calls;		/* changes heard in this step */
	uint8_t		 best, standby;	/* of pfx afterwards */
};

#define S_ANN(p, med, n, b, s)	{ ANN, p, N, PATH(med, ORIGIN_IGP, 1), n, b, s }
#define S_ANNP(p, path, n, b, s) { ANN, p, N, path, n, b, s }
#define S_WD(p, n, b, s)	{ WD, p, N, PATH(0, 0, 0), n, b, s }
#define S_TAW(p, n, b, s)	{ TAW, p, N, PATH(0, 0, 0), n, b, s }
#define S_FLUSH(p, n, b, s)	{ FLUSH, p, N, PATH(0, 0, 0), n, b, s }
#define S_PREF(p, pref, n, b, s) { PREF, p, N, PATH(pref, 0, 0), n, b, s }

struct scenario {
	const char	*name;
	bool		 ecmp;
	struct step	 step[10];
};

static const struct scenario scenarios[] = {
	{ "first path forwards, second stands by", false, {
	    S_ANN(A, 100, 1, MA, 0),
	    S_ANN(B, 100, 1, MA, MB) } },
	{ "preference: higher wins though later", false, {
	    S_PREF(B, 200, 0, 0, 0),
	    S_ANN(A, 100, 1, MA, 0),
	    S_ANN(B, 100, 1, MB, MA) } },
	{ "preference before as-path", false, {
	    S_PREF(B, 200, 0, 0, 0),
	    S_ANNP(A, PATH(100, ORIGIN_IGP, 1), 1, MA, 0),
	    S_ANNP(B, PATH(100, ORIGIN_IGP, 3), 1, MB, MA) } },
	{ "as-path: shorter wins, both ways", false, {
	    S_ANNP(A, PATH(100, ORIGIN_IGP, 2), 1, MA, 0),
	    S_ANNP(B, PATH(100, ORIGIN_IGP, 1), 1, MB, MA),
	    S_ANNP(B, PATH(100, ORIGIN_IGP, 3), 1, MA, MB) } },
	{ "as-path before origin", false, {
	    S_ANNP(A, PATH(100, ORIGIN_INCOMPLETE, 1), 1, MA, 0),
	    S_ANNP(B, PATH(100, ORIGIN_IGP, 2), 1, MA, MB) } },
	{ "origin: lower wins, both ways", false, {
	    S_ANNP(A, PATH(100, ORIGIN_INCOMPLETE, 1), 1, MA, 0),
	    S_ANNP(B, PATH(100, ORIGIN_EGP, 1), 1, MB, MA),
	    S_ANNP(A, PATH(100, ORIGIN_IGP, 1), 1, MA, MB) } },
	{ "origin before MED", false, {
	    S_ANNP(A, PATH(0, ORIGIN_EGP, 1), 1, MA, 0),
	    S_ANNP(B, PATH(200, ORIGIN_IGP, 1), 1, MB, MA) } },
	{ "MED: lower wins, both ways", false, {
	    S_ANN(A, 200, 1, MA, 0),
	    S_ANN(B, 100, 1, MB, MA),
	    S_ANN(A, 50, 1, MA, MB) } },
	{ "MED: missing counts as 0", false, {
	    S_ANN(A, 100, 1, MA, 0),
	    S_ANN(B, NOMED, 1, MB, MA),
	    S_ANN(A, 0, 0, MB, MA),
	    S_ANN(A, 1, 0, MB, MA) } },
	{ "AWS maintenance: MED steers, then the best stays", false, {
	    S_ANN(A, 100, 1, MA, 0),
	    S_ANN(B, 100, 1, MA, MB),
	    S_ANN(B, 50, 1, MB, MA),	/* maintenance of tunnel 1 */
	    S_ANN(B, 100, 0, MB, MA),	/* over: best longest, B stays */
	    S_ANN(A, 50, 1, MA, MB),	/* maintenance of tunnel 2 */
	    S_ANN(A, 100, 0, MA, MB) } },
	{ "best longest: a returning tunnel stays standby", false, {
	    S_ANN(A, 100, 1, MA, 0),
	    S_ANN(B, 100, 1, MA, MB),
	    S_FLUSH(A, 1, MB, 0),
	    S_ANN(A, 100, 1, MB, MA) } },
	{ "re-announcing the best changes nothing", false, {
	    S_ANN(A, 100, 1, MA, 0),
	    S_ANN(B, 100, 1, MA, MB),
	    S_ANN(A, 100, 0, MA, MB),
	    S_ANNP(A, PATHC(100, 7), 0, MA, MB),
	    S_ANN(B, 100, 0, MA, MB) } },
	{ "lower address when neither is best: .53 over .61", false, {
	    S_ANN(A, 50, 1, MA, 0),
	    S_ANN(B, 100, 1, MA, MB),
	    S_ANN(C, 100, 1, MA, MB | MC),
	    S_WD(A, 1, MC, MB) } },
	{ "lower address when neither is best: .57 over .61", false, {
	    S_ANN(C, 50, 1, MC, 0),
	    S_ANN(B, 100, 1, MC, MB),
	    S_ANN(A, 100, 1, MC, MA | MB),
	    S_WD(C, 1, MA, MB) } },
	{ "ecmp: equal paths both forward", true, {
	    S_ANN(A, 100, 1, MA, 0),
	    S_ANN(B, 100, 1, MA | MB, 0),
	    S_ANN(B, 150, 1, MA, MB),
	    S_ANN(B, 100, 1, MA | MB, 0),
	    S_WD(A, 1, MB, 0),
	    S_WD(B, 1, 0, 0) } },
	{ "ecmp: not across preference", true, {
	    S_PREF(B, 200, 0, 0, 0),
	    S_ANN(A, 100, 1, MA, 0),
	    S_ANN(B, 100, 1, MB, MA) } },
	{ "ecmp: not across as-path or origin", true, {
	    S_ANNP(A, PATH(100, ORIGIN_IGP, 2), 1, MA, 0),
	    S_ANNP(B, PATH(100, ORIGIN_IGP, 1), 1, MB, MA),
	    S_ANNP(A, PATH(100, ORIGIN_IGP, 1), 1, MA | MB, 0),
	    S_ANNP(A, PATH(100, ORIGIN_EGP, 1), 1, MB, MA) } },
	{ "ecmp: missing MED equals MED 0", true, {
	    S_ANN(A, NOMED, 1, MA, 0),
	    S_ANN(B, 0, 1, MA | MB, 0),
	    S_ANN(C, 1, 1, MA | MB, MC) } },
	{ "withdraw: the standby takes over, then nothing", false, {
	    S_ANN(A, 100, 1, MA, 0),
	    S_ANN(B, 100, 1, MA, MB),
	    S_WD(A, 1, MB, 0),
	    S_WD(A, 0, MB, 0),
	    S_WD(B, 1, 0, 0),
	    S_WD(B, 0, 0, 0) } },
	{ "withdraw the standby", false, {
	    S_ANN(A, 100, 1, MA, 0),
	    S_ANN(B, 100, 1, MA, MB),
	    S_WD(B, 1, MA, 0) } },
	{ "withdraw of a prefix never announced", false, {
	    S_WD(A, 0, 0, 0) } },
	{ "treat-as-withdraw withdraws", false, {
	    S_ANN(A, 100, 1, MA, 0),
	    S_ANN(B, 100, 1, MA, MB),
	    S_TAW(A, 1, MB, 0),
	    S_TAW(B, 1, 0, 0),
	    S_TAW(B, 0, 0, 0) } },
	{ "a worse path alone still forwards", false, {
	    S_ANN(A, 100, 1, MA, 0),
	    S_ANN(A, 300, 0, MA, 0),
	    S_ANN(B, 200, 1, MB, MA) } },
	{ "preference change re-decides", false, {
	    S_ANN(A, 100, 1, MA, 0),
	    S_ANN(B, 100, 1, MA, MB),
	    S_PREF(B, 200, 1, MB, MA),
	    S_PREF(B, 100, 0, MB, MA),	/* equal again: B stays */
	    S_PREF(A, 50, 0, MB, MA),
	    S_PREF(A, 300, 1, MA, MB) } },
	{ "three peers and back to two", false, {
	    S_ANN(A, 300, 1, MA, 0),
	    S_ANN(B, 200, 1, MB, MA),
	    S_ANN(C, 100, 1, MC, MA | MB),
	    S_WD(C, 1, MB, MA),
	    S_ANN(C, 400, 1, MB, MA | MC),
	    S_WD(A, 1, MB, MC),
	    S_ANN(A, 50, 1, MA, MB | MC),
	    S_WD(B, 1, MA, MC),
	    S_WD(C, 1, MA, 0) } },
	{ "flush of the standby", false, {
	    S_ANN(A, 100, 1, MA, 0),
	    S_ANN(B, 100, 1, MA, MB),
	    S_FLUSH(B, 1, MA, 0),
	    S_FLUSH(A, 1, 0, 0) } },
	{ "flush of a peer without paths", false, {
	    S_ANN(A, 100, 1, MA, 0),
	    S_FLUSH(B, 0, MA, 0) } },
};

static void
run_step(struct fx *f, const struct step *s)
{
	struct msg_prefix	m = mpfx(s->pfx);

	switch (s->op) {
	case ANN:
		ann(f, s->peer, s->pfx, &s->path);
		break;
	case WD:
		wd(f, s->peer, s->pfx);
		break;
	case TAW:
		update(f, s->peer, NULL, 0, &m, 1, &s->path,
		    UPD_TREAT_AS_WITHDRAW);
		break;
	case FLUSH:
		f->now += 1000;
		rib_peer_flush(f->r, s->peer, f->now);
		break;
	case PREF:
		rib_peer_set(f->r, s->peer, ip(peer_addr[s->peer]),
		    (uint32_t)s->path.med);
		break;
	case END:
		break;
	}
}

static void
test_scenario(void **state)
{
	const struct scenario	*sc = *state;
	struct fx		*f = fx_default(sc->ecmp);
	const struct step	*s;
	size_t			 i, calls;

	for (i = 0; i < nitems(sc->step) && sc->step[i].op != END; i++) {
		s = &sc->step[i];
		calls = f->calls;
		run_step(f, s);
		if (f->calls - calls != s->calls)
			fail_msg("step %zu: %zu changes, want %zu", i + 1,
			    f->calls - calls, s->calls);
		check_masks(f, s->pfx, s->best, s->standby);
		check_invariants(f);
	}
	fx_free(f);
	assert_true(i > 0);
}

/* ---- updates ------------------------------------------------------------ */

/* One UPDATE: withdrawn first, then NLRI; bad prefixes are skipped. */
static void
test_update_order(void **state)
{
	struct fx		*f = fx_default(false);
	struct msg_prefix	 p[3] = { mpfx(N), mpfx("10.20.0.0/16"),
				    mpfx("10.30.0.0/16") };
	struct path		 path = PATH(100, ORIGIN_IGP, 1);

	p[2].len = 33;
	assert_int_equal(update(f, A, &p[0], 1, p, 3, &path, UPD_OK), 2);
	check_masks(f, N, MA, 0);
	check_masks(f, "10.20.0.0/16", MA, 0);
	assert_int_equal(update(f, A, p, 3, &p[0], 1, &path, UPD_OK), 1);
	check_masks(f, N, MA, 0);
	check_masks(f, "10.20.0.0/16", 0, 0);
	assert_int_equal(f->calls, 5);	/* N went, and came back */
	check_invariants(f);
	fx_free(f);
}

/*
 * RFC 4724 as a receiver: A restarts.  N, which B has too, loses A's path
 * at once; the prefixes only A has stay (stale) until A announces them
 * again or the stale paths are flushed; a fresh path beats a stale one.
 * A path the policy refused (a loop: our own network coming back) is not
 * kept: it was never used.
 */
static void
test_graceful_restart(void **state)
{
	struct fx		*f = fx_default(false);
	struct msg_prefix	 n = mpfx(N), p = mpfx("10.20.0.0/16");
	struct msg_prefix	 q = mpfx("10.30.0.0/16");
	struct msg_prefix	 l = mpfx("10.40.0.0/16");
	struct msg_prefix	 all[3] = { n, p, q };
	struct path		 path = PATH(100, ORIGIN_IGP, 1);
	struct path		 loop = PATH(100, ORIGIN_IGP, 1);

	loop.own_as = true;
	update(f, A, NULL, 0, all, 3, &path, UPD_OK);
	update(f, A, NULL, 0, &l, 1, &loop, UPD_OK);
	update(f, B, NULL, 0, &n, 1, &path, UPD_OK);
	check_masks(f, N, MA, MB);
	check_masks(f, "10.40.0.0/16", 0, 0);
	assert_int_equal(rib_peer_stats(f->r, A)->received, 4);
	rib_peer_stale(f->r, A, 1000);
	check_masks(f, N, MB, 0);
	check_masks(f, "10.20.0.0/16", MA, 0);
	check_masks(f, "10.30.0.0/16", MA, 0);
	assert_int_equal(rib_peer_stale_count(f->r, A), 2);
	assert_int_equal(rib_peer_stats(f->r, A)->received, 2);
	update(f, B, NULL, 0, &p, 1, &path, UPD_OK);
	check_masks(f, "10.20.0.0/16", MB, 0);
	update(f, A, NULL, 0, &q, 1, &path, UPD_OK);
	assert_int_equal(rib_peer_stale_count(f->r, A), 1);
	rib_peer_flush_stale(f->r, A, 2000);
	assert_int_equal(rib_peer_stale_count(f->r, A), 0);
	check_masks(f, "10.20.0.0/16", MB, 0);
	check_masks(f, "10.30.0.0/16", MA, 0);
	check_masks(f, N, MB, 0);
	check_invariants(f);
	fx_free(f);
}

/*
 * RFC 4724 4.2, consecutive restarts: A restarts, comes back, announces
 * 10.20.0.0/16 again but not yet 10.30.0.0/16, and restarts again before
 * its End-of-RIB.  The path still stale from the first restart goes; the
 * one announced again is kept stale, once.
 */
static void
test_consecutive_restart(void **state)
{
	struct fx		*f = fx_default(false);
	struct msg_prefix	 n = mpfx(N), p = mpfx("10.20.0.0/16");
	struct msg_prefix	 q = mpfx("10.30.0.0/16");
	struct msg_prefix	 all[3] = { n, p, q };
	struct path		 path = PATH(100, ORIGIN_IGP, 1);

	update(f, A, NULL, 0, all, 3, &path, UPD_OK);
	update(f, B, NULL, 0, &n, 1, &path, UPD_OK);
	rib_peer_stale(f->r, A, 1000);
	assert_int_equal(rib_peer_stale_count(f->r, A), 2);
	update(f, A, NULL, 0, &p, 1, &path, UPD_OK);	/* back: p again */
	assert_int_equal(rib_peer_stale_count(f->r, A), 1);
	rib_peer_stale(f->r, A, 2000);		/* and down again */
	assert_int_equal(rib_peer_stale_count(f->r, A), 1);
	assert_int_equal(rib_peer_stats(f->r, A)->received, 1);
	check_masks(f, "10.20.0.0/16", MA, 0);
	check_masks(f, "10.30.0.0/16", 0, 0);
	check_masks(f, N, MB, 0);
	check_invariants(f);
	rib_peer_stale(f->r, A, 3000);			/* a third time */
	assert_int_equal(rib_peer_stats(f->r, A)->received, 0);
	check_masks(f, "10.20.0.0/16", 0, 0);
	assert_int_equal(rib_debug_table_count(f->r), 1);
	check_invariants(f);
	fx_free(f);
}

/* RFC 7606 treat-as-withdraw: the NLRI go as well as the withdrawn. */
static void
test_treat_as_withdraw(void **state)
{
	struct fx		*f = fx_default(false);
	struct msg_prefix	 p[3] = { mpfx(N), mpfx("10.20.0.0/16"),
				    mpfx("10.30.0.0/16") };

	assert_int_equal(update(f, A, NULL, 0, p, 3, NULL, UPD_OK), 3);
	assert_int_equal(update(f, A, &p[0], 1, &p[1], 1, NULL,
	    UPD_TREAT_AS_WITHDRAW), 1);
	check_masks(f, N, 0, 0);
	check_masks(f, "10.20.0.0/16", 0, 0);
	check_masks(f, "10.30.0.0/16", MA, 0);
	assert_int_equal(rib_debug_attrs_live(f->r), 1);
	check_invariants(f);
	fx_free(f);
}

/* Host bits are cleared: 10.10.1.1/16 is 10.10.0.0/16. */
static void
test_host_bits(void **state)
{
	struct fx	*f = fx_default(false);

	ann(f, A, "10.10.1.1/16", NULL);
	check_masks(f, N, MA, 0);
	wd(f, A, "10.10.0.0/16");
	check_masks(f, N, 0, 0);
	assert_int_equal(rib_debug_table_count(f->r), 0);
	fx_free(f);
}

/* ---- counters, rejected paths, reload ----------------------------------- */

static void
test_stats(void **state)
{
	static const char *const	allow[] = { "10.10.0.0/16 le 24",
					    "172.0.0.0/8 le 24" };
	struct fx			*f = fx_new(allow, nitems(allow),
					    false);
	const struct rib_peer_stats	*st = rib_peer_stats(f->r, A);
	struct path			 own = { 100, 0, 1, 0, true, NULL };

	assert_int_equal(ann(f, A, "10.10.1.0/24", NULL), 1);
	assert_int_equal(ann(f, A, "10.20.0.0/16", NULL), 2);
	assert_int_equal(ann(f, A, "0.0.0.0/0", NULL), 3);
	assert_int_equal(ann(f, A, "172.100.0.0/16", NULL), 4);
	assert_int_equal(ann(f, A, "10.10.2.0/24", &own), 5);
	assert_int_equal(ann(f, A, "10.20.0.0/16", NULL), 5); /* again */
	assert_int_equal(ann(f, B, "10.10.1.0/24", NULL), 1);
	assert_int_equal(f->calls, 2);
	assert_int_equal(st->received, 5);
	assert_int_equal(st->accepted, 1);
	assert_int_equal(st->best, 1);
	assert_int_equal(st->rejected[RIB_ACCEPTED], 0);
	assert_int_equal(st->rejected[RIB_NOT_ALLOWED], 2);
	assert_int_equal(st->rejected[RIB_DEFAULT_ROUTE], 1);
	assert_int_equal(st->rejected[RIB_COVERS_NETWORK], 1);
	assert_int_equal(st->rejected[RIB_OWN_AS], 1);
	assert_int_equal(rib_peer_stats(f->r, B)->best, 0);
	assert_int_equal(rib_peer_stats(f->r, B)->accepted, 1);
	assert_int_equal(rib_count(f->r), 1);
	assert_int_equal(rib_debug_table_count(f->r), 5);
	/* an accepted path replaced by a refused one */
	assert_int_equal(ann(f, A, "10.10.1.0/24", &own), 5);
	check_masks(f, "10.10.1.0/24", MB, 0);
	assert_int_equal(st->accepted, 0);
	assert_int_equal(st->rejected[RIB_OWN_AS], 2);
	check_invariants(f);
	rib_peer_flush(f->r, A, 100000);
	assert_int_equal(st->received, 0);
	assert_int_equal(rib_debug_table_count(f->r), 1);
	check_invariants(f);
	fx_free(f);
}

static void	reload(struct fx *, const char *const *, size_t, bool,
		    uint32_t);

/*
 * RFC 4271 6.3: routes whose NEXT_HOP the session found off the tunnel
 * are ignored, but kept, refused, so that show routes can say why; the
 * verdict sticks across a reload, and an announcement with a good
 * NEXT_HOP replaces them.
 */
static void
test_bad_nexthop(void **state)
{
	static const char *const	allow[] = { "10.10.0.0/16 le 24",
					    "0.0.0.0/0" };
	struct fx			*f = fx_new(allow, nitems(allow),
					    false);
	const struct rib_peer_stats	*st = rib_peer_stats(f->r, A);
	const struct rib_attrs		*paths[RIB_MAX_PEERS];
	struct rib_prefix		 n = rpfx(N);
	struct path			 path = PATH(100, ORIGIN_IGP, 1);
	struct msg_attrs		 m;
	uint32_t			 id, id2;
	uint8_t				 best, standby, stale;

	ann(f, A, N, NULL);
	check_masks(f, N, MA, 0);
	bad_nexthop = true;
	assert_int_equal(ann(f, A, N, NULL), 1);
	assert_int_equal(ann(f, A, "0.0.0.0/0", NULL), 2);
	bad_nexthop = false;
	check_masks(f, N, 0, 0);
	assert_int_equal(st->accepted, 0);
	assert_int_equal(st->rejected[RIB_BAD_NEXTHOP], 2);
	assert_int_equal(rib_count(f->r), 0);
	assert_int_equal(rib_count_all(f->r), 2);
	assert_true(rib_paths(f->r, &n, paths, &best, &standby, &stale));
	assert_true(paths[A]->bad_nexthop);
	assert_int_equal(rib_policy_check(f->r, &n, paths[A]),
	    RIB_BAD_NEXTHOP);
	/* the same attributes with a good NEXT_HOP are another set */
	mkattrs(&m, A, &path);
	id = rib_attrs_intern(&f->r->attrs, &m, true);
	assert_int_equal(id, rib_entry_path(rib_table_find(&f->r->table, &n),
	    A));
	id2 = rib_attrs_intern(&f->r->attrs, &m, false);
	assert_int_not_equal(id, id2);
	rib_attrs_unref(&f->r->attrs, id);
	rib_attrs_unref(&f->r->attrs, id2);
	msg_attrs_free(&m);
	ann(f, B, N, NULL);
	reload(f, allow, nitems(allow), false, LOCAL_AS);
	check_masks(f, N, MB, 0);
	assert_int_equal(st->accepted, 0);
	ann(f, A, N, NULL);
	check_masks(f, N, MB, MA);
	assert_int_equal(st->accepted, 1);
	check_invariants(f);
	fx_free(f);
}

/*
 * rib_generation moves with every change of what the RIB holds, also
 * those that change no prefix's tunnels (a refused path, a path kept
 * stale), which is what a cached `show routes` needs; and rib_count_all
 * counts the prefixes with refused paths only.
 */
static void
test_generation(void **state)
{
	struct fx	*f = fx_default(false);
	uint64_t	 g = rib_generation(f->r);
	struct path	 own = { 100, 0, 1, 0, true, NULL };

#define MOVED()	do { assert_true(rib_generation(f->r) > g); \
		    g = rib_generation(f->r); } while (0)
	ann(f, A, N, NULL);
	MOVED();
	ann(f, A, "172.100.0.0/16", &own);	/* refused: no change heard */
	assert_int_equal(f->calls, 1);
	MOVED();
	ann(f, A, "0.0.0.0/0", NULL);
	MOVED();
	assert_int_equal(rib_count(f->r), 1);
	assert_int_equal(rib_count_all(f->r), 3);
	wd(f, A, "0.0.0.0/0");
	MOVED();
	rib_peer_stale(f->r, A, f->now);	/* N kept: nothing heard */
	assert_int_equal(f->calls, 1);
	assert_int_equal(rib_peer_stats(f->r, A)->stale, 1);
	MOVED();
	rib_peer_flush_stale(f->r, A, f->now);
	MOVED();
	ann(f, B, N, NULL);
	rib_peer_set(f->r, B, ip(peer_addr[B]), 50);
	MOVED();
	rib_peer_set(f->r, B, ip(peer_addr[B]), 50);	/* the same */
	assert_int_equal(rib_generation(f->r), g);
	reload(f, NULL, 0, false, LOCAL_AS);
	MOVED();
#undef MOVED
	check_invariants(f);
	fx_free(f);
}

static void
reload(struct fx *f, const char *const *allow, size_t n, bool ecmp,
    uint32_t local_as)
{
	static const char *const	nets[] = { "172.100.0.0/16" };

	tconf_init(&f->tc, allow, n, nets, nitems(nets), ecmp);
	f->tc.c.local_as = local_as;
	rib_set_policy(f->r, &f->tc.c);
}

static void
test_reload(void **state)
{
	static const char *const	allow1[] = { "10.10.0.0/16 le 24" };
	static const char *const	allow2[] = { "10.20.0.0/16" };
	static const char *const	allow3[] = { "10.10.0.0/16",
					    "10.20.0.0/16" };
	struct fx			*f = fx_new(allow1, nitems(allow1),
					    false);
	const struct rib_peer_stats	*st = rib_peer_stats(f->r, A);

	ann(f, A, N, NULL);
	ann(f, A, "10.20.0.0/16", NULL);
	ann(f, B, N, NULL);
	ann(f, B, "10.20.0.0/16", NULL);
	assert_int_equal(f->calls, 2);
	assert_int_equal(st->rejected[RIB_NOT_ALLOWED], 1);
	assert_int_equal(rib_count(f->r), 1);

	reload(f, allow2, nitems(allow2), false, LOCAL_AS);
	assert_int_equal(f->calls, 4);
	check_masks(f, N, 0, 0);
	check_masks(f, "10.20.0.0/16", MA, MB);	/* lower address */
	assert_int_equal(st->accepted, 1);
	assert_int_equal(st->rejected[RIB_NOT_ALLOWED], 2);
	check_invariants(f);

	reload(f, allow3, nitems(allow3), true, LOCAL_AS);
	assert_int_equal(f->calls, 6);
	check_masks(f, N, MA | MB, 0);
	check_masks(f, "10.20.0.0/16", MA | MB, 0);
	check_invariants(f);

	reload(f, allow3, nitems(allow3), true, LOCAL_AS);
	assert_int_equal(f->calls, 6);

	reload(f, allow3, nitems(allow3), false, LOCAL_AS);
	assert_int_equal(f->calls, 8);
	check_masks(f, N, MA, MB);
	check_invariants(f);

	/* the VGW's AS as our own: every path is a loop now */
	reload(f, allow3, nitems(allow3), false, AWS_AS);
	assert_int_equal(f->calls, 10);
	check_masks(f, N, 0, 0);
	assert_int_equal(st->rejected[RIB_OWN_AS], 2);
	assert_int_equal(rib_count(f->r), 0);
	assert_int_equal(rib_debug_table_count(f->r), 2);
	check_invariants(f);
	fx_free(f);
}

/* ---- IPv6 --------------------------------------------------------------- */

/* The IPv6 inside addresses of the tunnels, peer i's at [i]. */
static const char *const peer_addr6[2] = { "fd00:1::1", "fd00:2::1" };

/* Peer announces (or, with p NULL, withdraws) prefix s of either family
 * through rib_update_prefixes; an IPv6 one with the peer's IPv6 next hop
 * and a link-local one. */
static size_t
ann6(struct fx *f, unsigned peer, const char *s, const struct path *p)
{
	static const struct path	none = PATH(100, ORIGIN_IGP, 1);
	struct rib_prefix		pfx = rpfx(s);
	struct msg_attrs		m;
	struct in6_addr			nh[2];
	size_t				n;

	assert_int_equal(inet_pton(AF_INET6, peer_addr6[peer], &nh[0]), 1);
	assert_int_equal(inet_pton(AF_INET6, "fe80::1", &nh[1]), 1);
	mkattrs(&m, peer, p != NULL ? p : &none);
	f->now += 1000;
	n = rib_update_prefixes(f->r, peer, NULL, 0, &pfx, 1, &m,
	    pfx.af == AF_INET6 ? nh : NULL, false, f->now);
	msg_attrs_free(&m);
	return n;
}

static size_t
wd6(struct fx *f, unsigned peer, const char *s)
{
	struct rib_prefix	pfx = rpfx(s);

	f->now += 1000;
	return rib_update_prefixes(f->r, peer, &pfx, 1, NULL, 0, NULL, NULL,
	    false, f->now);
}

/*
 * IPv6 prefixes in, looked up, withdrawn, beside IPv4 ones with the same
 * leading bits (10.10.0.0/16 and a0a::/16): each family its own entry.
 * The next hop is kept as IPv6; max-prefix counts both families.
 */
static void
test_ipv6_paths(void **state)
{
	static const char *const	allow[] = { "10.0.0.0/8 le 32",
					    "2001:db8::/32 le 64",
					    "a00::/8 le 64" };
	static const struct path	med50 = PATH(50, ORIGIN_IGP, 1);
	struct fx			*f = fx_new(allow, nitems(allow),
					    false);
	const struct rib_attrs		*paths[RIB_MAX_PEERS];
	struct rib_prefix		 p6 = rpfx("2001:db8:10::/48");
	uint8_t				 best, standby, stale;
	char				 buf[INET6_ADDRSTRLEN];

	rib_peer_set6(f->r, A, &rp("fd00:1::1/128")->addr6, 100);
	rib_peer_set6(f->r, B, &rp("fd00:2::1/128")->addr6, 100);
	assert_int_equal(ann6(f, A, "2001:db8:10::/48", NULL), 1);
	assert_int_equal(ann6(f, B, "2001:db8:10::/48", &med50), 1);
	check_masks(f, "2001:db8:10::/48", MB, MA);
	rib_lookup(f->r, &p6, &best, &standby);
	assert_int_equal(best, MB);
	assert_int_equal(standby, MA);
	assert_true(rib_paths(f->r, &p6, paths, &best, &standby, &stale));
	assert_int_equal(paths[B]->next_hop_af, AF_INET6);
	assert_string_equal(inet_ntop(AF_INET6, &paths[B]->next_hop6, buf,
	    sizeof(buf)), "fd00:2::1");
	assert_string_equal(inet_ntop(AF_INET6, &paths[B]->next_hop6_ll, buf,
	    sizeof(buf)), "fe80::1");

	/* the same bits in both families: two prefixes */
	ann(f, A, "10.10.0.0/16", NULL);
	assert_int_equal(ann6(f, A, "a0a::/16", NULL), 3);
	assert_int_equal(rib_count(f->r), 3);
	check_masks(f, "10.10.0.0/16", MA, 0);
	check_masks(f, "a0a::/16", MA, 0);
	assert_null(rib_user(f->r, rp("a0a::/17")));
	assert_null(rib_user(f->r, rp("2001:db8:10::/64")));
	assert_int_equal(rib_paths(f->r, rp("10.10.0.0/16"), paths, &best,
	    &standby, &stale), true);
	assert_int_equal(paths[A]->next_hop_af, AF_INET);
	assert_int_equal(rib_peer_stats(f->r, A)->received, 3);
	check_invariants(f);

	/* refused by the policy, as IPv4 */
	assert_int_equal(ann6(f, A, "2001:db9::/32", NULL), 4);
	assert_int_equal(rib_peer_stats(f->r, A)->rejected[RIB_NOT_ALLOWED],
	    1);
	assert_int_equal(ann6(f, A, "::/0", NULL), 5);
	assert_int_equal(rib_peer_stats(f->r, A)->rejected[RIB_DEFAULT_ROUTE],
	    1);
	check_masks(f, "::/0", 0, 0);

	/* withdrawn: the other tunnel takes over, then nothing */
	assert_int_equal(wd6(f, B, "2001:db8:10::/48"), 0);
	check_masks(f, "2001:db8:10::/48", MA, 0);
	assert_int_equal(wd6(f, A, "2001:db8:10::/48"), 4);
	check_masks(f, "2001:db8:10::/48", 0, 0);
	assert_null(rib_user(f->r, &p6));
	check_masks(f, "10.10.0.0/16", MA, 0);
	check_invariants(f);

	/* a reload checks IPv6 paths again */
	reload(f, allow, 1, false, LOCAL_AS);
	check_masks(f, "a0a::/16", 0, 0);
	check_masks(f, "10.10.0.0/16", MA, 0);
	check_invariants(f);
	rib_peer_flush(f->r, A, f->now);
	assert_int_equal(rib_count_all(f->r), 0);
	check_invariants(f);
	fx_free(f);
}

/* The codec's IPv6 lists (MP_REACH / MP_UNREACH of AFI 2) through
 * rib_update: announced with their RFC 2545 next hop, host bits cleared,
 * withdrawn, and withdrawn by treat-as-withdraw, beside IPv4 NLRI. */
static void
test_update6(void **state)
{
	static const char *const	allow[] = { "10.0.0.0/8 le 32",
					    "2001:db8::/32 le 64" };
	static const struct path	none = PATH(100, ORIGIN_IGP, 1);
	struct fx			*f = fx_new(allow, nitems(allow),
					    false);
	const struct rib_attrs		*paths[RIB_MAX_PEERS];
	struct msg_prefix6		 p6[2];
	struct msg_prefix		 p4 = mpfx("10.20.0.0/16");
	struct msg_update		 u;
	uint8_t				 best, standby, stale;
	char				 buf[INET6_ADDRSTRLEN];

	p6[0].addr = rp("2001:db8:10::1/48")->addr6;	/* host bits */
	p6[0].len = 48;
	p6[1].addr = rp("2001:db8:20::/48")->addr6;
	p6[1].len = 48;
	memset(&u, 0, sizeof(u));
	u.nlri = &p4;
	u.n_nlri = 1;
	u.nlri6 = p6;
	u.n_nlri6 = 2;
	mkattrs(&u.attrs, A, &none);
	u.attrs.next_hop6.global = rp("fd00:1::1/128")->addr6;
	u.attrs.next_hop6.link_local = rp("fe80::1/128")->addr6;
	assert_int_equal(rib_update(f->r, A, &u, 1000), 3);
	check_masks(f, "2001:db8:10::/48", MA, 0);
	check_masks(f, "2001:db8:20::/48", MA, 0);
	check_masks(f, "10.20.0.0/16", MA, 0);
	assert_true(rib_paths(f->r, rp("2001:db8:10::/48"), paths, &best,
	    &standby, &stale));
	assert_int_equal(paths[A]->next_hop_af, AF_INET6);
	assert_string_equal(inet_ntop(AF_INET6, &paths[A]->next_hop6, buf,
	    sizeof(buf)), "fd00:1::1");
	assert_string_equal(inet_ntop(AF_INET6, &paths[A]->next_hop6_ll, buf,
	    sizeof(buf)), "fe80::1");
	assert_true(rib_paths(f->r, rp("10.20.0.0/16"), paths, &best,
	    &standby, &stale));
	assert_int_equal(paths[A]->next_hop_af, AF_INET);
	check_invariants(f);

	/* MP_UNREACH of one */
	u.n_nlri = 0;
	u.n_nlri6 = 0;
	u.withdrawn6 = p6;
	u.n_withdrawn6 = 1;
	assert_int_equal(rib_update(f->r, A, &u, 2000), 2);
	check_masks(f, "2001:db8:10::/48", 0, 0);
	assert_null(rib_user(f->r, rp("2001:db8:10::/48")));

	/* treat-as-withdraw takes the IPv6 NLRI too */
	u.n_withdrawn6 = 0;
	u.nlri6 = &p6[1];
	u.n_nlri6 = 1;
	u.action = UPD_TREAT_AS_WITHDRAW;
	assert_int_equal(rib_update(f->r, A, &u, 3000), 1);
	check_masks(f, "2001:db8:20::/48", 0, 0);
	check_masks(f, "10.20.0.0/16", MA, 0);
	check_invariants(f);
	msg_attrs_free(&u.attrs);
	fx_free(f);
}

/* Ties between IPv6 peers go to the lower address, as between IPv4. */
static void
test_ipv6_tiebreak(void **state)
{
	struct fx	*f = fx_default(true);

	rib_peer_set6(f->r, A, &rp("fd00:2::1/128")->addr6, 100);
	rib_peer_set6(f->r, B, &rp("fd00:1::1/128")->addr6, 100);
	assert_true(rib_tiebreak(f->r, A, 0, B, 0) > 0);
	assert_true(rib_tiebreak(f->r, B, 0, A, 0) < 0);
	rib_peer_set(f->r, A, ip("169.254.249.57"), 100);
	assert_true(rib_tiebreak(f->r, A, 0, B, 0) < 0);
	fx_free(f);
}

/* ---- interning ---------------------------------------------------------- */

struct share {
	unsigned		 peer;
	const struct rib_attrs	*first;
	size_t			 n, same;
};

static void
share_fn(const struct rib_prefix *pfx,
    const struct rib_attrs *const paths[RIB_MAX_PEERS], uint8_t best,
    uint8_t standby, void *arg)
{
	struct share	*sh = arg;

	if (paths[sh->peer] == NULL)
		return;
	if (sh->first == NULL)
		sh->first = paths[sh->peer];
	sh->n++;
	sh->same += paths[sh->peer] == sh->first;
}

static void
announce_range(struct fx *f, unsigned peer, unsigned from, unsigned n,
    const struct path *p)
{
	struct msg_prefix	m[32];
	char			s[32];
	unsigned		i;

	assert_true(n <= nitems(m));
	for (i = 0; i < n; i++) {
		snprintf(s, sizeof(s), "10.10.%u.0/24", from + i);
		m[i] = mpfx(s);
	}
	update(f, peer, NULL, 0, m, n, p, UPD_OK);
}

static void
test_interning(void **state)
{
	struct fx	*f = fx_default(false);
	struct path	 x = { 100, ORIGIN_IGP, 1, 0, false, "169.254.249.57" };
	struct path	 y = { 50, ORIGIN_IGP, 1, 0, false, "169.254.249.57" };
	struct path	 z = { 100, ORIGIN_IGP, 1, 9, false, "169.254.249.57" };
	struct share	 sh = { A, NULL, 0, 0 };

	announce_range(f, A, 0, 10, &x);
	announce_range(f, A, 10, 5, &x);
	assert_int_equal(rib_debug_attrs_live(f->r), 1);
	assert_int_equal(rib_debug_attrs_refs(f->r), 15);
	rib_walk(f->r, share_fn, &sh);
	assert_int_equal(sh.n, 15);
	assert_int_equal(sh.same, 15);
	assert_int_equal(sh.first->refcnt, 15);

	announce_range(f, B, 0, 15, &x);	/* same content, same set */
	assert_int_equal(rib_debug_attrs_live(f->r), 1);
	assert_int_equal(rib_debug_attrs_refs(f->r), 30);

	announce_range(f, A, 0, 10, &y);	/* replaced, not leaked */
	assert_int_equal(rib_debug_attrs_live(f->r), 2);
	assert_int_equal(rib_debug_attrs_refs(f->r), 30);
	announce_range(f, A, 0, 10, &x);
	assert_int_equal(rib_debug_attrs_live(f->r), 1);
	announce_range(f, B, 3, 1, &z);		/* a community differs */
	assert_int_equal(rib_debug_attrs_live(f->r), 2);
	assert_int_equal(rib_debug_attrs_refs(f->r), 30);
	check_invariants(f);

	rib_peer_flush(f->r, A, 100000);
	assert_int_equal(rib_debug_attrs_refs(f->r), 15);
	rib_peer_flush(f->r, B, 100000);
	assert_int_equal(rib_debug_attrs_live(f->r), 0);
	assert_int_equal(rib_debug_attrs_refs(f->r), 0);
	assert_int_equal(rib_debug_table_count(f->r), 0);
	assert_int_equal(rib_count(f->r), 0);
	fx_free(f);
}

/* ---- flushes, many peers, many prefixes --------------------------------- */

static void
test_flush_many(void **state)
{
	struct fx	*f = fx_default(false);
	struct path	 even = PATH(50, ORIGIN_IGP, 1);
	struct path	 odd = PATH(150, ORIGIN_IGP, 1);
	unsigned	 i;

	for (i = 0; i < 100; i += 2) {
		announce_range(f, A, i, 1, &even);
		announce_range(f, A, i + 1, 1, &odd);
	}
	assert_int_equal(f->calls, 100);
	for (i = 0; i < 100; i += 10)
		announce_range(f, B, i, 10, NULL);
	assert_int_equal(f->calls, 200);
	check_masks(f, "10.10.2.0/24", MA, MB);
	check_masks(f, "10.10.3.0/24", MB, MA);
	assert_int_equal(rib_peer_stats(f->r, A)->best, 50);
	check_invariants(f);

	rib_peer_flush(f->r, A, 100000);
	assert_int_equal(f->calls, 300);
	check_masks(f, "10.10.2.0/24", MB, 0);
	check_masks(f, "10.10.3.0/24", MB, 0);
	assert_int_equal(rib_peer_stats(f->r, A)->received, 0);
	assert_int_equal(rib_peer_stats(f->r, B)->best, 100);
	check_invariants(f);

	rib_peer_flush(f->r, B, 100000);
	assert_int_equal(f->calls, 400);
	assert_int_equal(rib_count(f->r), 0);
	assert_int_equal(rib_debug_attrs_live(f->r), 0);
	assert_int_equal(rib_debug_table_count(f->r), 0);
	check_invariants(f);
	fx_free(f);
}

struct meds {
	int	med[RIB_MAX_PEERS];	/* NOMED: no path */
};

static void
meds_fn(const struct rib_prefix *pfx,
    const struct rib_attrs *const paths[RIB_MAX_PEERS], uint8_t best,
    uint8_t standby, void *arg)
{
	const struct meds	*m = arg;
	unsigned		 i;

	for (i = 0; i < RIB_MAX_PEERS; i++)
		if (m->med[i] == NOMED)
			assert_null(paths[i]);
		else
			assert_int_equal(paths[i]->med, m->med[i]);
}

/* Beyond two paths per prefix the entry spills out and comes back. */
static void
test_eight_peers(void **state)
{
	static const unsigned	 order[] = { 3, 7, 0, 5, 1, 6, 2, 4 };
	struct fx		*f = fx_default(false);
	struct path		 p = PATH(0, ORIGIN_IGP, 1);
	struct meds		 m;
	unsigned		 i, k, top;
	uint8_t			 left = 0xff;

	for (i = 0; i < RIB_MAX_PEERS; i++) {
		rib_peer_set(f->r, i, ip(peer_addr[i]), 100);
		m.med[i] = NOMED;
	}
	for (i = 0; i < RIB_MAX_PEERS; i++) {
		p.med = m.med[i] = (int)(100 - 10 * i);
		ann(f, i, N, &p);
		check_masks(f, N, RIB_BIT(i), (uint8_t)(RIB_BIT(i) - 1));
		rib_walk(f->r, meds_fn, &m);
	}
	check_invariants(f);
	for (k = 0; k < nitems(order); k++) {
		wd(f, order[k], N);
		m.med[order[k]] = NOMED;
		left &= (uint8_t)~RIB_BIT(order[k]);
		rib_walk(f->r, meds_fn, &m);
		for (top = 0, i = 0; i < RIB_MAX_PEERS; i++)
			if (left & RIB_BIT(i))
				top = i;
		if (left != 0)
			check_masks(f, N, RIB_BIT(top),
			    left & (uint8_t)~RIB_BIT(top));
		else
			check_masks(f, N, 0, 0);
		check_invariants(f);
	}
	assert_int_equal(rib_debug_table_count(f->r), 0);
	assert_int_equal(rib_debug_attrs_live(f->r), 0);
	fx_free(f);
}

/* A RIB freed with paths in it frees them all (ASan checks). */
static void
test_free_full(void **state)
{
	struct fx	*f = fx_default(false);
	unsigned	 i;

	for (i = 0; i < 4; i++)
		ann(f, i, N, NULL);
	announce_range(f, A, 0, 20, NULL);
	fx_free(f);
}

/* ---- the table under churn ---------------------------------------------- */

#define POOL	6000

struct churn {
	uint8_t		have[POOL];	/* bit per peer */
	uint8_t		best[POOL];
	size_t		calls;
	bool		relabelled;	/* user[1] is 0x42 since the walk */
};

static void
churn_change(const struct rib_change *c, void *arg)
{
	struct churn	*ch = arg;
	uint32_t	 i = (ntohl(c->pfx.addr.s_addr) >> 8) & 0xffff;

	assert_true(i < POOL);
	assert_int_equal(c->old_best, ch->best[i]);
	/* the user bytes: 0 in a new entry, then what was written last,
	 * wherever the table moved the entry */
	if (c->old_best == 0 && c->old_standby == 0) {
		assert_int_equal(c->user[0], 0);
		assert_int_equal(c->user[1], 0);
	} else {
		assert_int_equal(c->user[0], (uint8_t)i);
		assert_int_equal(c->user[1], ch->relabelled ? 0x42 :
		    (uint8_t)(i >> 8) | 0x80);
	}
	c->user[0] = (uint8_t)i;
	c->user[1] = ch->relabelled ? 0x42 : (uint8_t)(i >> 8) | 0x80;
	ch->best[i] = c->best;
	ch->calls++;
}

/* rib_walk_user: every prefix with the bytes churn_change left; then
 * they are changed here, and rib_user must see that. */
static void
churn_walk_user(const struct rib_prefix *pfx, uint8_t best, uint8_t standby,
    uint8_t user[RIB_USER_BYTES], void *arg)
{
	struct churn	*ch = arg;
	uint32_t	 i = (ntohl(pfx->addr.s_addr) >> 8) & 0xffff;

	assert_int_equal(best | standby, ch->have[i]);
	assert_int_equal(user[0], (uint8_t)i);
	assert_int_equal(user[1], (uint8_t)(i >> 8) | 0x80);
	user[1] = 0x42;
}

static void
churn_walk(const struct rib_prefix *pfx,
    const struct rib_attrs *const paths[RIB_MAX_PEERS], uint8_t best,
    uint8_t standby, void *arg)
{
	struct churn	*ch = arg;
	uint32_t	 i = (ntohl(pfx->addr.s_addr) >> 8) & 0xffff;

	assert_true(i < POOL);
	assert_int_equal((paths[A] != NULL) | (paths[B] != NULL) << 1,
	    ch->have[i]);
	assert_int_equal(best | standby, ch->have[i]);
}

static uint64_t
xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void
test_churn(void **state)
{
	static const char *const allow[] = { "10.0.0.0/8 le 32" };
	struct churn		*ch;
	struct tconf		 tc;
	struct rib		*r;
	struct msg_update	 u;
	struct msg_prefix	 m;
	struct rib_prefix	 q;
	uint64_t		 seed = 0x9e3779b97f4a7c15ULL, v;
	size_t			 i, n, in_table, paths[2] = { 0, 0 };
	unsigned		 peer, k;

	assert_non_null(ch = calloc(1, sizeof(*ch)));
	tconf_init(&tc, allow, 1, NULL, 0, false);
	assert_non_null(r = rib_new(&tc.c, churn_change, ch));
	rib_peer_set(r, A, ip(peer_addr[A]), 100);
	rib_peer_set(r, B, ip(peer_addr[B]), 100);
	for (i = 0; i < 60000; i++) {
		v = xorshift(&seed);
		k = (unsigned)(v % POOL);
		peer = (unsigned)(v >> 20) & 1;
		memset(&u, 0, sizeof(u));
		m.addr.s_addr = htonl(0x0a000000U | k << 8);
		m.len = 24;
		if ((v >> 24) % 8 < 5 - 3 * (i >= 40000)) {
			u.nlri = &m;
			u.n_nlri = 1;
			mkattrs(&u.attrs, peer, &(struct path)PATH(
			    (int)((v >> 32) % 4), ORIGIN_IGP, 1));
			paths[peer] += !(ch->have[k] & RIB_BIT(peer));
			ch->have[k] |= RIB_BIT(peer);
		} else {
			u.withdrawn = &m;
			u.n_withdrawn = 1;
			mkattrs(&u.attrs, peer, &(struct path)PATH(0, 0, 1));
			paths[peer] -= (ch->have[k] & RIB_BIT(peer)) != 0;
			ch->have[k] &= (uint8_t)~RIB_BIT(peer);
		}
		n = rib_update(r, peer, &u, i);
		msg_attrs_free(&u.attrs);
		assert_int_equal(n, paths[peer]);
	}
	for (k = 0, in_table = 0; k < POOL; k++)
		in_table += ch->have[k] != 0;
	assert_int_equal(rib_debug_table_count(r), in_table);
	rib_walk(r, churn_walk, ch);
	rib_walk_user(r, churn_walk_user, ch);
	ch->relabelled = true;
	for (k = 0; k < POOL; k++) {
		m.addr.s_addr = htonl(0x0a000000U | k << 8);
		assert_true(rib_prefix_set(&q, AF_INET, &m.addr, 24));
		if (ch->have[k] == 0)
			assert_null(rib_user(r, &q));
		else
			assert_int_equal(rib_user(r, &q)[1], 0x42);
	}
	print_message("%zu prefixes in %zu slots, %zu changes\n", in_table,
	    rib_debug_table_cap(r), ch->calls);
	rib_peer_flush(r, A, i);
	rib_peer_flush(r, B, i);
	assert_int_equal(rib_debug_table_count(r), 0);
	assert_int_equal(rib_debug_table_cap(r), 0);
	assert_int_equal(rib_debug_attrs_live(r), 0);
	for (k = 0; k < POOL; k++)
		assert_int_equal(ch->best[k], 0);
	rib_free(r);
	free(ch);
}

/*
 * The table grows in place: every key is found after each growth, with
 * keys that cluster (consecutive /24s, /32s of one /24, random ones) and
 * deletions in between; a shrink after deleting most of them too.
 */
static void
test_table_grow(void **state)
{
	struct rib_table	 t;
	struct rib_prefix	 p;
	struct rib_entry	*e;
	uint64_t		 seed = 0x2545f4914f6cdd1dULL;
	uint32_t		*keys;
	uint8_t			*lens, *gone;
	size_t			 n = 200000, i, j, cap = 0, grown = 0;

	assert_non_null(keys = calloc(n, sizeof(*keys)));
	assert_non_null(lens = calloc(n, sizeof(*lens)));
	assert_non_null(gone = calloc(n, sizeof(*gone)));
	rib_table_init(&t);
	memset(&p, 0, sizeof(p));
	p.af = AF_INET;
	for (i = 0; i < n; i++) {
		switch (i % 3) {
		case 0:		/* consecutive /24s */
			keys[i] = 0x0a000000U + (uint32_t)(i / 3) * 256;
			lens[i] = 24;
			break;
		case 1:		/* hosts of a few /24s */
			keys[i] = 0xac100000U + (uint32_t)(i / 3);
			lens[i] = 32;
			break;
		default:	/* scattered (a bijection of i), /0 to /22 */
			keys[i] = (uint32_t)i * 0x9e3779b1U ^ 0x5bd1e995U;
			lens[i] = (uint8_t)(xorshift(&seed) % 23);
		}
		p.addr.s_addr = keys[i];
		p.len = lens[i];
		assert_null(rib_table_find(&t, &p));
		assert_non_null(e = rib_table_get(&t, &p));
		e->user[0] = (uint8_t)i;
		e->best_since = (uint32_t)i;
		/* now and then delete one (it has no path) */
		if (i % 7 == 3) {
			p.addr.s_addr = keys[i - 3];
			p.len = lens[i - 3];
			assert_non_null(e = rib_table_find(&t, &p));
			rib_table_del(&t, (size_t)(e - t.e));
			gone[i - 3] = 1;
		}
		if (t.cap != cap) {
			cap = t.cap;
			grown++;
			for (j = 0; j <= i; j++) {
				p.addr.s_addr = keys[j];
				p.len = lens[j];
				e = rib_table_find(&t, &p);
				if (gone[j])
					assert_null(e);
				else {
					assert_non_null(e);
					assert_int_equal(e->best_since, j);
					assert_int_equal(e->user[0], (uint8_t)j);
				}
			}
		}
	}
	assert_true(grown > 10);
	for (i = 0; i < n; i++) {
		if (gone[i] || i % 10 == 0)
			continue;
		p.addr.s_addr = keys[i];
		p.len = lens[i];
		assert_non_null(e = rib_table_find(&t, &p));
		rib_table_del(&t, (size_t)(e - t.e));
		gone[i] = 1;
	}
	rib_table_shrink(&t);
	assert_true(t.cap < cap);
	for (i = 0; i < n; i++) {
		p.addr.s_addr = keys[i];
		p.len = lens[i];
		e = rib_table_find(&t, &p);
		if (gone[i])
			assert_null(e);
		else
			assert_true(e != NULL && e->best_since == i);
	}
	rib_table_free(&t);
	free(keys);
	free(lens);
	free(gone);
}

/*
 * Both families in one table: IPv4 and IPv6 keys with the same leading
 * bits never meet; IPv6 keys survive growth, deletions (their address
 * slot reused) and a shrink.
 */
static void
test_table_mixed(void **state)
{
	struct rib_table	 t;
	struct rib_prefix	 p;
	struct rib_entry	*e;
	size_t			 n = 30000, i, j;
	uint32_t		 a;

	rib_table_init(&t);
	for (i = 0; i < n; i++) {
		a = htonl(0x0a000000U + (uint32_t)i * 256);
		assert_true(rib_prefix_set(&p, AF_INET, &a, 24));
		assert_non_null(e = rib_table_get(&t, &p));
		e->best_since = (uint32_t)i;
		memset(&p, 0, sizeof(p));
		p.af = AF_INET6;
		p.len = 24;
		memcpy(&p.addr6, &a, sizeof(a));
		assert_non_null(e = rib_table_get(&t, &p));
		e->best_since = (uint32_t)(n + i);
		if (i % 5 == 4) {	/* delete an IPv6 one */
			memcpy(&p.addr6, &(uint32_t){ htonl(0x0a000000U +
			    (uint32_t)(i - 2) * 256) }, 4);
			assert_non_null(e = rib_table_find(&t, &p));
			rib_table_del(&t, (size_t)(e - t.e));
		}
	}
	assert_int_equal(t.count, 2 * n - n / 5);
	assert_true(t.keys6.n < n);	/* slots of deleted ones reused */
	for (j = 0; j < 2; j++) {
		for (i = 0; i < n; i++) {
			a = htonl(0x0a000000U + (uint32_t)i * 256);
			assert_true(rib_prefix_set(&p, AF_INET, &a, 24));
			assert_non_null(e = rib_table_find(&t, &p));
			assert_int_equal(e->best_since, i);
			memset(&p, 0, sizeof(p));
			p.af = AF_INET6;
			p.len = 24;
			memcpy(&p.addr6, &a, sizeof(a));
			e = rib_table_find(&t, &p);
			if (i % 5 == 2 && i + 2 < n)
				assert_null(e);
			else {
				assert_non_null(e);
				assert_int_equal(e->best_since, n + i);
				rib_entry_prefix(&t, e, &p);
				assert_int_equal(p.af, AF_INET6);
				assert_int_equal(p.len, 24);
			}
		}
		/* delete most IPv4 ones, shrink, look again */
		for (i = 0; j == 0 && i < n; i++) {
			if (i % 10 == 0)
				continue;
			a = htonl(0x0a000000U + (uint32_t)i * 256);
			assert_true(rib_prefix_set(&p, AF_INET, &a, 24));
			assert_non_null(e = rib_table_find(&t, &p));
			rib_table_del(&t, (size_t)(e - t.e));
		}
		if (j == 0) {
			rib_table_shrink(&t);
			break;
		}
	}
	for (i = 0; i < n; i += 10) {
		a = htonl(0x0a000000U + (uint32_t)i * 256);
		assert_true(rib_prefix_set(&p, AF_INET, &a, 24));
		assert_non_null(rib_table_find(&t, &p));
	}
	rib_table_free(&t);
}

/* rib_prefix_set clears host bits and refuses what is no prefix. */
static void
test_prefix_set(void **state)
{
	struct rib_prefix	p, q;
	struct in6_addr		a = rp("2001:db8:ffff:ffff::/64")->addr6;
	uint32_t		v4 = htonl(0x0a0a0a0aU);

	assert_true(rib_prefix_set(&p, AF_INET6, &a, 35));
	q = rpfx("2001:db8:e000::/35");
	assert_true(rib_prefix_eq(&p, &q));
	assert_false(rib_prefix_set(&p, AF_INET6, &a, 129));
	assert_false(rib_prefix_set(&p, AF_INET, &v4, 33));
	assert_false(rib_prefix_set(&p, 0, &v4, 8));
	assert_true(rib_prefix_set(&p, AF_INET, &v4, 12));
	q = rpfx("10.0.0.0/12");
	assert_true(rib_prefix_eq(&p, &q));
	assert_true(rib_prefix_inside(rp("2001:db8:1::/48"),
	    rp("2001:db8::/32")));
	assert_false(rib_prefix_inside(rp("2001:db8::/32"),
	    rp("2001:db8:1::/48")));
	assert_false(rib_prefix_inside(rp("10.0.0.0/8"),
	    rp("a00::/8")));
	assert_true(rib_prefix_inside(rp("::/0"), rp("::/0")));
	assert_false(rib_prefix_inside(rp("0.0.0.0/0"), rp("::/0")));
}

/* ---- main ---------------------------------------------------------------- */

#define ROWS(tab, fn)	{ tab, sizeof(tab[0]), nitems(tab), fn }

int
main(void)
{
	static const struct CMUnitTest	fixed[] = {
		cmocka_unit_test(test_update_order),
		cmocka_unit_test(test_graceful_restart),
		cmocka_unit_test(test_consecutive_restart),
		cmocka_unit_test(test_treat_as_withdraw),
		cmocka_unit_test(test_host_bits),
		cmocka_unit_test(test_stats),
		cmocka_unit_test(test_bad_nexthop),
		cmocka_unit_test(test_generation),
		cmocka_unit_test(test_reload),
		cmocka_unit_test(test_interning),
		cmocka_unit_test(test_flush_many),
		cmocka_unit_test(test_eight_peers),
		cmocka_unit_test(test_free_full),
		cmocka_unit_test(test_churn),
		cmocka_unit_test(test_table_grow),
		cmocka_unit_test(test_ipv6_paths),
		cmocka_unit_test(test_update6),
		cmocka_unit_test(test_ipv6_tiebreak),
		cmocka_unit_test(test_table_mixed),
		cmocka_unit_test(test_prefix_set),
	};
	static const struct {
		const void		*rows;
		size_t			 size, n;
		CMUnitTestFunction	 fn;
	} tables[] = {
		ROWS(cmp_rows, test_compare),
		ROWS(tie_rows, test_tiebreak),
		ROWS(pol_rows, test_policy),
		ROWS(scenarios, test_scenario),
	};
	struct CMUnitTest	*tests;
	size_t			 n = 0, i, j;
	int			 rc;

	for (i = 0; i < nitems(tables); i++)
		n += tables[i].n;
	n += nitems(fixed);
	if ((tests = calloc(n, sizeof(*tests))) == NULL)
		return 1;
	n = 0;
	for (i = 0; i < nitems(tables); i++)
		for (j = 0; j < tables[i].n; j++) {
			const char	*row = (const char *)tables[i].rows +
			    j * tables[i].size;

			/* Every row type starts with its name. */
			tests[n].name = *(const char *const *)(const void *)row;
			tests[n].test_func = tables[i].fn;
			tests[n++].initial_state = (void *)(uintptr_t)row;
		}
	for (i = 0; i < nitems(fixed); i++)
		tests[n++] = fixed[i];
	rc = _cmocka_run_group_tests("rib", tests, n, NULL, NULL);
	free(tests);
	return rc;
}
