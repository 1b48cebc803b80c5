/* SPDX-License-Identifier: ISC */
/*
 * test_fib.c: bgpd/fib/ driven as the daemon drives it (a real RIB whose
 * changes go to fib_change, the tunnels' sessions as fib_tunnel_up,
 * fib_tunnel_synced and fib_tunnel_down), with the real netlink/ against
 * the real kernel, in a network namespace of its own
 * (unshare(CLONE_NEWNET)).  veth pairs vti0/vti0p .. vti2/vti2p stand in
 * for the tunnels, as in the lab.  What the kernel forwards on is read
 * back with ip(8), not through our own netlink code.  Needs root:
 * skipped (77) without, unless CI=true, where that is a failure.  The
 * loop is only ever run in bounded ev_run(EVRUN_ONCE) steps.
 */
#include "config.h"

#include <arpa/inet.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/unit/shell.h"
#include <ev.h>

#include "bgpd/conf/conf.h"
#include "bgpd/fib/fib_impl.h"	/* the nexthop ids */
#include "bgpd/session/msg.h"
#include "bgpd/util/log.h"
#include "rib/rib.h"

#define NPFX		64		/* prefixes every tunnel carries */
#define DEADLINE	5.
#define AWS_AS		64512

static const char conf_text[] =
	"router-id 172.100.0.200\n"
	"local-as 65000\n"
	"network 172.100.0.0/16\n"
	"import { allow 10.0.0.0/8 le 24 }\n"
	"kernel { ecmp on }\n"
	"neighbor 169.254.249.57 { interface vti0 remote-as 64512 }\n"
	"neighbor 169.254.249.61 { interface vti1 remote-as 64512 }\n"
	"neighbor 169.254.249.65 { interface vti2 remote-as 64512 }\n";

static const char *const gw[3] = {
	"169.254.249.57", "169.254.249.61", "169.254.249.65"
};

struct t {
	struct ev_loop	*loop;
	struct conf	*conf;
	struct rib	*rib;
	struct fib	*fib;
	ev_timer	 tick;
	uint64_t	 now_ms;
};

/* ---- helpers ---------------------------------------------------------- */

static struct in_addr
ip(const char *s)
{
	struct in_addr	a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a;
}

/* The n-th /24 of 10.100.0.0/16. */
static struct rib_prefix
pfx_n(unsigned n)
{
	struct rib_prefix	p;
	struct in_addr		a = { htonl(0x0a640000U + (n << 8)) };

	assert_true(rib_prefix_set(&p, AF_INET, &a, 24));
	return p;
}

static void
tick_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
}

/* Run the loop in bounded steps until the kernel has answered every
 * request, then for secs more (timers of fib, such as its settle). */
static void
settle(struct t *t, double secs)
{
	ev_tstamp	end = ev_time() + DEADLINE;

	while (fib_pending(t->fib) > 0) {
		assert_true(ev_time() < end);
		ev_run(t->loop, EVRUN_ONCE);
	}
	for (end = ev_time() + secs; ev_time() < end; )
		ev_run(t->loop, EVRUN_ONCE);
	assert_int_equal(fib_pending(t->fib), 0);
}

/*
 * The members of nexthop group id as the kernel has them, as a mask of
 * tunnels (bit i: NH_ID(i)); -1 if the kernel has no such group, or it
 * holds a nexthop that is no tunnel's.
 */
static int
kernel_members(uint32_t id)
{
	char		*out = t_sh_out("ip -j nexthop show id %u 2>/dev/null", id);
	const char	*s;
	unsigned	 nh;
	int		 mask = 0;

	if ((s = strstr(out, "\"group\":[")) == NULL) {
		free(out);
		return -1;
	}
	while ((s = strstr(s, "{\"id\":")) != NULL &&
	    sscanf(s, "{\"id\":%u", &nh) == 1) {
		s++;
		if (nh < NH_ID(0) || nh > NH_ID(7)) {
			mask = -1;
			break;
		}
		mask |= 1 << (nh - NH_ID(0));
	}
	free(out);
	return mask;
}

/* How many of our primary routes (proto bgp, fib's metric) the kernel
 * has, and how many of them are on nexthop id. */
