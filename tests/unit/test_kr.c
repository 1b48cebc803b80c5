/* SPDX-License-Identifier: ISC */
/*
 * test_kr.c: netlink/kr.h against the real kernel, in a network
 * namespace of its own (unshare(CLONE_NEWNET): it and everything in it
 * vanish with the process).  veth pairs vti0/vti0p and vti1/vti1p stand
 * in for the tunnels, as in the lab.  Needs root: skipped (77) without,
 * unless CI=true, where that is a failure.  The loop is only ever run
 * with bounded ev_run(EVRUN_ONCE) steps under a deadline.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>

#include <cmocka.h>

#include "tests/unit/shell.h"
#include <ev.h>

#include "bgpd/util/log.h"
#include "netlink/kr.h"
#include "netlink/kr_impl.h"	/* the queue's capacity */

#define PROTO		186
#define NH1		(KR_NHID_BASE + 0x001)		/* on vti0 */
#define NH2		(KR_NHID_BASE + 0x002)		/* on vti1 */
#define G1		(KR_NHID_BASE + 0x101)
#define G2		(KR_NHID_BASE + 0x102)
#define GW1		"169.254.249.57"
#define GW2		"169.254.249.61"
#define COMPAT		"/proc/sys/net/ipv4/nexthop_compat_mode"
#define MAXREC		4096
#define DEADLINE	5.

/* ---- what the hooks heard --------------------------------------------- */

struct rec_route {
	struct kr_prefix	p;
	uint32_t		metric;
	uint32_t		nhid;
};

struct t {
	struct ev_loop		*loop;
	struct kr		*kr;
	ev_timer		 tick;
	char			 link_name[8][IF_NAMESIZE];
	bool			 link_up[8];
	int			 link_calls[8];
	int			 nlinks;
	uint32_t		 nh_lost[64];
	int			 n_nh_lost;
	struct rec_route	 route_lost[64];
	int			 n_route_lost;
	char			 err_what[64][256];
	int			 err[64];
	int			 n_err;
	struct rec_route	*dump;		/* kr_dump_routes */
	size_t			 n_dump;
	uint32_t		 nh_dump[64];
	bool			 nh_group[64];
	int			 n_nh_dump;
	bool			 nested;
};

static int
link_slot(struct t *t, const char *name)
{
	int	i;

	for (i = 0; i < t->nlinks; i++)
		if (strcmp(t->link_name[i], name) == 0)
			return i;
	assert_true(t->nlinks < 8);
	snprintf(t->link_name[t->nlinks], IF_NAMESIZE, "%s", name);
	return t->nlinks++;
}

static void
on_link(const char *ifname, bool up, void *arg)
{
	struct t	*t = arg;
	int		 i = link_slot(t, ifname);

	t->link_up[i] = up;
	t->link_calls[i]++;
}

static void
on_route_lost(const struct kr_prefix *p, uint32_t metric, void *arg)
{
	struct t	*t = arg;

	assert_true(t->n_route_lost < 64);
	t->route_lost[t->n_route_lost].p = *p;
	t->route_lost[t->n_route_lost++].metric = metric;
}

static void
on_nexthop_lost(uint32_t id, void *arg)
{
	struct t	*t = arg;

	assert_true(t->n_nh_lost < 64);
	t->nh_lost[t->n_nh_lost++] = id;
}

static void
on_error(const char *what, int err, void *arg)
{
	struct t	*t = arg;

	if (t->n_err < 64) {
		snprintf(t->err_what[t->n_err], sizeof(t->err_what[0]), "%s",
		    what);
		t->err[t->n_err] = err;
	}
	t->n_err++;
}

/* ---- helpers ---------------------------------------------------------- */

static int
compat_get(void)
{
	FILE	*f = fopen(COMPAT, "r");
	int	 v = -1;

	assert_non_null(f);
	assert_int_equal(fscanf(f, "%d", &v), 1);
	fclose(f);
	return v;
}

static struct in_addr
ip(const char *s)
{
	struct in_addr	a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

static struct kr_prefix
pfx(const char *s, uint8_t len)
{
	struct kr_prefix	p = { .addr = ip(s), .len = len };

	return p;
}

/* The n-th /24 of 10.100.0.0/14. */
static struct kr_prefix
pfx_n(unsigned n)
{
	struct kr_prefix	p = { .len = 24 };

	p.addr.s_addr = htonl(0x0a640000U + (n << 8));
	p.len = 24;
	return p;
}

static void
tick_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
}

