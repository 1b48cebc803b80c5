/* SPDX-License-Identifier: ISC */
/*
 * test_kr6.c: the IPv6 side of netlink/kr.h (kr_conf.inet6) against the
 * real kernel, in a network namespace of its own, as test_kr.c does for
 * IPv4: IPv6 nexthop objects (an ULA gateway in the tunnel's /126 and a
 * link-local one), groups of them, primaries and standbys one metric
 * apart, the group rewritten, carrier loss, routes of an earlier run,
 * notifications and the addresses of the tunnel links.  veth pairs
 * vti0/vti0p and vti1/vti1p stand in for the tunnels.  Needs root:
 * skipped (77) without, unless CI=true.  The loop runs in bounded steps.
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
#include <sys/socket.h>

#include <cmocka.h>

#include "tests/unit/shell.h"
#include <ev.h>

#include "bgpd/util/log.h"
#include "netlink/kr.h"

#define PROTO		186
#define NH1		(KR_NHID_BASE + 0x001)		/* on vti0 */
#define NH2		(KR_NHID_BASE + 0x002)		/* on vti1 */
#define NH4		(KR_NHID_BASE + 0x004)		/* IPv4, vti0 */
#define G1		(KR_NHID_BASE + 0x101)
#define G2		(KR_NHID_BASE + 0x102)
#define G3		(KR_NHID_BASE + 0x103)		/* { NH1, NH2 } */
#define GW1		"fd00:1::1"			/* the /126 of vti0 */
#define GW2		"fe80::1"			/* link-local, vti1 */
#define COMPAT		"/proc/sys/net/ipv4/nexthop_compat_mode"
#define NROUTES		1000
#define DEADLINE	5.
#define MAXREC		64

struct t {
	struct ev_loop		*loop;
	struct kr		*kr;
	ev_timer		 tick;
	char			 link_name[4][IF_NAMESIZE];
	bool			 link_up[4];
	int			 nlinks;
	uint32_t		 nh_lost[MAXREC];
	int			 n_nh_lost;
	struct kr_prefix	 lost[MAXREC];
	uint32_t		 lost_metric[MAXREC];
	int			 n_lost;
	int			 err[MAXREC];
	char			 err_what[MAXREC][256];
	int			 n_err;
	struct in6_addr		 addr6[MAXREC];	/* hooks.addr6 */
	bool			 addr6_added[MAXREC];
	uint8_t			 addr6_plen[MAXREC];
	int			 n_addr6;
	int			 n_addr4;
	struct kr_prefix	*dump;
	uint32_t		*dump_metric, *dump_nhid;
	size_t			 n_dump;
};

/* ---- hooks ------------------------------------------------------------ */

static int
link_slot(struct t *t, const char *name)
{
	int	i;

	for (i = 0; i < t->nlinks; i++)
		if (strcmp(t->link_name[i], name) == 0)
			return i;
	assert_true(t->nlinks < 4);
	snprintf(t->link_name[t->nlinks], IF_NAMESIZE, "%s", name);
	return t->nlinks++;
}

static void
on_link(const char *ifname, bool up, void *arg)
{
	struct t	*t = arg;

	t->link_up[link_slot(t, ifname)] = up;
}

static void
on_addr(const char *ifname, struct in_addr a, uint8_t plen, bool added,
    void *arg)
{
	((struct t *)arg)->n_addr4++;
}

static void
on_addr6(const char *ifname, const struct in6_addr *a, uint8_t plen,
    bool added, void *arg)
{
	struct t	*t = arg;

	assert_string_equal(ifname, "vti0");
	assert_true(t->n_addr6 < MAXREC);
	t->addr6[t->n_addr6] = *a;
	t->addr6_plen[t->n_addr6] = plen;
	t->addr6_added[t->n_addr6++] = added;
}

static void
on_route_lost(const struct kr_prefix *p, uint32_t metric, void *arg)
{
	struct t	*t = arg;

	if (t->n_lost < MAXREC) {
		t->lost[t->n_lost] = *p;
		t->lost_metric[t->n_lost] = metric;
	}
	t->n_lost++;
}

static void
on_nexthop_lost(uint32_t id, void *arg)
{
	struct t	*t = arg;

	assert_true(t->n_nh_lost < MAXREC);
	t->nh_lost[t->n_nh_lost++] = id;
}