static void
kernel_routes(struct t *t, uint32_t id, int *all, int *on)
{
	char		*out = t_sh_out("ip -o -4 route show proto bgp metric %u",
			    fib_metric(t->fib));
	char		*line, *save = NULL;
	const char	*s;
	unsigned	 nhid;

	*all = *on = 0;
	for (line = strtok_r(out, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		(*all)++;
		if ((s = strstr(line, " nhid ")) != NULL &&
		    sscanf(s, " nhid %u", &nhid) == 1 && nhid == id)
			(*on)++;
	}
	free(out);
}

/* Every primary route forwards into the tunnels of mask: it is on a
 * group whose members are theirs. */
static void
assert_routes_forward(struct t *t, int mask)
{
	char		*out = t_sh_out("ip -o -4 route show proto bgp metric %u",
			    fib_metric(t->fib));
	char		*line, *save = NULL;
	const char	*s;
	unsigned	 nhid;
	int		 n = 0;

	for (line = strtok_r(out, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		assert_non_null(s = strstr(line, " nhid "));
		assert_int_equal(sscanf(s, " nhid %u", &nhid), 1);
		if (kernel_members(nhid) != mask)
			fail_msg("%s: on nexthop %#x, members %#x, not %#x",
			    line, nhid, kernel_members(nhid), mask);
		n++;
	}
	free(out);
	assert_int_equal(n, NPFX);
}

/* Peer i announces the NPFX prefixes, as AWS does (MED 100). */
static void
announce(struct t *t, unsigned i)
{
	struct rib_prefix	 nlri[NPFX];
	struct msg_attrs	 m;
	uint32_t		 asn = htonl(AWS_AS);
	unsigned		 n;

	for (n = 0; n < NPFX; n++)
		nlri[n] = pfx_n(n);
	memset(&m, 0, sizeof(m));
	m.present = ATTR_BIT(ATTR_ORIGIN) | ATTR_BIT(ATTR_AS_PATH) |
	    ATTR_BIT(ATTR_NEXT_HOP) | ATTR_BIT(ATTR_MED);
	m.origin = ORIGIN_IGP;
	assert_non_null(m.as_path = malloc(6));
	m.as_path[0] = AS_SEQUENCE;
	m.as_path[1] = 1;
	memcpy(m.as_path + 2, &asn, 4);
	m.as_path_len = 6;
	m.as_path_count = 1;
	m.next_hop = ip(gw[i]);
	m.med = 100;
	t->now_ms += 1000;
	assert_int_equal(rib_update_prefixes(t->rib, i, NULL, 0, nlri, NPFX,
	    &m, NULL, false, t->now_ms), NPFX);
	msg_attrs_free(&m);
}

/* A session goes down without a word (hold timer, probes): the kernel
 * first, then the RIB, in the order of bgpd/router.c. */
static void
silent_failure(struct t *t, unsigned i)
{
	fib_tunnel_down(t->fib, i);
	t->now_ms += 1000;
	rib_peer_flush(t->rib, i, t->now_ms);
}

/* ---- the daemon's glue (bgpd/router.c), without the sessions ---------- */

static void
on_rib_change(const struct rib_change *c, void *arg)
{
	fib_change(((struct t *)arg)->fib, c);
}

static const uint8_t *
lookup(const struct kr_prefix *p, void *arg)
{
	struct rib_prefix	rp;

	if (!rib_prefix_set(&rp, AF_INET, &p->addr, p->len))
		return NULL;
	return rib_user(((struct t *)arg)->rib, &rp);
}

static size_t
walk(size_t from, size_t n, rib_walk_user_fn fn, void *fn_arg, void *arg)
{
	return rib_walk_user_part(((struct t *)arg)->rib, from, n, fn,
	    fn_arg);
}

/* ---- set-up ----------------------------------------------------------- */

static int
setup(void **state)
{
	struct conf_error	 err;
	struct t		*t;
	char			*out;
	unsigned		 i;
	ev_tstamp		 end;

	for (i = 0; i < 3; i++)
		t_sh("ip link add vti%u type veth peer name vti%up && "
		    "ip link set vti%u up && ip link set vti%up up", i, i, i,
		    i);
	/* onlink nexthops want the carrier */
	for (end = ev_time() + DEADLINE; ; usleep(10000)) {
		out = t_sh_out("ip -o link show up | grep -c 'vti.*LOWER_UP'");
		i = (unsigned)atoi(out);
		free(out);
		if (i == 6)
			break;
		assert_true(ev_time() < end);
	}
	assert_non_null(t = calloc(1, sizeof(*t)));
	t->conf = conf_parse_buffer("test.conf", conf_text,
	    sizeof(conf_text) - 1, &err);
	assert_non_null(t->conf);
	assert_true(t->conf->kernel.ecmp);
	t->loop = ev_loop_new(EVFLAG_AUTO);
	ev_timer_init(&t->tick, tick_cb, 0.005, 0.005);
	ev_timer_start(t->loop, &t->tick);
	assert_non_null(t->rib = rib_new(t->conf, on_rib_change, t));
	assert_non_null(t->fib = fib_new(t->loop, t->conf));
	fib_set_lookup(t->fib, lookup, walk, t);
	for (i = 0; i < 3; i++) {
		struct conf_neighbor	n;

		memset(&n, 0, sizeof(n));
		n.af = AF_INET;
		n.addr = ip(gw[i]);
		n.preference = 100;
		snprintf(n.ifname, sizeof(n.ifname), "vti%u", i);
		rib_peer_set(t->rib, i, n.addr, 100);
		fib_tunnel_set(t->fib, i, &n);
	}
	*state = t;
	assert_int_equal(fib_start(t->fib, NULL, NULL), 0);
	for (end = ev_time() + DEADLINE; !fib_link_up(t->fib, 0) ||
	    !fib_link_up(t->fib, 1) || !fib_link_up(t->fib, 2); ) {
		assert_true(ev_time() < end);
		ev_run(t->loop, EVRUN_ONCE);
	}
	settle(t, 0.);
	return 0;
}

static int
teardown(void **state)
{
	struct t	*t = *state;

	if (t != NULL) {
		fib_shutdown(t->fib, false);
		fib_free(t->fib);
		rib_free(t->rib);
		ev_timer_stop(t->loop, &t->tick);
		ev_loop_destroy(t->loop);
		conf_free(t->conf);
		free(t);
	}
	*state = NULL;
	t_sh("for i in 0 1 2; do ip link del vti$i 2>/dev/null; done; "
	    "ip -4 route flush table all proto bgp 2>/dev/null; "
	    "ip nexthop flush >/dev/null 2>&1; true");
	return 0;
}

/* ---- tests ------------------------------------------------------------ */

/*
 * ECMP over three tunnels, every prefix on the group M = {0,1,2}.
 * Tunnel 1 fails silently: M is rewritten to {0,2}.  Its session comes
 * back but has not sent M's prefixes again: it waits to rejoin M.  Now
 * tunnel 2 fails silently: M is rewritten to {0} alone, not to {0,1},
 * which would send half the flows of every prefix into tunnel 1, which
 * has no path for any of them.  No route is rewritten meanwhile.  When
 * tunnel 1 has sent its routes, they forward into {0,1}, and so does M.
 */
static void
test_ecmp_back_not_joined(void **state)
{
	struct t	*t = *state;
	const uint32_t	 m = ECMP_ID(0x07);
	int		 all, on;
	unsigned	 i;

	for (i = 0; i < 3; i++)
		fib_tunnel_up(t->fib, i);
	for (i = 0; i < 3; i++)
		announce(t, i);
	for (i = 0; i < 3; i++)
		fib_tunnel_synced(t->fib, i);
	fib_converged(t->fib);
	settle(t, 0.2);
	assert_int_equal(kernel_members(m), 0x07);
	kernel_routes(t, m, &all, &on);
	assert_int_equal(all, NPFX);
	assert_int_equal(on, NPFX);

	/* 1. tunnel 1 fails silently: M = {0,2}, the routes stay on it */
	silent_failure(t, 1);
	settle(t, 0.2);
	assert_int_equal(kernel_members(m), 0x05);
	kernel_routes(t, m, &all, &on);
	assert_int_equal(all, NPFX);
	assert_int_equal(on, NPFX);

	/* 2. its session is back, none of its routes yet (no End-of-RIB):
	 * it waits (settle timers included) to rejoin M */
	fib_tunnel_up(t->fib, 1);
	settle(t, 0.2);
	assert_int_equal(kernel_members(m), 0x05);
	kernel_routes(t, m, &all, &on);
	assert_int_equal(on, NPFX);

	/* 3. tunnel 2 fails silently: M = {0}, tunnel 1 not put in (the
	 * group rewrite checked before the RIB hears of it, then after) */
	fib_tunnel_down(t->fib, 2);
	settle(t, 0.);
	assert_int_equal(kernel_members(m), 0x01);
	t->now_ms += 1000;
	rib_peer_flush(t->rib, 2, t->now_ms);
	settle(t, 0.2);
	assert_int_equal(kernel_members(m), 0x01);
	kernel_routes(t, m, &all, &on);
	assert_int_equal(all, NPFX);
	assert_int_equal(on, NPFX);
	assert_routes_forward(t, 0x01);

	/* 4. tunnel 1 sends its routes and End-of-RIB: they forward into
	 * {0,1} (tunnel 2 is still dead), and M is {0,1} again */
	announce(t, 1);
	fib_tunnel_synced(t->fib, 1);
	settle(t, 0.2);
	assert_int_equal(kernel_members(m), 0x03);
	assert_routes_forward(t, 0x03);
}

/* ---- main ------------------------------------------------------------- */

int
main(void)
{
	int			rc;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ecmp_back_not_joined,
		    setup, teardown),
	};

	if ((rc = t_netns_enter("test_fib")) != 0)
		return rc;
	log_init("test_fib", true, false);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