/* Run the loop in bounded steps until done(t) or the deadline. */
static bool
run_until(struct t *t, bool (*done)(struct t *), double secs)
{
	ev_tstamp	end = ev_time() + secs;

	while (!done(t)) {
		if (ev_time() > end)
			return false;
		ev_run(t->loop, EVRUN_ONCE);
	}
	return true;
}

static bool
idle(struct t *t)
{
	return kr_pending(t->kr) == 0;
}

/* Flush, wait until the kernel has answered all, and read notifications. */
static void
settle(struct t *t)
{
	kr_flush(t->kr);
	assert_true(run_until(t, idle, DEADLINE));
	ev_run(t->loop, EVRUN_NOWAIT);
}

static void
dump_route(const struct kr_prefix *p, uint32_t metric, uint32_t nhid,
    void *arg)
{
	struct t	*t = arg;

	assert_non_null(t->dump = reallocarray(t->dump, t->n_dump + 1,
	    sizeof(*t->dump)));
	t->dump[t->n_dump].p = *p;
	t->dump[t->n_dump].metric = metric;
	t->dump[t->n_dump++].nhid = nhid;
}

static void
dump_routes(struct t *t)
{
	free(t->dump);
	t->dump = NULL;
	t->n_dump = 0;
	assert_int_equal(kr_dump_routes(t->kr, dump_route, t), 0);
}

/* The nhid of the dumped route p at metric, or -1 if not there. */
static int64_t
dumped(struct t *t, struct kr_prefix p, uint32_t metric)
{
	size_t	i;

	for (i = 0; i < t->n_dump; i++)
		if (t->dump[i].p.addr.s_addr == p.addr.s_addr &&
		    t->dump[i].p.len == p.len && t->dump[i].metric == metric)
			return t->dump[i].nhid;
	return -1;
}

static void
dump_nh(uint32_t id, bool group, void *arg)
{
	struct t	*t = arg;

	assert_true(t->n_nh_dump < 64);
	t->nh_group[t->n_nh_dump] = group;
	t->nh_dump[t->n_nh_dump++] = id;
}

static int
nh_dumped(struct t *t, uint32_t id)
{
	int	i;

	t->n_nh_dump = 0;
	assert_int_equal(kr_dump_nexthops(t->kr, dump_nh, t), 0);
	for (i = 0; i < t->n_nh_dump; i++)
		if (t->nh_dump[i] == id)
			return t->nh_group[i] ? 2 : 1;
	return 0;
}

static bool
heard_lost(struct t *t, uint32_t id)
{
	int	i;

	for (i = 0; i < t->n_nh_lost; i++)
		if (t->nh_lost[i] == id)
			return true;
	return false;
}

/* ---- set-up ----------------------------------------------------------- */

static struct t *
t_new(uint32_t table, bool no_nexthops, bool compat_keep)
{
	struct kr_conf	 conf = { table, PROTO, compat_keep, no_nexthops,
			    false };
	struct kr_hooks	 hooks = { .link = on_link,
			    .route_lost = on_route_lost,
			    .nexthop_lost = on_nexthop_lost,
			    .error = on_error };
	struct t	*t;

	assert_non_null(t = calloc(1, sizeof(*t)));
	t->loop = ev_loop_new(EVFLAG_AUTO);
	ev_timer_init(&t->tick, tick_cb, 0.005, 0.005);
	ev_timer_start(t->loop, &t->tick);
	hooks.arg = t;
	t->kr = kr_new(t->loop, &conf, &hooks);
	assert_int_equal(kr_start(t->kr), 0);
	return t;
}

static void
t_free(struct t *t)
{
	kr_free(t->kr);
	ev_timer_stop(t->loop, &t->tick);
	ev_loop_destroy(t->loop);
	free(t->dump);
	free(t);
}

static int
links_up(void **state)
{
	t_sh("ip link add vti0 type veth peer name vti0p");
	t_sh("ip link add vti1 type veth peer name vti1p");
	t_sh("for l in vti0 vti0p vti1 vti1p; do ip link set $l up; done");
	return 0;
}

static int
links_down(void **state)
{
	if (*state != NULL)
		t_free(*state);
	*state = NULL;
	t_sh("ip link del vti0 2>/dev/null; ip link del vti1 2>/dev/null; "
	    "ip -4 route flush table all proto %d 2>/dev/null; "
	    "ip -4 route flush table all proto static 2>/dev/null; "
	    "ip nexthop flush 2>/dev/null >/dev/null; true", PROTO);
	return 0;
}