static void
on_error(const char *what, int err, void *arg)
{
	struct t	*t = arg;

	if (t->n_err < MAXREC) {
		snprintf(t->err_what[t->n_err], sizeof(t->err_what[0]), "%s",
		    what);
		t->err[t->n_err] = err;
	}
	t->n_err++;
}

/* ---- helpers ---------------------------------------------------------- */

static struct in6_addr
ip6(const char *s)
{
	struct in6_addr	a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

static struct kr_prefix
pfx6(const char *s, uint8_t len)
{
	struct kr_prefix	p = { .family = AF_INET6, .len = len };

	p.addr6 = ip6(s);
	return p;
}

/* The n-th /64 of 2001:db8:100::/48 (and beyond). */
static struct kr_prefix
pfx6_n(unsigned n)
{
	struct kr_prefix	p = pfx6("2001:db8:100::", 64);

	p.addr6.s6_addr[4] = (uint8_t)(0x01 + (n >> 16));
	p.addr6.s6_addr[6] = (uint8_t)(n >> 8);
	p.addr6.s6_addr[7] = (uint8_t)n;
	return p;
}

static void
tick_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
}

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
	size_t		 n = t->n_dump + 1;

	assert_non_null(t->dump = reallocarray(t->dump, n, sizeof(*t->dump)));
	assert_non_null(t->dump_metric = reallocarray(t->dump_metric, n,
	    sizeof(uint32_t)));
	assert_non_null(t->dump_nhid = reallocarray(t->dump_nhid, n,
	    sizeof(uint32_t)));
	t->dump[t->n_dump] = *p;
	t->dump_metric[t->n_dump] = metric;
	t->dump_nhid[t->n_dump++] = nhid;
}

static void
dump_routes(struct t *t)
{
	t->n_dump = 0;
	assert_int_equal(kr_dump_routes(t->kr, dump_route, t), 0);
}

/* Family 0 and AF_INET are both IPv4 (kr reports AF_INET). */
static bool
same_prefix(const struct kr_prefix *a, const struct kr_prefix *b)
{
	uint8_t	af = a->family == 0 ? AF_INET : a->family;
	uint8_t	bf = b->family == 0 ? AF_INET : b->family;

	if (af != bf || a->len != b->len)
		return false;
	return af == AF_INET6 ?
	    memcmp(&a->addr6, &b->addr6, sizeof(a->addr6)) == 0 :
	    a->addr.s_addr == b->addr.s_addr;
}

/* The nhid of the dumped route p at metric, or -1. */
static int64_t
dumped(struct t *t, struct kr_prefix p, uint32_t metric)
{
	size_t	i;

	for (i = 0; i < t->n_dump; i++)
		if (same_prefix(&t->dump[i], &p) && t->dump_metric[i] == metric)
			return t->dump_nhid[i];
	return -1;
}

