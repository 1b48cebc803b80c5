/* SPDX-License-Identifier: ISC */
/*
 * fib_check.c: what the kernel forwards on now, read back from it: for
 * the primary routes, how many forward into each tunnel (fib_check()).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "bgpd/fib/fib_impl.h"

/* Tunnels of each of our nexthop ids, as the kernel has them. */
#define CHECK_IDS	0x300U

struct check_ctx {
	struct fib		*f;
	struct fib_check	*c;
	uint8_t			 plain[CHECK_IDS];	/* NH id: its slot bit */
	uint8_t			 mask[CHECK_IDS];
	const uint32_t		*members[CHECK_IDS];
	uint32_t		 stored[CHECK_IDS][RIB_MAX_PEERS];
	size_t			 n[CHECK_IDS];
	bool			 group[CHECK_IDS];
};

static void
check_nexthop(uint32_t id, int oif, const uint32_t *members, size_t n,
    void *arg)
{
	struct check_ctx	*x = arg;
	uint32_t		 k = id - KR_NHID_BASE;
	size_t			 i;

	if (id < KR_NHID_BASE || k >= CHECK_IDS)
		return;
	if (n == 0) {
		/* NH(i) is tunnel i's gateway */
		if (k >= 1 && k <= RIB_MAX_PEERS)
			x->plain[k] = (uint8_t)(1U << (k - 1));
		return;
	}
	x->group[k] = true;
	x->n[k] = n < RIB_MAX_PEERS ? n : RIB_MAX_PEERS;
	for (i = 0; i < x->n[k]; i++)
		x->stored[k][i] = members[i];
}

static void
check_route(const struct kr_prefix *p, uint32_t metric, uint32_t nhid,
    void *arg)
{
	struct check_ctx	*x = arg;
	uint32_t		 k = nhid - KR_NHID_BASE;
	uint8_t			 mask = 0;
	unsigned		 i;

	if (metric != x->f->metric)
		return;
	x->c->primaries++;
	if (nhid >= KR_NHID_BASE && k < CHECK_IDS)
		mask = x->mask[k];
	if (mask == 0) {
		x->c->unresolved++;
		return;
	}
	for (i = 0; i < RIB_MAX_PEERS; i++)
		if (mask & (1U << i))
			x->c->on[i]++;
}

int
fib_check(struct fib *f, struct fib_check *c)
{
	struct check_ctx	*x;
	uint32_t		 k, m;
	size_t			 i;
	int			 rc = -1;

	memset(c, 0, sizeof(*c));
	if (!f->started)
		return -1;
	if ((x = calloc(1, sizeof(*x))) == NULL)
		fatal("calloc");
	x->f = f;
	x->c = c;
	if (f->nexthops && kr_dump_nexthop_members(f->kr, check_nexthop, x) ==
	    -1)
		goto out;
	for (k = 0; k < CHECK_IDS; k++) {
		x->mask[k] = x->plain[k];
		for (i = 0; x->group[k] && i < x->n[k]; i++) {
			m = x->stored[k][i] - KR_NHID_BASE;
			if (x->stored[k][i] >= KR_NHID_BASE && m < CHECK_IDS)
				x->mask[k] |= x->plain[m];
		}
	}
	if (kr_dump_routes(f->kr, check_route, x) == -1)
		goto out;
	c->verified = f->nexthops;
	rc = 0;
out:
	free(x);
	return rc;
}