/* NH1 on vti0, NH2 on vti1, G1 = {NH1}, G2 = {NH2}. */
static void
tunnels(struct t *t)
{
	assert_int_equal(kr_nexthop(t->kr, NH1, "vti0", ip(GW1)), 0);
	assert_int_equal(kr_nexthop(t->kr, NH2, "vti1", ip(GW2)), 0);
	assert_int_equal(kr_group(t->kr, G1, (uint32_t[]){ NH1 }, 1), 0);
	assert_int_equal(kr_group(t->kr, G2, (uint32_t[]){ NH2 }, 1), 0);
	settle(t);
	assert_int_equal(t->n_err, 0);
}

/* ---- tests ------------------------------------------------------------ */

static void
test_compat_mode(void **state)
{
	struct t	*t;

	t_sh("echo 1 > " COMPAT);
	*state = t = t_new(254, false, false);
	assert_true(kr_has_nexthops(t->kr));
	assert_int_equal(compat_get(), 0);
	t_free(t);
	*state = NULL;
	t_sh("echo 1 > " COMPAT);
	*state = t = t_new(254, false, true);
	assert_true(kr_has_nexthops(t->kr));
	assert_int_equal(compat_get(), 1);
	t_free(t);
	*state = NULL;
	*state = t_new(254, false, false);
	assert_int_equal(compat_get(), 0);
}

static void
test_nexthop_replace(void **state)
{
	struct t	*t = *state = t_new(254, false, false);
	char		*out;

	assert_true(kr_watch_link(t->kr, "vti0"));
	assert_int_equal(t->link_calls[link_slot(t, "vti0")], 1);
	assert_true(t->link_up[link_slot(t, "vti0")]);
	tunnels(t);
	assert_int_equal(nh_dumped(t, NH1), 1);
	assert_int_equal(nh_dumped(t, G1), 2);
	out = t_sh_out("ip nexthop show id %u", NH1);
	assert_non_null(strstr(out, "via " GW1 " dev vti0"));
	assert_non_null(strstr(out, "proto bgp onlink"));
	free(out);
	/* replace: same id, other gateway */
	assert_int_equal(kr_nexthop(t->kr, NH1, "vti0", ip("169.254.249.58")),
	    0);
	assert_int_equal(kr_pending(t->kr), 1);
	settle(t);
	out = t_sh_out("ip nexthop show id %u", NH1);
	assert_non_null(strstr(out, "via 169.254.249.58 dev vti0"));
	free(out);
	assert_int_equal(t->n_err, 0);
	assert_int_equal(t->n_nh_lost, 0);
}

static void
test_group_moves_1000(void **state)
{
	struct t		*t = *state = t_new(254, false, false);
	struct kr_prefix	 p;
	char			*out;
	unsigned		 i;

	tunnels(t);
	for (i = 0; i < 1000; i++) {
		p = pfx_n(i);
		assert_int_equal(kr_route(t->kr, &p, 20, G1), 0);
	}
	assert_int_equal(kr_pending(t->kr), 1000);
	settle(t);
	assert_int_equal(t->n_err, 0);
	/* the failover: one message */
	assert_int_equal(kr_group(t->kr, G1, (uint32_t[]){ NH2 }, 1), 0);
	assert_int_equal(kr_pending(t->kr), 1);
	settle(t);
	assert_int_equal(t->n_err, 0);
	dump_routes(t);
	assert_int_equal(t->n_dump, 1000);
	for (i = 0; i < 1000; i++)
		assert_int_equal(dumped(t, pfx_n(i), 20), G1);
	out = t_sh_out("ip nexthop show id %u", G1);
	assert_non_null(strstr(out, "group 1987313666 "));	/* NH2 */
	free(out);
	/* and back, with both */
	assert_int_equal(kr_group(t->kr, G1, (uint32_t[]){ NH1, NH2 }, 2), 0);
	settle(t);
	out = t_sh_out("ip nexthop show id %u", G1);
	assert_non_null(strstr(out, "group 1987313665/1987313666 "));
	free(out);
	assert_int_equal(t->n_route_lost, 0);
}

/*
 * `ip -j route show` parsed crudely: n objects for dst, and (if n > 0)
 * one of them in table with metric.
 */
