/* SPDX-License-Identifier: ISC */
/*
 * kr_bench.c: how fast netlink/kr.h moves routes, in a network namespace
 * of its own (needs root).  N routes (argument, default 100000) on one
 * nexthop group: add them, rewrite the group (the failover), dump them,
 * delete them.  Not part of make check: make tests/bench/kr_bench.
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

static unsigned long	errors;
static size_t		dumped, on_group;

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

static struct kr_prefix
prefix(size_t i)
{
	struct kr_prefix	p = { .len = 24 };

	p.addr.s_addr = htonl(0x0b000000U + ((uint32_t)i << 8));
	p.len = 24;
	return p;
}

static void
count(const struct kr_prefix *p, uint32_t metric, uint32_t nhid, void *arg)
{
	dumped++;
	on_group += nhid == G1;
}

static void
report(const char *what, size_t n, double t)
{
	printf("%-28s %9zu in %8.3f s  %10.0f/s\n", what, n, t,
	    t > 0 ? (double)n / t : 0.);
}

static int
setup(void)
{
	if (geteuid() != 0) {
		fprintf(stderr, "kr_bench: needs root\n");
		return -1;
	}
	if (unshare(CLONE_NEWNET) == -1) {
		perror("kr_bench: unshare");
		return -1;
	}
	return system("ip link set lo up && "
	    "ip link add vti0 type veth peer name vti0p && "
	    "ip link add vti1 type veth peer name vti1p && "
	    "for l in vti0 vti0p vti1 vti1p; do ip link set $l up; done");
}

/* Add the n routes on G1 (timed when what is not NULL). */
static int
add_all(struct ev_loop *loop, struct kr *kr, size_t n, const char *what)
{
	struct kr_prefix	p;
	double			t0 = now(), t1;
	size_t			i;

	for (i = 0; i < n; i++) {
		p = prefix(i);
		kr_route(kr, &p, 20, G1);
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

static int
bench(struct ev_loop *loop, struct kr *kr, size_t n)
{
	struct in_addr	gw1, gw2;
	double		t0;

	inet_pton(AF_INET, "169.254.249.57", &gw1);
	inet_pton(AF_INET, "169.254.249.61", &gw2);
	kr_nexthop(kr, NH1, "vti0", gw1);
	kr_nexthop(kr, NH2, "vti1", gw2);
	kr_group(kr, G1, (uint32_t[]){ NH1 }, 1);
	kr_flush(kr);
	if (drain(loop, kr, 5.) == -1 ||
	    add_all(loop, kr, n, "add routes (queue+kernel)") == -1)
		return -1;
	t0 = now();
	if (kr_dump_routes(kr, count, NULL) == -1)
		return -1;
	report("dump routes", dumped, now() - t0);
	if (dumped != n || on_group != n)
		fprintf(stderr, "kr_bench: dumped %zu, %zu on the group\n",
		    dumped, on_group);
	if (timed_group(loop, kr, false, NH2, n, "group replace") == -1 ||
	    del_all(loop, kr, n, false, "delete routes") == -1 ||
	    add_all(loop, kr, n, NULL) == -1 ||
	    del_all(loop, kr, n, true, "delete routes, descending") == -1 ||
	    add_all(loop, kr, n, NULL) == -1 ||
	    timed_group(loop, kr, true, 0, n, "delete group (kernel flush)") ==
	    -1)
		return -1;
	dumped = 0;
	if (kr_dump_routes(kr, count, NULL) == -1 || dumped != 0)
		fprintf(stderr, "kr_bench: %zu routes left\n", dumped);
	return 0;
}

int
main(int argc, char *argv[])
{
	struct kr_conf	 conf = { 254, 186, false, false, false };
	struct kr_hooks	 hooks = { .error = on_error };
	struct ev_loop	*loop;
	struct kr	*kr;
	ev_timer	 tick;
	size_t		 n = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
	int		 rc;

	if (n == 0 || n > 4000000 || setup() != 0)
		return 1;
	log_init("kr_bench", true, false);
	loop = ev_loop_new(EVFLAG_AUTO);
	ev_timer_init(&tick, tick_cb, 0.01, 0.01);
	ev_timer_start(loop, &tick);
	kr = kr_new(loop, &conf, &hooks);
	if (kr_start(kr) == -1 || !kr_has_nexthops(kr))
		return 1;
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
