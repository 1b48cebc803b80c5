/* SPDX-License-Identifier: ISC */
/*
 * kr_bench.c: how fast netlink/kr.h moves routes, and what the kernel
 * does to them when a tunnel's link dies, in a network namespace of its
 * own (needs root).
 *
 *     kr_bench [-6] [-c] [N]
 *
 * N routes (default 100000) on one nexthop group: add them, dump them,
 * rewrite the group (the failover), delete them, delete the group (the
 * kernel flushes its routes).  Then the failover scheme: N primaries on
 * G1 = {NH1 on vti0} at metric 20, N standbys on G2 = {NH2 on vti1} at
 * 21, 1,000 more routes on G3 = {NH1, NH2}; vti0's peer set down (carrier
 * loss): what is left, and how long the kernel took; then the link back
 * and the primaries put back.  -6: IPv6 prefixes (/64s) on IPv6 nexthops
 * (fd00:1::1, fd00:2::1); -c: nexthop_compat_mode 1 (the kernel's
 * default) instead of 0.  Not part of make check: make
 * tests/bench/kr_bench.
 */
#include "config.h"

#include <arpa/inet.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ev.h>

#include "bgpd/util/clock.h"
#include "bgpd/util/log.h"
#include "netlink/kr.h"

#define NH1	(KR_NHID_BASE + 0x001)
#define NH2	(KR_NHID_BASE + 0x002)
#define G1	(KR_NHID_BASE + 0x101)
#define G2	(KR_NHID_BASE + 0x102)
#define G3	(KR_NHID_BASE + 0x103)
#define NMIXED	1000			/* routes on G3 */

static unsigned long	errors;
static size_t		dumped, on_group;
static size_t		by_nh[4];	/* G1 at 20, G2 at 21, G3, other */
static bool		v6;
static double		link_lost;	/* when vti0 was told down */
static size_t		routes_lost, nh_lost;

static void
on_error(const char *what, int err, void *arg)
{
	if (errors++ < 5)
		fprintf(stderr, "kr_bench: %s: %s\n", what, strerror(err));
}

static double
now(void)
{
	return clock_mono_us() / 1e6;
}

static void
on_link(const char *ifname, bool up, void *arg)
{
	if (!up && strcmp(ifname, "vti0") == 0 && link_lost == 0)
		link_lost = now();
}

static void
on_route_lost(const struct kr_prefix *p, uint32_t metric, void *arg)
{
	routes_lost++;
}

static void
on_nexthop_lost(uint32_t id, void *arg)
{
	nh_lost++;
}

static void
tick_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
}

/* Run the loop (bounded steps) until the kernel has answered all. */
static int
drain(struct ev_loop *loop, struct kr *kr, double secs)
{
	double	end = now() + secs;

	while (kr_pending(kr) > 0) {
		if (now() > end)
			return -1;
		ev_run(loop, EVRUN_ONCE);
	}
	return 0;
}

/* The i-th prefix: a /24 of 11.0.0.0/8, or a /64 of 2001:db8::/32. */
static struct kr_prefix
prefix(size_t i)
{
	struct kr_prefix	p = { .len = 24 };

	if (!v6) {
		p.addr.s_addr = htonl(0x0b000000U + ((uint32_t)i << 8));
		return p;
	}
	p.family = AF_INET6;
	p.len = 64;
	inet_pton(AF_INET6, "2001:db8::", &p.addr6);
	p.addr6.s6_addr[4] = (uint8_t)(i >> 24);
	p.addr6.s6_addr[5] = (uint8_t)(i >> 16);
	p.addr6.s6_addr[6] = (uint8_t)(i >> 8);
	p.addr6.s6_addr[7] = (uint8_t)i;
	return p;
}

static void
count(const struct kr_prefix *p, uint32_t metric, uint32_t nhid, void *arg)
{
	dumped++;
	on_group += nhid == G1;
	if (nhid == G1 && metric == 20)
		by_nh[0]++;
	else if (nhid == G2 && metric == 21)
		by_nh[1]++;
	else if (nhid == G3)
		by_nh[2]++;
	else
		by_nh[3]++;
}

static int
count_routes(struct kr *kr)
{
	dumped = on_group = 0;
	memset(by_nh, 0, sizeof(by_nh));
	return kr_dump_routes(kr, count, NULL);
}

/* Tunnel t's nexthop (1 or 2) on vti0 or vti1. */
static void
nexthop(struct kr *kr, int t)
{
	struct in6_addr	a6;
	struct in_addr	a4;

	if (v6) {
		inet_pton(AF_INET6, t == 1 ? "fd00:1::1" : "fd00:2::1", &a6);
		kr_nexthop6(kr, t == 1 ? NH1 : NH2, t == 1 ? "vti0" : "vti1",
		    &a6);
	} else {
		inet_pton(AF_INET, t == 1 ? "169.254.249.57" :
		    "169.254.249.61", &a4);
		kr_nexthop(kr, t == 1 ? NH1 : NH2, t == 1 ? "vti0" : "vti1",
		    a4);
	}
}