static void
check_ip_json(uint32_t table, const char *dst, uint32_t metric, size_t n)
{
	char	*out, *o, *end, needle[64], m[32], tb[32];
	size_t	 found = 0;
	bool	 match = false;

	out = t_sh_out("ip -j -4 route show table all proto %d", PROTO);
	snprintf(needle, sizeof(needle), "\"dst\":\"%s\",", dst);
	snprintf(m, sizeof(m), "\"metric\":%u,", metric);
	snprintf(tb, sizeof(tb), "\"table\":\"%u\"", table);
	for (o = out; (o = strstr(o, needle)) != NULL; o = end) {
		assert_non_null(end = strchr(o, '}'));
		*end++ = '\0';
		found++;
		if (strstr(o, m) != NULL && (table == 254 ?
		    strstr(o, "\"table\"") == NULL : strstr(o, tb) != NULL))
			match = true;
	}
	assert_int_equal(found, n);
	assert_true(n == 0 || match);
	free(out);
}

static void
routes_in_table(uint32_t table)
{
	struct t		*t = t_new(table, false, false);
	struct kr_prefix	 p = pfx("10.20.0.0", 16);

	tunnels(t);
	assert_int_equal(kr_route(t->kr, &p, 20, G1), 0);
	assert_int_equal(kr_route(t->kr, &p, 21, G2), 0);	/* standby */
	settle(t);
	dump_routes(t);
	assert_int_equal(t->n_dump, 2);
	assert_int_equal(dumped(t, p, 20), G1);
	assert_int_equal(dumped(t, p, 21), G2);
	check_ip_json(table, "10.20.0.0/16", 20, 2);
	/* replace: same prefix and metric, other group */
	assert_int_equal(kr_route(t->kr, &p, 20, G2), 0);
	settle(t);
	dump_routes(t);
	assert_int_equal(t->n_dump, 2);
	assert_int_equal(dumped(t, p, 20), G2);
	/* delete exactly one metric */
	assert_int_equal(kr_route_del(t->kr, &p, 20), 0);
	settle(t);
	dump_routes(t);
	assert_int_equal(t->n_dump, 1);
	assert_int_equal(dumped(t, p, 21), G2);
	check_ip_json(table, "10.20.0.0/16", 21, 1);
	assert_int_equal(kr_route_del(t->kr, &p, 21), 0);
	settle(t);
	dump_routes(t);
	assert_int_equal(t->n_dump, 0);
	check_ip_json(table, "10.20.0.0/16", 0, 0);
	assert_int_equal(t->n_err, 0);
	assert_int_equal(t->n_route_lost, 0);	/* our own deletions */
	t_free(t);
}

static void
test_routes_main_100_1000(void **state)
{
	routes_in_table(254);
	routes_in_table(100);
	routes_in_table(1000);
}

/* A burst grows the queue; once the kernel has answered it, it shrinks. */
static void
test_queue_shrinks(void **state)
{
	struct t		*t = *state = t_new(254, false, false);
	const struct kr_queue	*q = &t->kr->queue;
	struct kr_prefix	 p;
	unsigned		 i;

	tunnels(t);
	for (i = 0; i < 20000; i++) {
		p = pfx_n(i);
		assert_int_equal(kr_route(t->kr, &p, 20, G1), 0);
	}
	assert_true(q->cap > KR_QUEUE_BYTES);
	assert_true(q->rcap > KR_QUEUE_REQS);
	settle(t);
	assert_int_equal(t->n_err, 0);
	assert_true(q->cap <= KR_QUEUE_BYTES);
	assert_true(q->rcap <= KR_QUEUE_REQS);
	dump_routes(t);
	assert_int_equal(t->n_dump, 20000);
	/* and grows again for the next burst */
	for (i = 0; i < 20000; i++) {
		p = pfx_n(i);
		assert_int_equal(kr_route_del(t->kr, &p, 20), 0);
	}
	assert_int_equal(kr_pending(t->kr), 20000);
	settle(t);
	assert_int_equal(t->n_err, 0);
	assert_true(q->cap <= KR_QUEUE_BYTES);
	dump_routes(t);
	assert_int_equal(t->n_dump, 0);
}

static bool
vti0_lost(struct t *t)
{
	return heard_lost(t, NH1) && heard_lost(t, G1) &&
	    !t->link_up[link_slot(t, "vti0")];
}

static bool
vti1_lost(struct t *t)
{
	return heard_lost(t, NH2) && heard_lost(t, G2) &&
	    !t->link_up[link_slot(t, "vti1")];
}

static bool
vti0_up(struct t *t)
{
	return t->link_up[link_slot(t, "vti0")];
}