static size_t
dumped_family(struct t *t, uint8_t af)
{
	size_t	i, n = 0;

	for (i = 0; i < t->n_dump; i++)
		n += t->dump[i].family == af;
	return n;
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

/* Our IPv6 routes in the kernel (ip -6 route), with extra filter words. */
static long
kernel_routes(const char *filter)
{
	return t_sh_num("ip -6 route show table all proto 186 %s | "
	    "grep -c '^2001'", filter);
}

/* ---- set-up ----------------------------------------------------------- */

static struct t *
t_new(bool inet6, bool no_nexthops, bool compat_keep)
{
	struct kr_conf	 conf = { 254, PROTO, compat_keep, no_nexthops,
			    inet6 };
	struct kr_hooks	 hooks = { .link = on_link, .addr = on_addr,
			    .addr6 = on_addr6, .route_lost = on_route_lost,
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
	free(t->dump_metric);
	free(t->dump_nhid);
	free(t);
}

static int
links_up(void **state)
{
	t_sh("ip link add vti0 type veth peer name vti0p");
	t_sh("ip link add vti1 type veth peer name vti1p");
	t_sh("for l in vti0 vti0p vti1 vti1p; do ip link set $l up; done");
	t_sh("echo 0 > " COMPAT);
	return 0;
}

static int
links_down(void **state)
{
	if (*state != NULL)
		t_free(*state);
	*state = NULL;
	t_sh("ip link del vti0 2>/dev/null; ip link del vti1 2>/dev/null; "
	    "ip route flush table all proto %d 2>/dev/null; "
	    "ip -6 route flush table all proto %d 2>/dev/null; "
	    "ip -6 route flush table all proto static 2>/dev/null; "
	    "ip nexthop flush 2>/dev/null >/dev/null; "
	    "echo 0 > " COMPAT "; true", PROTO, PROTO);
	return 0;
}

/* NH1 via GW1 on vti0, NH2 via GW2 on vti1, G1 = {NH1}, G2 = {NH2}. */
static void
tunnels(struct t *t)
{
	struct in6_addr	gw1 = ip6(GW1), gw2 = ip6(GW2);

	assert_int_equal(kr_nexthop6(t->kr, NH1, "vti0", &gw1), 0);
	assert_int_equal(kr_nexthop6(t->kr, NH2, "vti1", &gw2), 0);
	assert_int_equal(kr_group(t->kr, G1, (uint32_t[]){ NH1 }, 1), 0);
	assert_int_equal(kr_group(t->kr, G2, (uint32_t[]){ NH2 }, 1), 0);
	settle(t);
	assert_int_equal(t->n_err, 0);
}

/* NROUTES prefixes: primary at 20 on G1, standby at 21 on G2. */
static void
routes(struct t *t, uint32_t primary)
{
	struct kr_prefix	p;
	unsigned		i;

	for (i = 0; i < NROUTES; i++) {
		p = pfx6_n(i);
		assert_int_equal(kr_route(t->kr, &p, 20, primary), 0);
		assert_int_equal(kr_route(t->kr, &p, 21, G2), 0);
	}
	settle(t);
	assert_int_equal(t->n_err, 0);
}

/* ---- tests ------------------------------------------------------------ */

static void
test_nexthops6(void **state)
{
	struct t	*t = *state = t_new(true, false, false);
	struct in6_addr	 gw = ip6("fd00:1::3");

	tunnels(t);
	assert_non_null(strstr(t_sh_line("ip nexthop show id %u", NH1),
	    "via " GW1 " dev vti0 scope link proto bgp onlink"));
	assert_non_null(strstr(t_sh_line("ip nexthop show id %u", NH2),
	    "via " GW2 " dev vti1 scope link proto bgp onlink"));
	assert_non_null(strstr(t_sh_line("ip nexthop show id %u", G1),
	    "group 1987313665 proto bgp"));
	/* replace: same id, other gateway */
	assert_int_equal(kr_nexthop6(t->kr, NH1, "vti0", &gw), 0);
	assert_int_equal(kr_pending(t->kr), 1);
	settle(t);
	assert_non_null(strstr(t_sh_line("ip nexthop show id %u", NH1),
	    "via fd00:1::3 dev vti0"));
	assert_int_equal(t->n_err, 0);
	assert_int_equal(t->n_nh_lost, 0);
}

/* 1,000 prefixes on G1 with standbys on G2; the failover rewrites G1. */
static void
test_group_replace6(void **state)
{
	struct t	*t = *state = t_new(true, false, false);
	unsigned	 i;

	tunnels(t);
	routes(t, G1);
	assert_int_equal(kernel_routes("metric 20"), NROUTES);
	assert_int_equal(kernel_routes("metric 21"), NROUTES);
	assert_int_equal(t_sh_num("ip -6 route show proto 186 metric 20 | "
	    "grep -c 'nhid %s '", "1987313921"), NROUTES);
	assert_non_null(strstr(t_sh_line("ip -6 route get 2001:db8:100:2a::1"),
	    "via " GW1 " dev vti0 proto bgp src "));
	assert_int_equal(kr_group(t->kr, G1, (uint32_t[]){ NH2 }, 1), 0);
	assert_int_equal(kr_pending(t->kr), 1);
	settle(t);
	assert_int_equal(t->n_err, 0);
	assert_non_null(strstr(t_sh_line("ip -6 route get 2001:db8:100:2a::1"),
	    "via " GW2 " dev vti1 proto bgp src "));
	assert_non_null(strstr(t_sh_line("ip nexthop show id %u", G1),
	    "group 1987313666 proto bgp"));
	dump_routes(t);
	assert_int_equal(t->n_dump, 2 * NROUTES);
	for (i = 0; i < NROUTES; i++) {
		assert_int_equal(dumped(t, pfx6_n(i), 20), G1);
		assert_int_equal(dumped(t, pfx6_n(i), 21), G2);
	}
	/* both members, and back */
	assert_int_equal(kr_group(t->kr, G1, (uint32_t[]){ NH1, NH2 }, 2),
	    0);
	settle(t);
	assert_non_null(strstr(t_sh_line("ip nexthop show id %u", G1),
	    "group 1987313665/1987313666 "));
	assert_int_equal(t->n_lost, 0);
	assert_int_equal(t->n_err, 0);
}

static bool
vti0_lost(struct t *t)
{
	return heard_lost(t, NH1) && heard_lost(t, G1) &&
	    !t->link_up[link_slot(t, "vti0")];
}

/*
 * Carrier loss of vti0: the kernel takes NH1, G1 (left empty) and the
 * primaries on it, leaves the standbys, and G3 = {NH1, NH2} loses NH1
 * but keeps its routes.  With compat (nexthop_compat_mode 1) the kernel
 * tells of each IPv6 route it took; that is still no lost route.
 */
static void
carrier_loss(struct t *t)
{
	struct kr_prefix	p;
	unsigned		i;

	assert_true(kr_watch_link(t->kr, "vti0"));
	assert_true(kr_watch_link(t->kr, "vti1"));
	tunnels(t);
	assert_int_equal(kr_group(t->kr, G3, (uint32_t[]){ NH1, NH2 }, 2),
	    0);
	routes(t, G1);
	for (i = 0; i < 10; i++) {
		p = pfx6_n(5000 + i);
		kr_route(t->kr, &p, 20, G3);
	}
	settle(t);
	t_sh("ip link set vti0p down");
	assert_true(run_until(t, vti0_lost, DEADLINE));
	ev_run(t->loop, EVRUN_NOWAIT);
	assert_int_equal(t->n_lost, 0);
	assert_int_equal(t->n_nh_lost, 2);
	assert_int_equal(t->n_err, 0);
	dump_routes(t);
	assert_int_equal(t->n_dump, NROUTES + 10);
	for (i = 0; i < NROUTES; i++) {
		assert_int_equal(dumped(t, pfx6_n(i), 20), -1);
		assert_int_equal(dumped(t, pfx6_n(i), 21), G2);
	}
	for (i = 0; i < 10; i++)
		assert_int_equal(dumped(t, pfx6_n(5000 + i), 20), G3);
	assert_non_null(strstr(t_sh_line("ip nexthop show id %u", G3),
	    "group 1987313666 "));
	assert_int_equal(kernel_routes("metric 20"), 10);
	assert_int_equal(kernel_routes("metric 21"), NROUTES);
	assert_string_equal(t_sh_line("ip nexthop show id %u 2>&1", NH1),
	    "RTNETLINK answers: No such file or directory\n");
	/* the standbys forward, and the survivors of G3 */
	assert_non_null(strstr(t_sh_line("ip -6 route get 2001:db8:100:2a::1"),
	    "via " GW2 " dev vti1 proto bgp "));
	assert_non_null(strstr(t_sh_line("ip -6 route get 2001:db8:100:1389::1"),
	    "via " GW2 " dev vti1 proto bgp "));
}

static void
test_carrier_loss6(void **state)
{
	*state = t_new(true, false, false);
	carrier_loss(*state);
}

static void
test_carrier_loss6_compat(void **state)
{
	t_sh("echo 1 > " COMPAT);
	*state = t_new(true, false, true);
	carrier_loss(*state);
}

/* A one-member group on a dead link takes its routes (no standby). */
static void
test_admin_down6(void **state)
{
	struct t		*t = *state = t_new(true, false, false);
	struct kr_prefix	 p = pfx6("2001:db8:7::", 48);

	assert_true(kr_watch_link(t->kr, "vti0"));
	tunnels(t);
	kr_route(t->kr, &p, 20, G1);
	settle(t);
	t_sh("ip link set vti0 down");
	assert_true(run_until(t, vti0_lost, DEADLINE));
	dump_routes(t);
	assert_int_equal(t->n_dump, 0);
	assert_int_equal(t->n_lost, 0);
}

static bool
one_lost(struct t *t)
{
	return t->n_lost >= 1;
}

static bool
two_lost(struct t *t)
{
	return t->n_lost >= 2;
}

static void
test_route_lost6(void **state)
{
	struct t		*t = *state = t_new(true, false, false);
	struct kr_prefix	 p = pfx6("2001:db8:30::", 48);

	tunnels(t);
	kr_route(t->kr, &p, 20, G1);
	kr_route(t->kr, &p, 21, G2);
	settle(t);
	t_sh("ip -6 route del 2001:db8:30::/48 proto %d metric 20", PROTO);
	assert_true(run_until(t, one_lost, DEADLINE));
	assert_int_equal(t->n_lost, 1);
	assert_int_equal(t->lost[0].family, AF_INET6);
	assert_true(same_prefix(&t->lost[0], &p));
	assert_int_equal(t->lost_metric[0], 20);
	/* our own deletions are not lost routes */
	kr_route_del(t->kr, &p, 21);
	kr_nexthop_del(t->kr, G2);
	settle(t);
	assert_int_equal(t->n_lost, 1);
	assert_int_equal(t->n_nh_lost, 0);
	/* one of ours replaced by a static route: lost, theirs from now */
	kr_route(t->kr, &p, 20, G1);
	settle(t);
	t_sh("ip -6 route replace 2001:db8:30::/48 via " GW1 " dev vti0 "
	    "onlink proto static metric 20");
	assert_true(run_until(t, two_lost, DEADLINE));
	assert_int_equal(t->n_lost, 2);
	assert_true(same_prefix(&t->lost[1], &p));
	assert_int_equal(kr_route(t->kr, &p, 20, G1), -1);
	assert_int_equal(t->err[0], EEXIST);
	assert_non_null(strstr(t->err_what[0],
	    "route 2001:db8:30::/48 metric 20: replace"));
	assert_int_equal(t->n_err, 1);
}

/*
 * Routes and nexthops of an earlier run are found at start: by a kr with
 * inet6, both families; by one without, the IPv4 ones only, as before.
 * Another protocol's IPv6 route blocks a replace of its key.
 */
static void
test_earlier_run6(void **state)
{
	struct t		*t = t_new(true, false, false);
	struct kr_prefix	 p4 = { .addr.s_addr = htonl(0x0a140000),
				    .len = 16 };
	struct kr_prefix	 q = pfx6("2001:db8:40::", 48);
	struct in_addr		 gw4;

	inet_pton(AF_INET, "169.254.249.57", &gw4);
	tunnels(t);
	routes(t, G1);
	assert_int_equal(kr_nexthop(t->kr, NH4, "vti0", gw4), 0);
	assert_int_equal(kr_route(t->kr, &p4, 20, NH4), 0);
	settle(t);
	t_free(t);				/* leaves them in place */
	t_sh("ip -6 route add 2001:db8:40::/48 via " GW1 " dev vti0 "
	    "onlink proto static metric 20");
	*state = t = t_new(true, false, false);
	dump_routes(t);
	assert_int_equal(dumped_family(t, AF_INET6), 2 * NROUTES);
	assert_int_equal(dumped_family(t, AF_INET), 1);
	assert_int_equal(dumped(t, pfx6_n(7), 20), G1);
	assert_int_equal(dumped(t, pfx6_n(7), 21), G2);
	assert_int_equal(dumped(t, p4, 20), NH4);
	assert_int_equal(kr_route(t->kr, &q, 20, G1), -1);
	assert_int_equal(t->err[0], EEXIST);
	assert_int_equal(kr_route(t->kr, &q, 21, G1), 0);
	settle(t);
	assert_int_equal(t->n_err, 1);
	t_free(t);
	*state = t = t_new(false, false, false);
	dump_routes(t);
	assert_int_equal(t->n_dump, 1);
	assert_int_equal(dumped(t, p4, 20), NH4);
}

static bool
addr6_heard(struct t *t)
{
	return t->n_addr6 > 0 && t->addr6_added[t->n_addr6 - 1];
}

static bool
addr6_gone(struct t *t)
{
	return t->n_addr6 > 0 && !t->addr6_added[t->n_addr6 - 1];
}

/*
 * The tunnel's inside addresses: added when usable (at once with nodad,
 * as on a VTI, which has no ARP; after duplicate address detection on
 * the veth), removed with the address or with the link set down.  The
 * IPv4 hook hears no IPv6; a kr without inet6 hears none.
 */
static void
test_addresses6(void **state)
{
	struct t	*t, *t4;
	struct in6_addr	 ula = ip6("fd00:1::2"), ula2 = ip6("fd00:1::6");
	struct in6_addr	 ll = ip6("fe80::2");

	/* no link-local address whose DAD would end during the test */
	t_sh("sysctl -qw net.ipv6.conf.vti0.addr_gen_mode=1 && "
	    "ip -6 addr flush dev vti0 scope link");
	*state = t = t_new(true, false, false);
	assert_true(kr_watch_link(t->kr, "vti0"));
	t4 = t_new(false, false, false);
	assert_true(kr_watch_link(t4->kr, "vti0"));
	t_sh("ip -6 addr add fd00:1::2/126 dev vti0 nodad");
	assert_true(run_until(t, addr6_heard, DEADLINE));
	assert_int_equal(t->n_addr6, 1);
	assert_memory_equal(&t->addr6[0], &ula, sizeof(ula));
	assert_int_equal(t->addr6_plen[0], 126);
	t_sh("ip -6 addr del fd00:1::2/126 dev vti0");
	assert_true(run_until(t, addr6_gone, DEADLINE));
	assert_memory_equal(&t->addr6[1], &ula, sizeof(ula));
	/* a link-local one */
	t_sh("ip -6 addr add fe80::2/64 dev vti0 nodad");
	assert_true(run_until(t, addr6_heard, DEADLINE));
	assert_int_equal(t->n_addr6, 3);
	assert_memory_equal(&t->addr6[2], &ll, sizeof(ll));
	assert_int_equal(t->addr6_plen[2], 64);
	/* with DAD: tentative first (not usable), then added */
	t->n_addr6 = 0;
	t_sh("ip -6 addr add fd00:1::6/126 dev vti0");
	ev_run(t->loop, EVRUN_NOWAIT);
	assert_int_equal(t->n_addr6, 1);
	assert_false(t->addr6_added[0]);
	assert_true(run_until(t, addr6_heard, 3 * DEADLINE));
	assert_memory_equal(&t->addr6[t->n_addr6 - 1], &ula2, sizeof(ula2));
	/* the link set down takes the IPv6 addresses */
	t_sh("ip link set vti0 down");
	assert_true(run_until(t, addr6_gone, DEADLINE));
	assert_string_equal(t_sh_line("ip -6 addr show dev vti0 scope global"),
	    "");
	assert_int_equal(t->n_addr4, 0);
	ev_run(t4->loop, EVRUN_NOWAIT);
	assert_int_equal(t4->n_addr6 + t4->n_addr4, 0);
	t_sh("ip link set vti0 up && ip addr add 169.254.249.58/30 dev vti0");
	ev_run(t4->loop, EVRUN_NOWAIT);
	assert_int_equal(t4->n_addr4, 1);
	t_free(t4);
}

static bool
has_error(struct t *t)
{
	return t->n_err > 0;
}

static void
test_errors6(void **state)
{
	struct t		*t = t_new(false, false, false);
	struct kr_prefix	 p = pfx6("2001:db8:60::", 48);
	struct in6_addr		 gw = ip6(GW1);
	struct in_addr		 gw4;

	/* without inet6: refused */
	assert_int_equal(kr_nexthop6(t->kr, NH1, "vti0", &gw), -1);
	assert_int_equal(kr_route(t->kr, &p, 20, G1), -1);
	assert_int_equal(t->err[0], EAFNOSUPPORT);
	assert_int_equal(t->err[1], EAFNOSUPPORT);
	t_free(t);
	*state = t = t_new(true, false, false);
	tunnels(t);
	/* host bits, a length beyond 128, metric 0, an unknown family */
	p = pfx6("2001:db8:60::1", 64);
	assert_int_equal(kr_route(t->kr, &p, 20, G1), -1);
	p = pfx6("2001:db8:60::", 129);
	assert_int_equal(kr_route(t->kr, &p, 20, G1), -1);
	p = pfx6("2001:db8:60::", 48);
	assert_int_equal(kr_route(t->kr, &p, 0, G1), -1);
	assert_int_equal(kr_route_del(t->kr, &p, 0), -1);
	p.family = AF_PACKET;
	assert_int_equal(kr_route(t->kr, &p, 20, G1), -1);
	assert_int_equal(t->n_err, 5);
	assert_int_equal(t->err[4], EINVAL);
	assert_string_equal(t->err_what[4], "route ?/48 metric 20: replace on "
	    "nexthop 0x76740101 (bad prefix)");
	/* an IPv6 route on an IPv4 nexthop: the kernel says no */
	inet_pton(AF_INET, "169.254.249.57", &gw4);
	kr_nexthop(t->kr, NH4, "vti0", gw4);
	p.family = AF_INET6;
	kr_route(t->kr, &p, 20, NH4);
	settle(t);
	assert_true(run_until(t, has_error, DEADLINE));
	assert_int_equal(t->n_err, 6);
	assert_non_null(strstr(t->err_what[5],
	    "route 2001:db8:60::/48 metric 20: replace on nexthop "
	    "0x76740004"));
	/* a nexthop on a link without carrier */
	t_sh("ip link set vti0p down");
	kr_nexthop6(t->kr, NH1, "vti0", &gw);
	settle(t);
	assert_int_equal(t->n_err, 7);
	assert_non_null(strstr(t->err_what[6], "nexthop 0x76740001 via "
	    GW1 " dev vti0: replace"));
}

/* Without nexthop objects: plain IPv6 routes via a gateway. */
static void
test_plain_routes6(void **state)
{
	struct t		*t = *state = t_new(true, true, false);
	struct kr_prefix	 p = pfx6("2001:db8:50::", 48);
	struct in6_addr		 gw1 = ip6(GW1), gw2 = ip6(GW2);
	struct in_addr		 gw4 = { 0 };

	assert_false(kr_has_nexthops(t->kr));
	assert_int_equal(kr_route_via6(t->kr, &p, 20, "vti0", &gw1), 0);
	assert_int_equal(kr_route_via6(t->kr, &p, 21, "vti1", &gw2), 0);
	settle(t);
	assert_int_equal(t->n_err, 0);
	dump_routes(t);
	assert_int_equal(t->n_dump, 2);
	assert_int_equal(dumped(t, p, 20), 0);
	assert_non_null(strstr(t_sh_line("ip -6 route show proto 186 metric 20"),
	    "2001:db8:50::/48 via " GW1 " dev vti0"));
	/* replace onto the other tunnel */
	assert_int_equal(kr_route_via6(t->kr, &p, 20, "vti1", &gw2), 0);
	settle(t);
	assert_non_null(strstr(t_sh_line("ip -6 route show proto 186 metric 20"),
	    "via " GW2 " dev vti1"));
	/* a gateway of the other family */
	assert_int_equal(kr_route_via(t->kr, &p, 20, "vti1", gw4), -1);
	assert_int_equal(t->err[0], EINVAL);
	kr_route_del(t->kr, &p, 20);
	kr_route_del(t->kr, &p, 21);
	settle(t);
	dump_routes(t);
	assert_int_equal(t->n_dump, 0);
	assert_int_equal(t->n_err, 1);
	assert_int_equal(t->n_lost, 0);
}

/* ---- main ------------------------------------------------------------- */

#define T(f)	cmocka_unit_test_setup_teardown(f, links_up, links_down)

int
main(void)
{
	int			rc;
	const struct CMUnitTest tests[] = {
		T(test_nexthops6),
		T(test_group_replace6),
		T(test_carrier_loss6),
		T(test_carrier_loss6_compat),
		T(test_admin_down6),
		T(test_route_lost6),
		T(test_earlier_run6),
		T(test_addresses6),
		T(test_errors6),
		T(test_plain_routes6),
	};

	if ((rc = t_netns_enter("test_kr6")) != 0)
		return rc;
	log_init("test_kr6", true, false);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