static void
report(const char *what, size_t n, double t)
{
	printf("%-28s %9zu in %8.3f s  %10.0f/s\n", what, n, t,
	    t > 0 ? (double)n / t : 0.);
}

static int
setup(bool compat)
{
	char	cmd[256];

	if (geteuid() != 0) {
		fprintf(stderr, "kr_bench: needs root\n");
		return -1;
	}
	if (unshare(CLONE_NEWNET) == -1) {
		perror("kr_bench: unshare");
		return -1;
	}
	snprintf(cmd, sizeof(cmd), "ip link set lo up && "
	    "ip link add vti0 type veth peer name vti0p && "
	    "ip link add vti1 type veth peer name vti1p && "
	    "for l in vti0 vti0p vti1 vti1p; do ip link set $l up; done && "
	    "echo %d > /proc/sys/net/ipv4/nexthop_compat_mode", compat);
	return system(cmd);
}

/* Add routes from .. from+n-1 on nhid at metric (timed when what). */
static int
add_on(struct ev_loop *loop, struct kr *kr, size_t from, size_t n,
    uint32_t nhid, uint32_t metric, const char *what)
{
	struct kr_prefix	p;
	double			t0 = now(), t1;
	size_t			i;

	for (i = from; i < from + n; i++) {
		p = prefix(i);
		kr_route(kr, &p, metric, nhid);
	}
	t1 = now();
	if (drain(loop, kr, 60. + (double)n / 5000.) == -1)
		return -1;
	if (what != NULL) {
		report("queue routes", n, t1 - t0);
		report(what, n, now() - t0);
	}
	return 0;
}

/* Add the n routes on G1 (timed when what is not NULL). */
static int
add_all(struct ev_loop *loop, struct kr *kr, size_t n, const char *what)
{
	return add_on(loop, kr, 0, n, G1, 20, what);
}

static int
del_all(struct ev_loop *loop, struct kr *kr, size_t n, bool down,
    const char *what)
{
	struct kr_prefix	p;
	double			t0 = now();
	size_t			i;

	for (i = 0; i < n; i++) {
		p = prefix(down ? n - 1 - i : i);
		kr_route_del(kr, &p, 20);
	}
	if (drain(loop, kr, 60. + (double)n / 1000.) == -1)
		return -1;
	report(what, n, now() - t0);
	return 0;
}

static int
timed_group(struct ev_loop *loop, struct kr *kr, bool del, uint32_t member,
    size_t n, const char *what)
{
	double	t0 = now();

	if (del)
		kr_nexthop_del(kr, G1);
	else
		kr_group(kr, G1, &member, 1);
	kr_flush(kr);
	if (drain(loop, kr, 30.) == -1)
		return -1;
	printf("%-28s %9zu routes in %.3f ms\n", what, n,
	    (now() - t0) * 1e3);
	return 0;
}

/* A command, timed in ms. */
static double
shell(const char *cmd)
{
	double	t0 = now();

	if (system(cmd) != 0)
		fprintf(stderr, "kr_bench: %s failed\n", cmd);
	return (now() - t0) * 1e3;
}

/* Wait (bounded) until vti0's carrier is back. */
static void
carrier_wait(void)
{
	double	end = now() + 5.;
	char	c = '0';
	FILE	*f;

	while (c != '1' && now() < end) {
		if ((f = fopen("/sys/class/net/vti0/carrier", "r")) != NULL) {
			c = (char)fgetc(f);
			fclose(f);
		}
		if (c != '1')
			usleep(1000);
	}
}

static void
print_left(const char *when)
{
	printf("%-28s %zu primaries on G1, %zu standbys on G2, %zu on G3, "
	    "%zu other\n", when, by_nh[0], by_nh[1], by_nh[2], by_nh[3]);
}

/*
 * The failover scheme against a carrier loss: what the kernel leaves,
 * how long until it tells of the link (it has flushed by then), and the
 * primaries put back once the link is up again.
 */