static void
test_link_down(void **state)
{
	struct t		*t = *state = t_new(254, false, false);
	struct kr_prefix	 p;
	unsigned		 i;

	assert_true(kr_watch_link(t->kr, "vti0"));
	assert_true(kr_watch_link(t->kr, "vti1"));
	tunnels(t);
	for (i = 0; i < 100; i++) {
		p = pfx_n(i);
		kr_route(t->kr, &p, 20, G1);
		kr_route(t->kr, &p, 21, G2);
	}
	settle(t);
	/* carrier loss: the far end goes down */
	t_sh("ip link set vti0p down");
	assert_true(run_until(t, vti0_lost, DEADLINE));
	assert_int_equal(t->link_calls[link_slot(t, "vti0")], 2);
	dump_routes(t);
	assert_int_equal(t->n_dump, 100);	/* the standbys are left */
	for (i = 0; i < 100; i++) {
		assert_int_equal(dumped(t, pfx_n(i), 20), -1);
		assert_int_equal(dumped(t, pfx_n(i), 21), G2);
	}
	assert_int_equal(nh_dumped(t, NH1), 0);
	assert_int_equal(nh_dumped(t, G1), 0);
	assert_int_equal(t->n_route_lost, 0);	/* no RTM_DELROUTE */
	/* back up, and admin down of the other one */
	t_sh("ip link set vti0p up");
	assert_true(run_until(t, vti0_up, DEADLINE));
	t_sh("ip link set vti1 down");
	assert_true(run_until(t, vti1_lost, DEADLINE));
	dump_routes(t);
	assert_int_equal(t->n_dump, 0);
	assert_int_equal(t->n_nh_lost, 4);
	assert_int_equal(t->n_route_lost, 0);
	assert_int_equal(t->n_err, 0);
}

static bool
one_route_lost(struct t *t)
{
	return t->n_route_lost >= 1;
}

static void
test_route_lost(void **state)
{
	struct t		*t = *state = t_new(254, false, false);
	struct kr_prefix	 p = pfx("10.30.0.0", 16);

	tunnels(t);
	kr_route(t->kr, &p, 20, G1);
	kr_route(t->kr, &p, 21, G2);
	settle(t);
	t_sh("ip route del 10.30.0.0/16 proto %d metric 20", PROTO);
	assert_true(run_until(t, one_route_lost, DEADLINE));
	assert_int_equal(t->route_lost[0].p.addr.s_addr, p.addr.s_addr);
	assert_int_equal(t->route_lost[0].p.len, 16);
	assert_int_equal(t->route_lost[0].metric, 20);
	/* our own deletions are not reported (in order: the route, then
	 * its group) */
	kr_route_del(t->kr, &p, 21);
	kr_nexthop_del(t->kr, G2);
	settle(t);
	assert_int_equal(t->n_route_lost, 1);
	assert_int_equal(t->n_nh_lost, 0);
	/* a nexthop of ours deleted by someone else is */
	t_sh("ip nexthop del id %u", G1);
	ev_run(t->loop, EVRUN_NOWAIT);
	assert_int_equal(t->n_nh_lost, 1);
	assert_int_equal(t->nh_lost[0], G1);
	assert_int_equal(t->n_err, 0);
}

static bool
has_error(struct t *t)
{
	return t->n_err > 0;
}

static void
test_foreign_untouched(void **state)
{
	struct t		*t;
	struct kr_prefix	 p = pfx("10.40.0.0", 16);
	struct kr_prefix	 q = pfx("10.41.0.0", 16);
	char			*out;

	t_sh("ip route add 10.40.0.0/16 via " GW1 " dev vti0 onlink "
	    "proto static metric 20");
	*state = t = t_new(254, false, false);
	tunnels(t);
	/* same prefix and metric: refused, not replaced */
	assert_int_equal(kr_route(t->kr, &p, 20, G1), -1);
	assert_int_equal(t->n_err, 1);
	assert_int_equal(t->err[0], EEXIST);
	assert_non_null(strstr(t->err_what[0],
	    "route 10.40.0.0/16 metric 20: replace"));
	/* a static one made after the start: learnt from notifications */
	t_sh("ip route add 10.41.0.0/16 via " GW1 " dev vti0 onlink "
	    "proto static metric 20");
	ev_run(t->loop, EVRUN_NOWAIT);
	assert_int_equal(kr_route(t->kr, &q, 20, G1), -1);
	assert_int_equal(t->err[1], EEXIST);
	/* another metric is ours to use; deleting ours leaves theirs */
	assert_int_equal(kr_route(t->kr, &p, 21, G1), 0);
	settle(t);
	kr_route_del(t->kr, &p, 21);
	kr_route_del(t->kr, &p, 20);	/* no route of ours there */
	settle(t);
	assert_int_equal(t->n_err, 3);
	assert_int_equal(t->err[2], ESRCH);
	out = t_sh_out("ip -4 route show proto static");
	assert_non_null(strstr(out, "10.40.0.0/16 via " GW1));
	assert_non_null(strstr(out, "10.41.0.0/16 via " GW1));
	free(out);
	dump_routes(t);
	assert_int_equal(t->n_dump, 0);
	/* theirs deleted: not our loss, and the slot is free again */
	t_sh("ip route del 10.40.0.0/16 proto static metric 20");
	ev_run(t->loop, EVRUN_NOWAIT);
	assert_int_equal(t->n_route_lost, 0);
	assert_int_equal(kr_route(t->kr, &p, 20, G1), 0);
	settle(t);
	assert_int_equal(t->n_err, 3);
}