static int
carrier(struct ev_loop *loop, struct kr *kr, size_t n)
{
	double	base, cmd, t0;

	kr_group(kr, G1, (uint32_t[]){ NH1 }, 1);
	kr_group(kr, G2, (uint32_t[]){ NH2 }, 1);
	kr_group(kr, G3, (uint32_t[]){ NH1, NH2 }, 2);
	kr_flush(kr);
	if (drain(loop, kr, 5.) == -1 ||
	    add_on(loop, kr, 0, n, G1, 20, "add primaries (metric 20)") ==
	    -1 ||
	    add_on(loop, kr, 0, n, G2, 21, "add standbys (metric 21)") == -1 ||
	    add_on(loop, kr, n, NMIXED, G3, 20, NULL) == -1 ||
	    count_routes(kr) == -1)
		return -1;
	print_left("before carrier loss:");
	base = shell("ip link set vti1p up");	/* a no-op: ip(8) itself */
	link_lost = routes_lost = nh_lost = 0;
	t0 = now();
	cmd = shell("ip link set vti0p down");
	while (link_lost == 0 && now() < t0 + 10.)
		ev_run(loop, EVRUN_ONCE);
	printf("%-28s ip link set %.1f ms (no-op %.1f ms), link event "
	    "after %.1f ms\n", "carrier loss:", cmd, base,
	    (link_lost - t0) * 1e3);
	if (count_routes(kr) == -1)
		return -1;
	print_left("after carrier loss:");
	printf("%-28s %zu nexthops lost, %zu routes told lost\n", "hooks:",
	    nh_lost, routes_lost);
	(void)shell("ip link set vti0p up");
	carrier_wait();
	nexthop(kr, 1);
	kr_group(kr, G1, (uint32_t[]){ NH1 }, 1);
	kr_flush(kr);
	if (drain(loop, kr, 5.) == -1 ||
	    add_on(loop, kr, 0, n, G1, 20, "put back primaries") == -1 ||
	    count_routes(kr) == -1)
		return -1;
	print_left("after recovery:");
	t0 = now();
	cmd = shell("ip link set vti0 down");
	printf("%-28s %.1f ms (no-op %.1f ms)\n", "admin down, ip link set:",
	    cmd, base);
	if (count_routes(kr) == -1)
		return -1;
	print_left("after admin down:");
	return 0;
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The failover, five times (to NH2, back to NH1, ...): min and median. */
static int
group_replaces(struct ev_loop *loop, struct kr *kr, size_t n)
{
	double		t[5], t0;
	uint32_t	member;
	int		i;

	for (i = 0; i < 5; i++) {
		member = i % 2 == 0 ? NH2 : NH1;
		t0 = now();
		kr_group(kr, G1, &member, 1);
		kr_flush(kr);
		if (drain(loop, kr, 30.) == -1)
			return -1;
		t[i] = (now() - t0) * 1e3;
	}
	qsort(t, 5, sizeof(t[0]), cmp_double);
	printf("%-28s %9zu routes in %.3f ms (min), %.3f ms (median of "
	    "5)\n", "group replace", n, t[0], t[2]);
	return 0;
}

static int
bench(struct ev_loop *loop, struct kr *kr, size_t n)
{
	double		t0;

	nexthop(kr, 1);
	nexthop(kr, 2);
	kr_group(kr, G1, (uint32_t[]){ NH1 }, 1);
	kr_flush(kr);
	if (drain(loop, kr, 5.) == -1 ||
	    add_all(loop, kr, n, "add routes (queue+kernel)") == -1)
		return -1;
	t0 = now();
	if (count_routes(kr) == -1)
		return -1;
	report("dump routes", dumped, now() - t0);
	if (dumped != n || on_group != n)
		fprintf(stderr, "kr_bench: dumped %zu, %zu on the group\n",
		    dumped, on_group);
	if (group_replaces(loop, kr, n) == -1 ||
	    del_all(loop, kr, n, false, "delete routes") == -1 ||
	    add_all(loop, kr, n, NULL) == -1 ||
	    del_all(loop, kr, n, true, "delete routes, descending") == -1 ||
	    add_all(loop, kr, n, NULL) == -1 ||
	    timed_group(loop, kr, true, 0, n, "delete group (kernel flush)") ==
	    -1)
		return -1;
	if (count_routes(kr) == -1 || dumped != 0)
		fprintf(stderr, "kr_bench: %zu routes left\n", dumped);
	return carrier(loop, kr, n);
}

int
main(int argc, char *argv[])
{
	struct kr_conf	 conf = { 254, 186, false, false, false };
	struct kr_hooks	 hooks = { .link = on_link, .error = on_error,
			    .route_lost = on_route_lost,
			    .nexthop_lost = on_nexthop_lost };
	struct ev_loop	*loop;
	struct kr	*kr;
	ev_timer	 tick;
	size_t		 n = 100000;
	int		 i, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-6") == 0)
			v6 = conf.inet6 = true;
		else if (strcmp(argv[i], "-c") == 0)
			conf.compat_keep = true;
		else
			n = strtoul(argv[i], NULL, 10);
	}
	if (n == 0 || n > 4000000 || setup(conf.compat_keep) != 0)
		return 1;
	printf("kr_bench: %zu %s routes, nexthop_compat_mode %d\n", n,
	    v6 ? "IPv6" : "IPv4", conf.compat_keep);
	log_init("kr_bench", true, false);
	loop = ev_loop_new(EVFLAG_AUTO);
	ev_timer_init(&tick, tick_cb, 0.01, 0.01);
	ev_timer_start(loop, &tick);
	kr = kr_new(loop, &conf, &hooks);
	if (kr_start(kr) == -1 || !kr_has_nexthops(kr))
		return 1;
	(void)kr_watch_link(kr, "vti0");
	rc = bench(loop, kr, n);
	if (rc == -1)
		fprintf(stderr, "kr_bench: timed out, %zu pending\n",
		    kr_pending(kr));
	printf("errors: %lu\n", errors);
	kr_free(kr);
	ev_timer_stop(loop, &tick);
	ev_loop_destroy(loop);
	return rc == 0 && errors == 0 ? 0 : 1;
}