static void
test_foreign_replaces_ours(void **state)
{
	struct t		*t = *state = t_new(254, false, false);
	struct kr_prefix	 p = pfx("10.40.0.0", 16);

	tunnels(t);
	assert_int_equal(kr_route(t->kr, &p, 20, G1), 0);
	settle(t);
	/* ours replaced by a static route: lost, and theirs from now on */
	t_sh("ip route replace 10.40.0.0/16 via " GW2 " dev vti1 onlink "
	    "proto static metric 20");
	assert_true(run_until(t, one_route_lost, DEADLINE));
	assert_int_equal(t->route_lost[0].p.addr.s_addr, p.addr.s_addr);
	assert_int_equal(t->route_lost[0].metric, 20);
	assert_int_equal(kr_route(t->kr, &p, 20, G1), -1);
	assert_int_equal(t->err[0], EEXIST);
	/* a replace that creates takes nothing of ours */
	t_sh("ip route replace 10.42.0.0/16 via " GW2 " dev vti1 onlink "
	    "proto static metric 20");
	ev_run(t->loop, EVRUN_NOWAIT);
	assert_int_equal(t->n_route_lost, 1);
	assert_int_equal(t->n_err, 1);
}

static void
test_foreign_nexthop_ids(void **state)
{
	struct t	*t;
	char		*out;

	t_sh("ip nexthop add id 7 via " GW1 " dev vti0 onlink");
	*state = t = t_new(254, false, false);
	tunnels(t);
	assert_int_equal(nh_dumped(t, 7), 0);
	assert_int_equal(t->n_nh_dump, 4);
	/* ids outside our range are refused */
	assert_int_equal(kr_nexthop_del(t->kr, 7), -1);
	assert_int_equal(kr_nexthop(t->kr, 7, "vti0", ip(GW1)), -1);
	assert_int_equal(kr_group(t->kr, G1, (uint32_t[]){ 7 }, 1), -1);
	assert_int_equal(kr_route(t->kr, &(struct kr_prefix){
	    .addr = ip("10.43.0.0"), .len = 16 }, 20, 7), -1);
	assert_int_equal(t->n_err, 4);
	assert_int_equal(t->err[0], EINVAL);
	assert_int_equal(t->err[3], EINVAL);
	settle(t);
	out = t_sh_out("ip nexthop show id 7");
	assert_non_null(strstr(out, "id 7 via " GW1));
	free(out);
	/* deleted by its owner: not our loss */
	t_sh("ip nexthop del id 7");
	ev_run(t->loop, EVRUN_NOWAIT);
	assert_int_equal(t->n_nh_lost, 0);
}

/* As fib_shutdown does: delete from inside dump callbacks. */
static void
del_route(const struct kr_prefix *p, uint32_t metric, uint32_t nhid,
    void *arg)
{
	struct t	*t = arg;

	if (!t->nested) {	/* a dump inside a dump */
		t->nested = true;
		t->n_nh_dump = 0;
		assert_int_equal(kr_dump_nexthops(t->kr, dump_nh, t), 0);
		assert_int_equal(t->n_nh_dump, 4);
	}
	assert_int_equal(kr_route_del(t->kr, p, metric), 0);
	kr_flush(t->kr);
}

static void
del_group(uint32_t id, bool group, void *arg)
{
	struct t	*t = arg;

	if (group)
		assert_int_equal(kr_nexthop_del(t->kr, id), 0);
}

static void
del_plain(uint32_t id, bool group, void *arg)
{
	struct t	*t = arg;

	if (!group)
		assert_int_equal(kr_nexthop_del(t->kr, id), 0);
}

static void
test_shutdown_from_dumps(void **state)
{
	struct t		*t = *state = t_new(254, false, false);
	struct kr_prefix	 p;
	unsigned		 i;

	tunnels(t);
	for (i = 0; i < 300; i++) {
		p = pfx_n(i);
		kr_route(t->kr, &p, 20, G1);
		kr_route(t->kr, &p, 21, G2);
	}
	settle(t);
	assert_int_equal(kr_dump_routes(t->kr, del_route, t), 0);
	assert_true(t->nested);
	assert_int_equal(kr_dump_nexthops(t->kr, del_group, t), 0);
	assert_int_equal(kr_dump_nexthops(t->kr, del_plain, t), 0);
	settle(t);
	dump_routes(t);
	assert_int_equal(t->n_dump, 0);
	assert_int_equal(nh_dumped(t, NH1) + nh_dumped(t, G2), 0);
	assert_int_equal(t->n_nh_dump, 0);
	assert_int_equal(t->n_err, 0);
	assert_int_equal(t->n_route_lost + t->n_nh_lost, 0);
}

static bool
resynced(struct t *t)
{
	return t->n_err > 0 && heard_lost(t, NH1) && heard_lost(t, G1) &&
	    !t->link_up[link_slot(t, "vti0")];
}

/*
 * Another agent (a second kr, table 200) floods route notifications while
 * our loop does not run: ours overflow.  hooks.error hears "notifications
 * lost"; kr asks for the links again and checks its nexthops itself.
 */
static void
test_notifications_lost(void **state)
{
	struct t		*t = *state = t_new(254, false, false);
	struct kr_conf		 conf = { 200, 187, true, true, false };
	struct kr_hooks		 none = { .arg = NULL };
	struct ev_loop		*loop2 = ev_loop_new(EVFLAG_AUTO);
	struct kr		*k2 = kr_new(loop2, &conf, &none);
	struct kr_prefix	 p = { .len = 24 };
	unsigned		 i;

	assert_true(kr_watch_link(t->kr, "vti0"));
	tunnels(t);
	assert_int_equal(kr_start(k2), 0);
	for (i = 0; i < 60000; i++) {
		p.addr.s_addr = htonl(0x0c000000U + (i << 8));
		p.len = 24;
		kr_route_via(k2, &p, 20, "vti1", ip(GW2));
	}
	kr_flush(k2);
	assert_int_equal(kr_pending(k2), 0);
	t_sh("ip link set vti0p down");
	assert_true(run_until(t, resynced, DEADLINE));
	assert_int_equal(t->n_err, 1);
	assert_int_equal(t->err[0], ENOBUFS);
	assert_string_equal(t->err_what[0], "notifications lost");
	kr_free(k2);
	ev_loop_destroy(loop2);
	t_sh("ip -4 route flush table 200");
}

static bool
vti9_up(struct t *t)
{
	return t->link_up[link_slot(t, "vti9")];
}

static bool
vti9_down(struct t *t)
{
	return !vti9_up(t);
}

static void
test_watch_absent_link(void **state)
{
	struct t	*t = *state = t_new(254, false, false);
	int		 i;

	assert_false(kr_watch_link(t->kr, "vti9"));
	i = link_slot(t, "vti9");
	assert_int_equal(t->link_calls[i], 1);
	assert_false(t->link_up[i]);
	t_sh("ip link add vti9 type veth peer name vti9p");
	t_sh("ip link set vti9 up");
	ev_run(t->loop, EVRUN_NOWAIT);
	assert_int_equal(t->link_calls[i], 1);	/* no carrier: no call */
	t_sh("ip link set vti9p up");
	assert_true(run_until(t, vti9_up, DEADLINE));
	assert_int_equal(t->link_calls[i], 2);
	t_sh("ip link del vti9");
	assert_true(run_until(t, vti9_down, DEADLINE));
	assert_int_equal(t->link_calls[i], 3);
}

static void
test_errors(void **state)
{
	struct t		*t = *state = t_new(254, false, false);
	struct kr_prefix	 p = pfx("10.60.0.0", 16);

	assert_int_equal(kr_route(t->kr, &p, 20, KR_NHID_BASE + 0x999), 0);
	assert_true(run_until(t, has_error, DEADLINE));
	assert_int_equal(t->n_err, 1);
	assert_non_null(strstr(t->err_what[0],
	    "route 10.60.0.0/16 metric 20: replace"));
	assert_int_equal(kr_pending(t->kr), 0);
	/* a nexthop on a link without carrier */
	t_sh("ip link set vti0p down");
	kr_nexthop(t->kr, NH1, "vti0", ip(GW1));
	settle(t);
	assert_int_equal(t->n_err, 2);
	assert_non_null(strstr(t->err_what[1], "nexthop 0x76740001 via "
	    GW1 " dev vti0: replace"));
	assert_int_equal(kr_nexthop(t->kr, NH1, "nosuch0", ip(GW1)), -1);
	assert_int_equal(t->err[2], ENODEV);
	assert_int_equal(kr_route(t->kr, &(struct kr_prefix){
	    .addr = ip("10.0.0.1"), .len = 8 }, 20, G1), -1);
	assert_int_equal(t->err[3], EINVAL);
}

static void
test_plain_routes(void **state)
{
	struct t		*t;
	struct kr_prefix	 p = pfx("10.50.0.0", 16);
	char			*out;

	t_sh("echo 1 > " COMPAT);
	*state = t = t_new(254, true, false);
	assert_false(kr_has_nexthops(t->kr));
	assert_int_equal(compat_get(), 1);		/* not touched */
	assert_int_equal(kr_route_via(t->kr, &p, 20, "vti0", ip(GW1)), 0);
	assert_int_equal(kr_route_via(t->kr, &p, 21, "vti1", ip(GW2)), 0);
	settle(t);
	dump_routes(t);
	assert_int_equal(t->n_dump, 2);
	assert_int_equal(dumped(t, p, 20), 0);
	out = t_sh_out("ip -4 route show proto %d", PROTO);
	assert_non_null(strstr(out, "10.50.0.0/16 via " GW1
	    " dev vti0 metric 20 onlink"));
	free(out);
	/* replace onto the other tunnel */
	assert_int_equal(kr_route_via(t->kr, &p, 20, "vti1", ip(GW2)), 0);
	settle(t);
	out = t_sh_out("ip -4 route show proto %d metric 20", PROTO);
	assert_non_null(strstr(out, "via " GW2 " dev vti1"));
	free(out);
	assert_int_equal(kr_route(t->kr, &p, 20, G1), -1);
	assert_int_equal(t->err[0], EOPNOTSUPP);
	kr_route_del(t->kr, &p, 20);
	kr_route_del(t->kr, &p, 21);
	settle(t);
	dump_routes(t);
	assert_int_equal(t->n_dump, 0);
	assert_int_equal(t->n_err, 1);
	t_sh("echo 0 > " COMPAT);
}

/* ---- main ------------------------------------------------------------- */

int
main(void)
{
	int			rc;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_compat_mode,
		    links_up, links_down),
		cmocka_unit_test_setup_teardown(test_nexthop_replace,
		    links_up, links_down),
		cmocka_unit_test_setup_teardown(test_group_moves_1000,
		    links_up, links_down),
		cmocka_unit_test_setup_teardown(test_routes_main_100_1000,
		    links_up, links_down),
		cmocka_unit_test_setup_teardown(test_queue_shrinks,
		    links_up, links_down),
		cmocka_unit_test_setup_teardown(test_link_down,
		    links_up, links_down),
		cmocka_unit_test_setup_teardown(test_route_lost,
		    links_up, links_down),
		cmocka_unit_test_setup_teardown(test_foreign_untouched,
		    links_up, links_down),
		cmocka_unit_test_setup_teardown(test_foreign_replaces_ours,
		    links_up, links_down),
		cmocka_unit_test_setup_teardown(test_foreign_nexthop_ids,
		    links_up, links_down),
		cmocka_unit_test_setup_teardown(test_shutdown_from_dumps,
		    links_up, links_down),
		cmocka_unit_test_setup_teardown(test_notifications_lost,
		    links_up, links_down),
		cmocka_unit_test_setup_teardown(test_watch_absent_link,
		    links_up, links_down),
		cmocka_unit_test_setup_teardown(test_errors,
		    links_up, links_down),
		cmocka_unit_test_setup_teardown(test_plain_routes,
		    links_up, links_down),
	};

	if ((rc = t_netns_enter("test_kr")) != 0)
		return rc;
	log_init("test_kr", true, false);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
